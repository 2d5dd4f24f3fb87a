import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r3';

import { PROFILE } from './profiles';
import { SPINE_CODES, SPINE_ERROR_CODE_SYSTEM, type SpineCode, wireSpineCode } from './spine-codes';

/**
 * details.coding is always one Spine code (GPConnect-OperationOutcome-1 binds it, required, with the
 * system fixed). A provider-local condition names itself in details.text (D-34).
 */
function spineDetails(code: SpineCode, text?: string): OperationOutcomeIssue['details'] {
  const wire = wireSpineCode(code);
  const coding = [{ system: SPINE_ERROR_CODE_SYSTEM, code: wire, display: SPINE_CODES[wire].display }];
  const detailsText = text ?? (wire === code ? undefined : `${code}: ${SPINE_CODES[code].display}`);
  return detailsText === undefined ? { coding } : { coding, text: detailsText };
}

/** The single-issue OperationOutcome of an error response (Error handling guidance — OperationOutcome). */
export function errorOutcome(code: SpineCode, diagnostics: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    meta: { profile: [PROFILE.operationOutcome] },
    issue: [
      {
        severity: 'error',
        code: SPINE_CODES[code].issueCode,
        details: spineDetails(code),
        diagnostics,
      },
    ],
  };
}

/**
 * A warning carried inside a 200 Bundle: an unrecognised parameter or a disabled clinical area
 * (API Version Compatibility — Forwards compatibility; Configuration for supported clinical areas). `text`
 * goes to details.text and `diagnostics` names the parameter.
 */
export interface BundleWarning {
  readonly text: string;
  readonly diagnostics: string;
}

export function warningIssue(warning: BundleWarning): OperationOutcomeIssue {
  return {
    severity: 'warning',
    code: 'not-supported',
    details: spineDetails('NOT_IMPLEMENTED', warning.text),
    diagnostics: warning.diagnostics,
  };
}

export function warningOutcome(id: string, warnings: readonly BundleWarning[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    id,
    meta: { profile: [PROFILE.operationOutcome] },
    issue: warnings.map(warningIssue),
  };
}
