/** A remembered token answers exactly as checkJwt does: expiry, reason and scope checked every time. */
import { GpcError } from '../../src/fhir/gpc-error';
import { INTERACTIONS } from '../../src/spine/interactions';
import { checkJwt, jwtChecker, REMEMBERED_TOKENS } from '../../src/spine/jwt';
import { jwt, validClaims } from '../../tools/test-jwt';

const ISSUED = 1_800_000_000;
const at = (seconds: number) => new Date(seconds * 1000);
const bearer = (claims: Record<string, unknown>) => `Bearer ${jwt(claims)}`;

/** The error (or claims) a check gives, comparable across the two checkers. */
function outcome(run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof GpcError)) throw error;
    return { spineCode: error.spineCode, diagnostics: error.diagnostics };
  }
}

describe('jwtChecker', () => {
  it('gives checkJwt’s answer for a remembered token, on each interaction and at each time', () => {
    const check = jwtChecker().check;
    const tokens = [
      bearer(validClaims(ISSUED, 'patient/*.read')),
      bearer(validClaims(ISSUED, 'organization/*.read')),
      bearer({
        ...validClaims(ISSUED, 'patient/*.read organization/*.read'),
        reason_for_request: 'secondaryuses',
      }),
    ];
    const interactions = [INTERACTIONS.getstructuredrecord, INTERACTIONS.metadata, INTERACTIONS.bulkExport];
    // Within the lifetime, at its last second and after it: the memo is filled by the first round.
    const times = [ISSUED, ISSUED + 299, ISSUED + 300, ISSUED + 3600];
    let failures = 0;
    for (let round = 0; round < 2; round++) {
      for (const token of tokens) {
        for (const interaction of interactions) {
          for (const time of times) {
            const expected = outcome(() => checkJwt(token, interaction, at(time)));
            expect(outcome(() => check(token, interaction, at(time)))).toEqual(expected);
            if (!('issuer' in (expected as object))) failures += 1;
          }
        }
      }
    }
    // Every kind of refusal was met: expired, reason and scope.
    expect(failures).toBeGreaterThan(0);
  });

  it('refuses a remembered token once it has expired', () => {
    const check = jwtChecker().check;
    const token = bearer(validClaims(ISSUED));
    expect(check(token, INTERACTIONS.getstructuredrecord, at(ISSUED)).issuer).toBeTruthy();
    expect(() => check(token, INTERACTIONS.getstructuredrecord, at(ISSUED + 300))).toThrow(
      'JWT has expired (exp is in the past)',
    );
  });

  it('refuses a remembered token whose scope does not cover another interaction', () => {
    const check = jwtChecker().check;
    const token = bearer(validClaims(ISSUED, 'patient/*.read'));
    check(token, INTERACTIONS.getstructuredrecord, at(ISSUED));
    expect(() => check(token, INTERACTIONS.metadata, at(ISSUED))).toThrow(
      'JWT requested_scope must include organization/*.read for this interaction',
    );
  });

  it('never remembers a failure, and stays bounded when every token is new', () => {
    const checker = jwtChecker();
    const { check } = checker;
    const bad = bearer({ ...validClaims(ISSUED), sub: '2' });
    for (let i = 0; i < 2; i++) {
      expect(() => check(bad, INTERACTIONS.getstructuredrecord, at(ISSUED))).toThrow(
        'JWT sub claim must equal requesting_practitioner.id',
      );
    }
    expect(checker.remembered).toBe(0);
    // Many distinct valid tokens (one per second of issue): each is still checked and accepted.
    for (let i = 0; i < REMEMBERED_TOKENS * 2; i++) {
      const token = bearer(validClaims(ISSUED + i));
      expect(check(token, INTERACTIONS.getstructuredrecord, at(ISSUED + i)).issuedAt).toBe(ISSUED + i);
    }
    expect(checker.remembered).toBe(REMEMBERED_TOKENS);
  });
});
