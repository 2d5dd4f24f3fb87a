import { referralResource } from '../../../src/bundle/areas/referrals';
import { AREA_PROFILE } from '../../../src/bundle/areas/urls';
import type { Referral } from '../../../src/record/model';
import { fakeContext, IDENTIFIER_SYSTEM } from './fake-context';
import { expectInvalid, expectValid } from './validate';

const referral: Referral = {
  id: 'ref-1',
  guid: '0b8f8e1c-3a55-4f0e-9d5e-2f3c4b5a6d7e',
  recorded: '2024-05-01T10:00:00+01:00',
  recorderId: 'prac-recorder',
  consultationId: 'cons-9',
  authored: '2024-05-01',
  priority: 'urgent',
  reason: { code: '183545006', display: 'Referral to orthopaedic service', descriptionId: '283067019' },
  serviceRequested: [{ text: 'Knee assessment' }],
  recipients: [
    { kind: 'healthcareService', id: 'hs-ortho' },
    { kind: 'organisation', id: 'org-hospital' },
    { kind: 'practitioner', id: 'prac-consultant' },
    { kind: 'text', text: 'Mr Smith, Private Clinic' },
  ],
  ubrn: '000012345678',
  requesterId: 'prac-gp',
  onBehalfOfOrganisationId: 'org-branch',
  description: 'Persistent knee pain, failed physiotherapy',
  supportingInfo: [
    { kind: 'document', id: 'doc-letter' },
    { kind: 'investigation', id: 'rep-1' },
  ],
  note: 'Appointment booked for June',
};

describe('referralResource', () => {
  const ctx = fakeContext({ encounters: ['cons-9'] });
  const rr = referralResource(referral, ctx);

  it('conforms to CareConnect-GPC-ReferralRequest-1', () => {
    expectValid(rr);
  });

  it('has status unknown, intent order, the subject and authoredOn', () => {
    expect(rr.meta).toEqual({ profile: [AREA_PROFILE.referralRequest] });
    expect(rr.status).toBe('unknown');
    expect(rr.intent).toBe('order');
    expect(rr.subject).toEqual({ reference: 'Patient/pat-1' });
    expect(rr.authoredOn).toBe('2024-05-01');
    expect(rr.context).toEqual({ reference: 'Encounter/cons-9' });
  });

  it('adds the UBRN as a second identifier', () => {
    expect(rr.identifier).toEqual([
      { system: IDENTIFIER_SYSTEM, value: referral.guid },
      { system: 'https://fhir.nhs.uk/Id/UBRN', value: '000012345678' },
    ]);
  });

  it('puts the main code in reasonCode and never in serviceRequested or specialty', () => {
    expect(rr.reasonCode).toHaveLength(1);
    expect(rr.reasonCode?.[0]?.coding?.[0]).toMatchObject({
      system: 'http://snomed.info/sct',
      code: '183545006',
    });
    expect(rr.serviceRequested).toEqual([{ text: 'Knee assessment' }]);
    expect(JSON.stringify(rr.serviceRequested)).not.toContain('183545006');
    expect(rr).not.toHaveProperty('specialty');
  });

  it('has the responsible practitioner as agent, on behalf of another organisation', () => {
    expect(rr.requester).toEqual({
      agent: { reference: 'Practitioner/prac-gp' },
      onBehalfOf: { reference: 'Organization/org-branch' },
    });
  });

  it('falls back to the recorder as agent, with no onBehalfOf for the practice itself', () => {
    const { requesterId: _r, onBehalfOfOrganisationId: _o, ...own } = referral;
    expect(referralResource(own, fakeContext()).requester).toEqual({
      agent: { reference: 'Practitioner/prac-recorder' },
    });
  });

  it('references HealthcareService, Organization and Practitioner recipients through the context', () => {
    expect(rr.recipient).toEqual([
      { reference: 'HealthcareService/hs-ortho' },
      { reference: 'Organization/org-hospital' },
      { reference: 'Practitioner/prac-consultant' },
    ]);
    expect(ctx.actors).toEqual(
      expect.arrayContaining([
        { kind: 'healthcareService', id: 'hs-ortho' },
        { kind: 'organisation', id: 'org-hospital' },
        { kind: 'practitioner', id: 'prac-consultant' },
      ]),
    );
  });

  it('writes a recipient that cannot be referenced into note as a key/value pair', () => {
    expect(rr.note).toEqual([
      { text: 'Appointment booked for June' },
      { text: 'Recipient: Mr Smith, Private Clinic' },
    ]);
  });

  it('carries description and supportingInfo from the context', () => {
    expect(rr.description).toBe('Persistent knee pain, failed physiotherapy');
    expect(rr.supportingInfo).toEqual([
      { reference: 'DocumentReference/doc-letter' },
      { reference: 'DiagnosticReport/rep-1' },
    ]);
    expect(ctx.items).toEqual([
      { kind: 'document', id: 'doc-letter' },
      { kind: 'investigation', id: 'rep-1' },
    ]);
  });

  it("keeps the context's placeholders for links into switched-off areas as-is", () => {
    const off = expectValid(referralResource(referral, fakeContext({ disabled: ['document'] })));
    expect(off.supportingInfo).toEqual([
      { display: 'Document items have been disabled' },
      { reference: 'DiagnosticReport/rep-1' },
    ]);
  });

  it('keeps a reference into the Ended allergies List as the context gives it', () => {
    const r = expectValid(
      referralResource(
        { ...referral, supportingInfo: [{ kind: 'allergy', id: 'alg-old' }] },
        fakeContext({ endedAllergies: ['alg-old'] }),
      ),
    );
    expect(r.supportingInfo).toEqual([{ reference: 'List/ended-allergies#alg-old' }]);
  });

  it.each([
    ['routine', 'routine'],
    ['urgent', 'urgent'],
    ['asap', 'asap'],
  ] as const)('maps the eRS priority %s to %s', (source, expected) => {
    const r = expectValid(referralResource({ ...referral, priority: source }, fakeContext()));
    expect(r.priority).toBe(expected);
    expect(JSON.stringify(r.note)).not.toContain('Priority');
  });

  it('writes a priority it cannot map into note, and leaves priority out', () => {
    const r = expectValid(
      referralResource({ ...referral, priority: { text: 'Two week wait' } }, fakeContext()),
    );
    expect(r).not.toHaveProperty('priority');
    expect(r.note).toContainEqual({ text: 'Priority: Two week wait' });
  });

  it('Decision (docs/decisions.md, "Bundle"): a cancelled referral keeps status unknown and says so in note', () => {
    const r = expectValid(referralResource({ ...referral, status: 'cancelled' }, fakeContext()));
    expect(r.status).toBe('unknown');
    expect(r.note).toContainEqual({ text: 'Status: cancelled' });
  });

  it('a minimal referral has only the mandatory elements and the requester', () => {
    const minimal: Referral = {
      id: 'ref-2',
      recorded: '2024-05-02T09:00:00+01:00',
      recorderId: 'prac-gp',
      reason: { code: '306206005', display: 'Referral to service' },
    };
    const r = expectValid(referralResource(minimal, fakeContext()));
    expect(Object.keys(r).sort()).toEqual(
      [
        'id',
        'identifier',
        'intent',
        'meta',
        'reasonCode',
        'requester',
        'resourceType',
        'status',
        'subject',
      ].sort(),
    );
  });

  it('the schema rejects unused elements, other priorities, a problem as supportingInfo and a missing reasonCode', () => {
    expectInvalid({ ...rr, priority: 'stat' });
    expectInvalid({ ...rr, status: 'active' });
    expectInvalid({ ...rr, recipient: [{ reference: 'PractitionerRole/r1' }] });
  });
});
