import type {
  DiagnosticReport,
  Observation as FhirObservation,
  ProcedureRequest,
  Resource,
  Specimen as FhirSpecimen,
} from 'fhir/r3';

import { investigationResources, NO_CODE_AVAILABLE } from '../../../src/bundle/areas/investigations';
import { AREA_PROFILE } from '../../../src/bundle/areas/urls';
import type { InvestigationReport, TestResult } from '../../../src/record/model';
import { fakeContext, IDENTIFIER_SYSTEM } from './fake-context';
import { expectValid } from './validate';

const ISSUED = '2024-04-02T14:20:00+01:00';

const hb: TestResult = {
  id: 'res-hb',
  code: { code: '1022431000000105', display: 'Haemoglobin estimation' },
  value: { type: 'quantity', value: 135, unit: 'g/L', ucum: 'g/L' },
  referenceRange: { low: 130, high: 170 },
  specimenId: 'spec-1',
  filingComments: [
    { id: 'fc-hb', filed: '2024-04-03T09:00:00+01:00', filedById: 'prac-gp', comment: 'Normal, no action' },
  ],
};
const wbc: TestResult = {
  id: 'res-wbc',
  code: { code: '1022541000000102', display: 'Total white cell count' },
  value: { type: 'quantity', value: 11.2, unit: '10*9/L', ucum: '10*9/L' },
  referenceRange: { text: '>4.0' },
  interpretation: { code: '281302008', display: 'Above reference range' },
  comment: 'Slightly raised',
  status: 'preliminary',
  specimenId: 'spec-1',
};
const hidden: TestResult = {
  id: 'res-hidden',
  code: { code: '1000001', display: 'Withheld test' },
  confidential: true,
};
const crp: TestResult = {
  id: 'res-crp',
  code: { code: '1001371000000100', display: 'Serum C reactive protein level' },
  specimenId: 'spec-2',
};

const report: InvestigationReport = {
  id: 'rep-1',
  guid: 'aa6e1f08-5d8b-4d4f-8fc5-6b3c9c2b7e01',
  recorded: '2024-04-02T15:00:00+01:00',
  recorderId: 'prac-gp',
  consultationId: 'cons-3',
  issued: ISSUED,
  performers: [
    { kind: 'organisation', id: 'org-lab' },
    { kind: 'practitioner', id: 'prac-path' },
  ],
  pmipReportId: 'PMIP-123',
  request: {
    id: 'req-1',
    code: { code: '26604007', display: 'Full blood count' },
    requesterId: 'prac-gp',
    performerId: 'org-lab',
    reasons: [{ text: 'Tiredness' }],
    note: 'Please also check ferritin',
  },
  specimens: [
    {
      id: 'spec-1',
      type: { code: '119297000', display: 'Blood specimen' },
      accessionId: 'ACC-9',
      collected: '2024-04-01T09:00:00+01:00',
      collectorId: 'prac-hca',
      received: '2024-04-01T13:00:00+01:00',
      quantity: { value: 4, unit: 'ml', ucum: 'mL' },
      bodySite: { code: '368208006', display: 'Left upper arm structure' },
      fastingStatus: 'F',
      note: 'Haemolysed slightly',
    },
    { id: 'spec-2' },
  ],
  groups: [
    {
      id: 'grp-fbc',
      code: { code: '26604007', display: 'Full blood count' },
      results: [hb, wbc, hidden],
      filingComments: [
        {
          id: 'fc-grp',
          filed: '2024-04-03T09:00:00+01:00',
          commented: '2024-04-03T09:05:00+01:00',
          filedById: 'prac-gp',
          comment: 'FBC reviewed',
        },
      ],
    },
    {
      id: 'grp-secret',
      code: { code: '1000002', display: 'Withheld group' },
      results: [{ ...crp, id: 'res-in-secret' }],
      confidential: true,
    },
  ],
  results: [crp],
  filingComments: [
    {
      id: 'fc-rep',
      filed: '2024-04-03T09:10:00+01:00',
      filedById: 'prac-gp',
      comment: 'Filed: satisfactory',
    },
  ],
  codedDiagnoses: [{ code: '271737000', display: 'Anaemia' }],
  conclusion: 'Mild leucocytosis',
};

function byId<T extends Resource>(resources: readonly Resource[], type: T['resourceType'], id: string): T {
  const found = resources.find((r) => r.resourceType === type && r.id === id);
  if (!found) throw new Error(`${type}/${id} not mapped`);
  return found as T;
}

describe('investigationResources', () => {
  const ctx = fakeContext({ encounters: ['cons-3'] });
  const { report: dr, related } = investigationResources(report, ctx);
  const obs = (id: string): FhirObservation => byId<FhirObservation>(related, 'Observation', id);

  it('every resource conforms to its profile', () => {
    for (const resource of [dr, ...related]) expectValid(resource);
  });

  it('returns the request, both specimens, the group, its visible results, the standalone result and all filing comments', () => {
    expect(related.map((r) => `${r.resourceType}/${r.id}`)).toEqual([
      'ProcedureRequest/req-1',
      'Specimen/spec-1',
      'Specimen/spec-2',
      'Observation/grp-fbc',
      'Observation/fc-grp',
      'Observation/res-hb',
      'Observation/fc-hb',
      'Observation/res-wbc',
      'Observation/res-crp',
      'Observation/fc-rep',
    ]);
  });

  describe('DiagnosticReport', () => {
    it('has the fixed code 721981007, the Laboratory category and the mandatory elements', () => {
      expect(dr.meta).toEqual({ profile: [AREA_PROFILE.diagnosticReport] });
      expect(dr.code).toEqual({
        coding: [
          { system: 'http://snomed.info/sct', code: '721981007', display: 'Diagnostic studies report' },
        ],
      });
      expect(dr.category).toEqual({
        coding: [{ system: 'http://hl7.org/fhir/v2/0074', code: 'LAB', display: 'Laboratory' }],
      });
      expect(dr.status).toBe('final');
      expect(dr.subject).toEqual({ reference: 'Patient/pat-1' });
      expect(dr.issued).toBe(ISSUED);
    });

    it('adds the PMIP report id as a second identifier', () => {
      expect(dr.identifier).toEqual([
        { system: IDENTIFIER_SYSTEM, value: report.guid },
        { system: 'urn:oid:2.16.840.1.113883.2.1.4.5.5', value: 'PMIP-123' },
      ]);
      const { pmipReportId: _pmip, ...noPmip } = report;
      expect(investigationResources(noPmip, fakeContext()).report.identifier).toHaveLength(1);
    });

    it('is based on the ProcedureRequest and references the specimens, the lab and the encounter', () => {
      expect(dr.basedOn).toEqual([{ reference: 'ProcedureRequest/req-1' }]);
      expect(dr.specimen).toEqual([{ reference: 'Specimen/spec-1' }, { reference: 'Specimen/spec-2' }]);
      expect(dr.performer).toEqual([
        { actor: { reference: 'Organization/org-lab' } },
        { actor: { reference: 'Practitioner/prac-path' } },
      ]);
      expect(dr.context).toEqual({ reference: 'Encounter/cons-3' });
    });

    it('result lists group headers, standalone results and filing comments, never a result in a group', () => {
      expect(dr.result).toEqual([
        { reference: 'Observation/grp-fbc' },
        { reference: 'Observation/fc-grp' },
        { reference: 'Observation/fc-hb' },
        { reference: 'Observation/res-crp' },
        { reference: 'Observation/fc-rep' },
      ]);
      expect(dr.result?.map((r) => r.reference)).not.toContain('Observation/res-hb');
      expect(dr.result?.map((r) => r.reference)).not.toContain('Observation/res-wbc');
    });

    it('withholds confidential groups and results and everything hanging off them', () => {
      const ids = [dr, ...related].map((r) => r.id);
      for (const id of ['res-hidden', 'grp-secret', 'res-in-secret']) expect(ids).not.toContain(id);
      expect(JSON.stringify([dr, ...related])).not.toMatch(/res-hidden|grp-secret|res-in-secret/);
    });

    it('carries codedDiagnosis and conclusion, and no unused element', () => {
      expect(dr.codedDiagnosis?.[0]?.coding?.[0]?.code).toBe('271737000');
      expect(dr.conclusion).toBe('Mild leucocytosis');
      for (const key of ['effectiveDateTime', 'effectivePeriod', 'imagingStudy', 'image', 'presentedForm'])
        expect(dr).not.toHaveProperty(key);
    });

    it('sends a Practitioner performer only alongside an Organization', () => {
      const lone = investigationResources(
        { ...report, performers: [{ kind: 'practitioner', id: 'prac-path' }] },
        fakeContext(),
      );
      expect(lone.report).not.toHaveProperty('performer');
      expect(obsOf(lone.related, 'grp-fbc')).not.toHaveProperty('performer');
      expectValid(lone.report);
    });

    it('omits context without the consultation, basedOn without a request, and defaults status to final', () => {
      const { request: _r, ...noRequest } = report;
      const bare = investigationResources({ ...noRequest, consultationId: undefined }, fakeContext());
      expect(bare.report).not.toHaveProperty('context');
      expect(bare.report).not.toHaveProperty('basedOn');
      expect(bare.related.some((r) => r.resourceType === 'ProcedureRequest')).toBe(false);
      expect(investigationResources({ ...report, status: 'preliminary' }, fakeContext()).report.status).toBe(
        'preliminary',
      );
    });
  });

  describe('investigation ProcedureRequest', () => {
    const pr = byId<ProcedureRequest>(related, 'ProcedureRequest', 'req-1');

    it('is active, intent order, with code, subject, requester, performer, reasons and note', () => {
      expect(pr.meta).toEqual({ profile: [AREA_PROFILE.procedureRequest] });
      expect(pr.status).toBe('active');
      expect(pr.intent).toBe('order');
      expect(pr.code.coding?.[0]?.code).toBe('26604007');
      expect(pr.subject).toEqual({ reference: 'Patient/pat-1' });
      expect(pr.requester).toEqual({ agent: { reference: 'Practitioner/prac-gp' } });
      expect(pr.performer).toEqual({ reference: 'Organization/org-lab' });
      expect(pr.reasonCode).toEqual([{ text: 'Tiredness' }]);
      expect(pr.note).toEqual([{ text: 'Please also check ferritin' }]);
    });

    it('has none of the elements the investigation use does not take', () => {
      for (const key of [
        'authoredOn',
        'occurrenceDateTime',
        'occurrencePeriod',
        'context',
        'specimen',
        'supportingInfo',
      ])
        expect(pr).not.toHaveProperty(key);
    });

    it('uses code.text "No code available" when the request has no code', () => {
      const uncoded = investigationResources({ ...report, request: { id: 'req-2' } }, fakeContext());
      const p = byId<ProcedureRequest>(uncoded.related, 'ProcedureRequest', 'req-2');
      expectValid(p);
      expect(p.code).toEqual({ text: NO_CODE_AVAILABLE });
      expect(NO_CODE_AVAILABLE).toBe('No code available');
    });
  });

  describe('Specimen', () => {
    const s = byId<FhirSpecimen>(related, 'Specimen', 'spec-1');

    it('has identifier, subject, accession, type, times, collection and note', () => {
      expect(s.meta).toEqual({ profile: [AREA_PROFILE.specimen] });
      expect(s.identifier).toEqual([{ system: IDENTIFIER_SYSTEM, value: 'spec-1' }]);
      expect(s.subject).toEqual({ reference: 'Patient/pat-1' });
      expect(s.accessionIdentifier).toEqual({ value: 'ACC-9' });
      expect(s.type?.coding?.[0]?.code).toBe('119297000');
      expect(s.receivedTime).toBe('2024-04-01T13:00:00+01:00');
      expect(s.note).toEqual([{ text: 'Haemolysed slightly' }]);
      expect(s.collection).toMatchObject({
        collector: { reference: 'Practitioner/prac-hca' },
        collectedDateTime: '2024-04-01T09:00:00+01:00',
        quantity: { value: 4, unit: 'ml', system: 'http://unitsofmeasure.org', code: 'mL' },
      });
      expect(s.collection?.bodySite?.coding?.[0]?.code).toBe('368208006');
    });

    it('puts the fasting status on collection: text "F" plus the v2-0916 coding', () => {
      expect(s.collection?.extension).toEqual([
        {
          url: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-FastingStatus-1',
          valueCodeableConcept: {
            coding: [
              {
                system: 'http://hl7.org/fhir/v2/0916',
                code: 'F',
                display: 'Patient was fasting prior to the procedure.',
              },
            ],
            text: 'F',
          },
        },
      ]);
    });

    it('a bare specimen has only what is mandatory', () => {
      const bare = byId<FhirSpecimen>(related, 'Specimen', 'spec-2');
      expect(Object.keys(bare).sort()).toEqual(
        ['identifier', 'id', 'meta', 'resourceType', 'subject'].sort(),
      );
    });
  });

  describe('test group header', () => {
    const g = obs('grp-fbc');

    it('has status, code, issued inherited from the report and the lab as performer', () => {
      expect(g.status).toBe('final');
      expect(g.code.coding?.[0]?.code).toBe('26604007');
      expect(g.issued).toBe(ISSUED);
      expect(g.performer).toEqual([
        { reference: 'Organization/org-lab' },
        { reference: 'Practitioner/prac-path' },
      ]);
    });

    it('has-member each visible result and no value, category, component or referenceRange', () => {
      expect(g.related).toEqual([
        { type: 'has-member', target: { reference: 'Observation/res-hb' } },
        { type: 'has-member', target: { reference: 'Observation/res-wbc' } },
      ]);
      for (const key of Object.keys(g)) expect(key.startsWith('value')).toBe(false);
      for (const key of ['category', 'component', 'referenceRange', 'dataAbsentReason', 'specimen'])
        expect(g).not.toHaveProperty(key);
    });
  });

  describe('test result', () => {
    it('is derived-from its group, with the Laboratory category, specimen, value and range', () => {
      const r = obs('res-hb');
      expect(r.related).toEqual([{ type: 'derived-from', target: { reference: 'Observation/grp-fbc' } }]);
      expect(r.category).toEqual([
        {
          coding: [
            { system: 'http://hl7.org/fhir/observation-category', code: 'laboratory', display: 'Laboratory' },
          ],
        },
      ]);
      expect(r.specimen).toEqual({ reference: 'Specimen/spec-1' });
      expect(r.valueQuantity).toEqual({
        value: 135,
        unit: 'g/L',
        system: 'http://unitsofmeasure.org',
        code: 'g/L',
      });
      expect(r.referenceRange?.[0]).toMatchObject({
        low: { value: 130, unit: 'g/L' },
        high: { value: 170, unit: 'g/L' },
      });
      expect(r.issued).toBe(ISSUED);
      expect(r.status).toBe('final');
    });

    it('keeps its own status, interpretation, comment and a text range', () => {
      const r = obs('res-wbc');
      expect(r.status).toBe('preliminary');
      expect(r.interpretation?.coding?.[0]?.code).toBe('281302008');
      expect(r.comment).toBe('Slightly raised');
      expect(r.referenceRange).toEqual([{ text: '>4.0' }]);
    });

    it('a standalone result has no related, and a result with no value has a dataAbsentReason', () => {
      const r = obs('res-crp');
      expect(r).not.toHaveProperty('related');
      expect(r.dataAbsentReason?.coding?.[0]?.code).toBe('unknown');
      expect(r.specimen).toEqual({ reference: 'Specimen/spec-2' });
    });
  });

  describe('filing comments', () => {
    it('are 37331000000100 with status unknown, performer, effective = filing time, issued = comment time', () => {
      const fc = obs('fc-grp');
      expect(fc.code).toEqual({
        coding: [{ system: 'http://snomed.info/sct', code: '37331000000100', display: 'Comment note' }],
      });
      expect(fc.status).toBe('unknown');
      expect(fc.performer).toEqual([{ reference: 'Practitioner/prac-gp' }]);
      expect(fc.effectiveDateTime).toBe('2024-04-03T09:00:00+01:00');
      expect(fc.issued).toBe('2024-04-03T09:05:00+01:00');
      expect(fc.comment).toBe('FBC reviewed');
      expect(fc.related).toEqual([{ type: 'derived-from', target: { reference: 'Observation/grp-fbc' } }]);
    });

    it('on a result is derived-from that result; issued defaults to the filing time', () => {
      const fc = obs('fc-hb');
      expect(fc.related).toEqual([{ type: 'derived-from', target: { reference: 'Observation/res-hb' } }]);
      expect(fc.issued).toBe('2024-04-03T09:00:00+01:00');
    });

    it('at report level has no related (only DiagnosticReport.result references it)', () => {
      const fc = obs('fc-rep');
      expect(fc).not.toHaveProperty('related');
      expect(dr.result).toContainEqual({ reference: 'Observation/fc-rep' });
    });
  });

  it('asks the context for the identifier of every resource it makes', () => {
    expect(new Set(ctx.identifiers)).toEqual(new Set(['rep-1', ...related.map((r) => r.id)]));
  });
});

function obsOf(resources: readonly Resource[], id: string): FhirObservation {
  return byId<FhirObservation>(resources, 'Observation', id);
}

describe('DiagnosticReport schema', () => {
  it('accepts a minimal report', () => {
    const minimal: DiagnosticReport = investigationResources(
      {
        id: 'rep-min',
        recorded: '2024-01-01T00:00:00+00:00',
        recorderId: 'p',
        issued: '2024-01-01T00:00:00+00:00',
      },
      fakeContext(),
    ).report;
    expectValid(minimal);
    expect(Object.keys(minimal).sort()).toEqual(
      ['category', 'code', 'id', 'identifier', 'issued', 'meta', 'resourceType', 'status', 'subject'].sort(),
    );
  });
});
