import type { Observation as FhirObservation } from 'fhir/r3';

import {
  BLOOD_PRESSURE_CODES,
  childObservationIds,
  COMMENT_NOTE,
  DEFAULT_BLOOD_PRESSURE,
  observationResource,
} from '../../../src/bundle/areas/observations';
import { AREA_PROFILE } from '../../../src/bundle/areas/urls';
import type { BloodPressure, SimpleObservation } from '../../../src/record/model';
import { fakeContext, IDENTIFIER_SYSTEM } from './fake-context';
import { expectInvalid, expectValid } from './validate';

const base = { recorded: '2024-02-10T11:15:00+00:00', recorderId: 'prac-gp' } as const;

const temperature: SimpleObservation = {
  ...base,
  id: 'obs-temp',
  consultationId: 'cons-7',
  code: {
    code: '276885007',
    display: 'Core body temperature',
    descriptionId: '409630014',
    otherCodes: [{ system: 'readv2', code: '2E3..' }],
  },
  effective: '2024-02-10T11:00:00+00:00',
  value: { type: 'quantity', value: 38.2, unit: 'degrees C', ucum: 'Cel' },
  referenceRange: { low: 36.1, high: 37.2 },
  interpretation: { code: '281302008', display: 'Above reference range' },
  qualifiers: [
    { name: 'Site', value: 'Oral' },
    { name: 'Method', value: 'Digital' },
  ],
  comment: 'Feels hot',
};

function bp(overrides: Partial<BloodPressure> = {}): BloodPressure {
  return {
    ...base,
    id: 'obs-bp',
    kind: 'bloodPressure',
    code: { code: '163035008', display: 'Sitting blood pressure' },
    effective: '2024-02-10',
    systolic: 128,
    diastolic: 82,
    ...overrides,
  };
}

describe('observationResource — uncategorised', () => {
  const ctx = fakeContext({ encounters: ['cons-7'] });
  const obs = observationResource(temperature, ctx);

  it('conforms to CareConnect-GPC-Observation-1', () => {
    expectValid(obs);
  });

  it('has the mandatory elements: identifier, status final, code, subject, issued = audit time', () => {
    expect(obs.id).toBe('obs-temp');
    expect(obs.meta).toEqual({ profile: [AREA_PROFILE.observation] });
    expect(obs.identifier).toEqual([{ system: IDENTIFIER_SYSTEM, value: 'obs-temp' }]);
    expect(obs.status).toBe('final');
    expect(obs.subject).toEqual({ reference: 'Patient/pat-1' });
    expect(obs.issued).toBe(base.recorded);
    expect(obs.effectiveDateTime).toBe('2024-02-10T11:00:00+00:00');
    expect(obs.context).toEqual({ reference: 'Encounter/cons-7' });
  });

  it('codes SNOMED first, with other code systems after it', () => {
    expect(obs.code.coding?.map((c) => c.system)).toEqual([
      'http://snomed.info/sct',
      'http://read.info/readv2',
    ]);
    expect(obs.code.coding?.[1]).toEqual({ system: 'http://read.info/readv2', code: '2E3..' });
  });

  it('sends the value in UCUM, the reference range in that unit, and the interpretation', () => {
    expect(obs.valueQuantity).toEqual({
      value: 38.2,
      unit: 'degrees C',
      system: 'http://unitsofmeasure.org',
      code: 'Cel',
    });
    expect(obs.referenceRange).toEqual([
      {
        low: { value: 36.1, unit: 'degrees C', system: 'http://unitsofmeasure.org', code: 'Cel' },
        high: { value: 37.2, unit: 'degrees C', system: 'http://unitsofmeasure.org', code: 'Cel' },
      },
    ]);
    expect(obs.interpretation?.coding?.[0]?.code).toBe('281302008');
  });

  it('writes the qualifiers first, then the text, into comment', () => {
    expect(obs.comment).toBe('Site: Oral\nMethod: Digital\nFeels hot');
  });

  it('falls back to the recorder as performer', () => {
    expect(obs.performer).toEqual([{ reference: 'Practitioner/prac-gp' }]);
  });

  it('uses the recorded performers when there are some', () => {
    const o = observationResource(
      {
        ...temperature,
        performers: [
          { kind: 'organisation', id: 'org-lab' },
          { kind: 'practitioner', id: 'prac-2' },
        ],
      },
      fakeContext(),
    );
    expect(o.performer).toEqual([
      { reference: 'Organization/org-lab' },
      { reference: 'Practitioner/prac-2' },
    ]);
  });

  it('never populates the elements not used by the uncategorised profile', () => {
    for (const key of [
      'basedOn',
      'category',
      'dataAbsentReason',
      'method',
      'specimen',
      'device',
      'component',
      'related',
    ]) {
      expect(obs).not.toHaveProperty(key);
    }
  });

  it('keeps < and > reference ranges as text', () => {
    const o = expectValid(
      observationResource(
        {
          ...temperature,
          id: 'obs-x',
          referenceRange: { text: '<5.0' },
          value: { type: 'quantity', value: 3, unit: 'mmol/L', ucum: 'mmol/L' },
        },
        fakeContext(),
      ),
    );
    expect(o.referenceRange).toEqual([{ text: '<5.0' }]);
  });

  it('maps string, coded and range values', () => {
    expect(
      observationResource({ ...temperature, value: { type: 'string', value: 'Normal' } }, fakeContext())
        .valueString,
    ).toBe('Normal');
    expect(
      observationResource(
        { ...temperature, value: { type: 'coded', value: { code: '17621005', display: 'Normal' } } },
        fakeContext(),
      ).valueCodeableConcept?.coding?.[0]?.code,
    ).toBe('17621005');
    const ranged = expectValid(
      observationResource(
        {
          ...temperature,
          referenceRange: undefined,
          value: {
            type: 'range',
            low: { value: 1, unit: 'h', comparator: '>' },
            high: { value: 2, unit: 'h' },
          },
        },
        fakeContext(),
      ),
    );
    expect(ranged.valueRange).toEqual({ low: { value: 1, unit: 'h' }, high: { value: 2, unit: 'h' } });
  });

  it('omits context and comment when there is none', () => {
    const o = observationResource(
      { ...base, id: 'obs-plain', code: { code: '160573003', display: 'Alcohol intake' } },
      fakeContext(),
    );
    expectValid(o);
    expect(o).not.toHaveProperty('context');
    expect(o).not.toHaveProperty('comment');
    expect(o).not.toHaveProperty('effectiveDateTime');
  });

  it('puts inbound-referral details in components labelled by code.text, and the referrer in performer', () => {
    const o = expectValid(
      observationResource(
        {
          ...base,
          id: 'obs-inref',
          code: { code: '183884009', display: 'Referral from hospital' },
          performers: [{ kind: 'organisation', id: 'org-hospital' }],
          details: [{ name: 'Referral type', value: 'Inbound' }],
          comment: 'Self referral',
        },
        fakeContext(),
      ),
    );
    expect(o.component).toEqual([{ code: { text: 'Referral type' }, valueString: 'Inbound' }]);
    expect(o.performer).toEqual([{ reference: 'Organization/org-hospital' }]);
    expect(o.comment).toBe('Self referral');
  });
});

describe('observationResource — hierarchy', () => {
  const parent: SimpleObservation = {
    ...base,
    id: 'obs-parent',
    code: { code: '229819007', display: 'Tobacco use and exposure' },
  };
  const child: SimpleObservation = {
    ...base,
    id: 'obs-child',
    code: { code: '77176002', display: 'Smoker' },
    parentId: 'obs-parent',
  };

  it('the child is derived-from its parent, through the context', () => {
    const ctx = fakeContext();
    const o = expectValid(observationResource(child, ctx));
    expect(o.related).toEqual([{ type: 'derived-from', target: { reference: 'Observation/obs-parent' } }]);
    expect(ctx.items).toEqual([{ kind: 'observation', id: 'obs-parent' }]);
  });

  it('the parent has-member each child the engine passes', () => {
    const members = childObservationIds([parent, child, bp()]);
    expect(members.get('obs-parent')).toEqual(['obs-child']);
    const o = expectValid(observationResource(parent, fakeContext(), members.get('obs-parent')));
    expect(o.related).toEqual([{ type: 'has-member', target: { reference: 'Observation/obs-child' } }]);
  });

  it("keeps the context's display-only placeholder as-is when the area is switched off", () => {
    const o = expectValid(observationResource(child, fakeContext({ disabled: ['observation'] })));
    expect(o.related).toEqual([
      { type: 'derived-from', target: { display: 'Uncategorised data items have been disabled' } },
    ]);
  });
});

describe('observationResource — blood pressure', () => {
  const obs = observationResource(bp(), fakeContext());

  it('conforms to CareConnect-GPC-Observation-1', () => {
    expectValid(obs);
  });

  it('keeps a recorded panel code and has no value at panel level', () => {
    expect(obs.code.coding?.[0]).toMatchObject({ system: 'http://snomed.info/sct', code: '163035008' });
    for (const key of Object.keys(obs)) expect(key.startsWith('value')).toBe(false);
    expect(obs).not.toHaveProperty('referenceRange');
  });

  it('has the sitting systolic and diastolic components in mm[Hg]', () => {
    expect(obs.component).toEqual([
      {
        code: {
          coding: [
            {
              system: 'http://snomed.info/sct',
              code: '407554009',
              display: 'Sitting systolic blood pressure',
            },
          ],
        },
        valueQuantity: { value: 128, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
      },
      {
        code: {
          coding: [
            {
              system: 'http://snomed.info/sct',
              code: '407555005',
              display: 'Sitting diastolic blood pressure',
            },
          ],
        },
        valueQuantity: { value: 82, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
      },
    ]);
  });

  it('has a performer (the recorder when none was recorded)', () => {
    expect(obs.performer).toEqual([{ reference: 'Practitioner/prac-gp' }]);
  });

  it.each(BLOOD_PRESSURE_CODES.map((row) => [row.panel.code, row.systolic.code, row.diastolic.code]))(
    'panel %s pairs with systolic %s and diastolic %s',
    (panel, systolic, diastolic) => {
      const o = expectValid(observationResource(bp({ code: { code: panel, display: 'BP' } }), fakeContext()));
      expect(o.code.coding?.[0]?.code).toBe(panel);
      expect(o.component?.map((c) => c.code.coding?.[0]?.code)).toEqual([systolic, diastolic]);
    },
  );

  it('uses the Observation pages table pairs', () => {
    expect(BLOOD_PRESSURE_CODES.map((r) => `${r.panel.code}/${r.systolic.code}/${r.diastolic.code}`)).toEqual(
      [
        '163020007/72313002/1091811000000102',
        '386534000/271649006/271650006',
        '75367002/72313002/1091811000000102',
        '163034007/400974009/400975005',
        '163035008/407554009/407555005',
        '163033001/407556006/407557002',
      ],
    );
  });

  it('Decision (docs/decisions.md, "Bundle"): with only a component code recorded, the panel defaults to 75367002 "Blood pressure"', () => {
    const o = expectValid(
      observationResource(
        bp({ code: { code: '271649006', display: 'Systolic blood pressure' } }),
        fakeContext(),
      ),
    );
    expect(DEFAULT_BLOOD_PRESSURE.panel.code).toBe('75367002');
    expect(o.code.coding?.[0]).toEqual({
      extension: [
        {
          url: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-coding-sctdescid',
          extension: [
            { url: 'descriptionId', valueId: '125176019' },
            { url: 'descriptionDisplay', valueString: 'Blood pressure' },
          ],
        },
      ],
      system: 'http://snomed.info/sct',
      code: '75367002',
      display: 'Blood pressure',
    });
    expect(o.component?.map((c) => c.code.coding?.[0]?.code)).toEqual(['271649006', '271650006']);
  });

  it('a code outside the table stays the panel, with the default components', () => {
    const o = observationResource(
      bp({ code: { code: '413606001', display: 'Average home systolic blood pressure' } }),
      fakeContext(),
    );
    expect(o.code.coding?.[0]?.code).toBe('413606001');
    expect(o.component?.map((c) => c.code.coding?.[0]?.code)).toEqual(['72313002', '1091811000000102']);
  });

  it('a missing reading becomes a component with dataAbsentReason', () => {
    const o = expectValid(observationResource(bp({ diastolic: undefined }), fakeContext()));
    expect(o.component?.[1]).toEqual({
      code: {
        coding: [
          {
            system: 'http://snomed.info/sct',
            code: '407555005',
            display: 'Sitting diastolic blood pressure',
          },
        ],
      },
      dataAbsentReason: {
        coding: [{ system: 'http://hl7.org/fhir/data-absent-reason', code: 'unknown', display: 'Unknown' }],
      },
    });
    expect(o.component?.[1]).not.toHaveProperty('valueQuantity');
  });

  it('carries interpretation, qualifiers and text', () => {
    const o = expectValid(
      observationResource(
        bp({
          interpretation: { text: 'High' },
          qualifiers: [{ name: 'Cuff', value: 'Large' }],
          comment: 'Repeat in 2 weeks',
        }),
        fakeContext(),
      ),
    );
    expect(o.interpretation).toEqual({ text: 'High' });
    expect(o.comment).toBe('Cuff: Large\nRepeat in 2 weeks');
  });
});

describe('CareConnect-GPC-Observation-1 schema — other uses and shared rules', () => {
  const note: FhirObservation = {
    resourceType: 'Observation',
    id: 'note-1',
    meta: { profile: [AREA_PROFILE.observation] },
    identifier: [{ system: IDENTIFIER_SYSTEM, value: 'note-1' }],
    status: 'final',
    code: {
      coding: [{ system: 'http://snomed.info/sct', code: COMMENT_NOTE.code, display: COMMENT_NOTE.display }],
    },
    subject: { reference: 'Patient/pat-1' },
    context: { reference: 'Encounter/cons-1' },
    effectiveDateTime: '2024-01-01T10:00:00+00:00',
    issued: '2024-01-01T10:05:00+00:00',
    performer: [{ reference: 'Practitioner/prac-gp' }],
    comment: 'Seen with mother. Advice given.',
  };

  it("accepts a consultation comment note (the other engineer's use)", () => {
    expectValid(note);
  });

  it('requires meta.profile, identifier, status, code, subject and issued', () => {
    for (const key of ['meta', 'identifier', 'status', 'code', 'subject', 'issued'] as const) {
      const copy: Record<string, unknown> = { ...note };
      delete copy[key];
      expectInvalid(copy);
    }
    expectInvalid({ ...note, identifier: [] });
  });

  it('rejects unused elements, PractitionerRole performers, and more than one value', () => {
    expectInvalid({ ...note, performer: [{ reference: 'PractitionerRole/r1' }] });
    const plain: FhirObservation = {
      ...note,
      code: { coding: [{ system: 'http://snomed.info/sct', code: '160573003', display: 'Alcohol intake' }] },
    };
    expectValid(plain);
    expectInvalid({ ...plain, valueString: 'a', valueBoolean: true });
    expectInvalid({
      ...plain,
      code: {
        coding: [{ system: 'http://snomed.info/sct', code: ' 86290005', display: 'Respiratory rate' }],
      },
    });
    expectInvalid({ ...plain, code: { coding: [{ system: 'http://snomed.info/sct', code: '86290005' }] } });
  });
});
