import { immunisationStatusResource, immunizationResource } from '../../../src/bundle/areas/immunisations';
import { AREA_EXTENSION, AREA_PROFILE } from '../../../src/bundle/areas/urls';
import type {
  GivenImmunisation,
  ImmunisationStatusRecord,
  NotGivenImmunisation,
} from '../../../src/record/model';
import { fakeContext, IDENTIFIER_SYSTEM } from './fake-context';
import { expectInvalid, expectValid } from './validate';

const given: GivenImmunisation = {
  id: 'imm-1',
  guid: '6f0c5a52-1b1c-4f4e-9a55-0d1b2a3c4d5e',
  recorded: '2024-03-01T09:30:00+00:00',
  recorderId: 'prac-nurse',
  consultationId: 'cons-1',
  vaccine: {
    code: '39114911000001105',
    display: 'Fluenz Tetra vaccine nasal suspension',
    descriptionId: '123456789012345',
  },
  procedure: {
    code: '868241000000109',
    display: 'Administration of first intranasal seasonal influenza vaccination',
  },
  date: '2024-03-01',
  parentPresent: true,
  administeredById: 'prac-hca',
  locationId: 'loc-1',
  site: { code: '1797002', display: 'Naris' },
  route: { code: '46713006', display: 'Nasal' },
  dose: { value: 0.2, unit: 'ml', ucum: 'mL' },
  manufacturerId: 'org-maker',
  lotNumber: 'LOT-42',
  expiryDate: '2024-12-31T00:00:00+00:00',
  reason: { code: '185903001', display: 'Needs influenza immunization' },
  protocol: {
    doseSequence: 1,
    seriesDoses: 2,
    description: 'Childhood flu programme',
    targetDiseases: [{ code: '6142004', display: 'Influenza' }],
  },
  qualifiers: [{ name: 'Batch checked', value: 'Yes' }],
  note: 'No immediate reaction',
};

const notGiven: NotGivenImmunisation = {
  id: 'imm-2',
  recorded: '2024-03-02T10:00:00+00:00',
  recorderId: 'prac-nurse',
  notGiven: true,
  procedure: { code: '314768003', display: 'Influenza vaccination not done' },
  reasonNotGiven: { text: 'Patient declined' },
};

describe('immunizationResource — given', () => {
  const ctx = fakeContext({ encounters: ['cons-1'] });
  const imm = immunizationResource(given, ctx);

  it('conforms to CareConnect-GPC-Immunization-1', () => {
    expectValid(imm);
  });

  it('carries the profile, identifier, fixed status and patient', () => {
    expect(imm.meta).toEqual({ profile: [AREA_PROFILE.immunization] });
    expect(imm.identifier).toEqual([{ system: IDENTIFIER_SYSTEM, value: given.guid }]);
    expect(imm.status).toBe('completed');
    expect(imm.notGiven).toBe(false);
    expect(imm.patient).toEqual({ reference: 'Patient/pat-1' });
  });

  it('uses the hl7.org.uk profile URLs for recordedDate, vaccinationProcedure and parentPresent', () => {
    const byUrl = new Map((imm.extension ?? []).map((e) => [e.url, e]));
    expect(byUrl.get(AREA_EXTENSION.dateRecorded)?.valueDateTime).toBe(given.recorded);
    expect(byUrl.get(AREA_EXTENSION.vaccinationProcedure)?.valueCodeableConcept?.coding?.[0]).toMatchObject({
      system: 'http://snomed.info/sct',
      code: '868241000000109',
    });
    expect(byUrl.get(AREA_EXTENSION.parentPresent)?.valueBoolean).toBe(true);
    for (const url of byUrl.keys())
      expect(url.startsWith('https://fhir.hl7.org.uk/STU3/StructureDefinition/')).toBe(true);
  });

  it('codes the vaccine in SNOMED with the description-id extension', () => {
    expect(imm.vaccineCode.coding?.[0]).toEqual({
      extension: [
        {
          url: 'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-coding-sctdescid',
          extension: [
            { url: 'descriptionId', valueId: '123456789012345' },
            { url: 'descriptionDisplay', valueString: 'Fluenz Tetra vaccine nasal suspension' },
          ],
        },
      ],
      system: 'http://snomed.info/sct',
      code: '39114911000001105',
      display: 'Fluenz Tetra vaccine nasal suspension',
    });
  });

  it('sends the given-only details', () => {
    expect(imm.site?.coding?.[0]?.code).toBe('1797002');
    expect(imm.route?.coding?.[0]?.code).toBe('46713006');
    expect(imm.doseQuantity).toEqual({
      value: 0.2,
      unit: 'ml',
      system: 'http://unitsofmeasure.org',
      code: 'mL',
    });
    expect(imm.manufacturer).toEqual({ reference: 'Organization/org-maker' });
    expect(imm.lotNumber).toBe('LOT-42');
    expect(imm.expirationDate).toBe('2024-12-31');
    expect(imm.explanation).toEqual({
      reason: [expect.objectContaining({ coding: [expect.objectContaining({ code: '185903001' })] })],
    });
  });

  it('writes vaccinationProtocol with doseStatus fixed to count and nothing not used', () => {
    expect(imm.vaccinationProtocol).toHaveLength(1);
    const p = imm.vaccinationProtocol![0];
    expect(p.doseSequence).toBe(1);
    expect(p.seriesDoses).toBe(2);
    expect(p.targetDisease[0].coding?.[0]?.code).toBe('6142004');
    expect(p.doseStatus.coding?.[0]).toMatchObject({
      system: 'http://hl7.org/fhir/vaccination-protocol-dose-status',
      code: 'count',
    });
    expect(p).not.toHaveProperty('authority');
    expect(p).not.toHaveProperty('series');
    expect(p).not.toHaveProperty('doseStatusReason');
  });

  it('records the recorder (EP) and the administering clinician (AP) with v2 0443 roles', () => {
    expect(imm.practitioner).toEqual([
      {
        role: {
          coding: [{ system: 'http://hl7.org/fhir/v2/0443', code: 'EP', display: 'Entering Provider' }],
        },
        actor: { reference: 'Practitioner/prac-nurse' },
      },
      {
        role: {
          coding: [{ system: 'http://hl7.org/fhir/v2/0443', code: 'AP', display: 'Administering Provider' }],
        },
        actor: { reference: 'Practitioner/prac-hca' },
      },
    ]);
  });

  it('links the consultation, location and date; primarySource defaults to true', () => {
    expect(imm.encounter).toEqual({ reference: 'Encounter/cons-1' });
    expect(imm.location).toEqual({ reference: 'Location/loc-1' });
    expect(imm.date).toBe('2024-03-01');
    expect(imm.primarySource).toBe(true);
    expect(imm).not.toHaveProperty('reportOrigin');
  });

  it('writes qualifiers then the free text as notes, and never a reaction', () => {
    expect(imm.note).toEqual([{ text: 'Batch checked: Yes' }, { text: 'No immediate reaction' }]);
    expect(imm).not.toHaveProperty('reaction');
  });

  it('asks the context for every actor it references', () => {
    expect(ctx.actors).toEqual(
      expect.arrayContaining([
        { kind: 'practitioner', id: 'prac-nurse' },
        { kind: 'practitioner', id: 'prac-hca' },
        { kind: 'organisation', id: 'org-maker' },
      ]),
    );
  });

  it('omits encounter when the consultation is not in the Bundle', () => {
    const other = immunizationResource(given, fakeContext());
    expect(other).not.toHaveProperty('encounter');
    expectValid(other);
  });

  it('has one practitioner when the recorder also administered', () => {
    const same = immunizationResource({ ...given, administeredById: 'prac-nurse' }, fakeContext());
    expect(same.practitioner).toHaveLength(1);
    expect(same.practitioner?.[0].role?.coding?.[0].code).toBe('EP');
  });

  it('is second-hand when a report origin is recorded', () => {
    const reported = expectValid(
      immunizationResource({ ...given, reportOrigin: { text: 'Patient-held record' } }, fakeContext()),
    );
    expect(reported.primarySource).toBe(false);
    expect(reported.reportOrigin).toEqual({ text: 'Patient-held record' });
  });

  it('uses nullFlavor UNK when the vaccine is unknown', () => {
    const { vaccine: _vaccine, ...rest } = given;
    const unknown = expectValid(immunizationResource(rest, fakeContext()));
    expect(unknown.vaccineCode).toEqual({
      coding: [{ system: 'http://hl7.org/fhir/v3/NullFlavor', code: 'UNK', display: 'unknown' }],
    });
  });
});

describe('immunizationResource — not given', () => {
  const imm = immunizationResource(notGiven, fakeContext());

  it('conforms to CareConnect-GPC-Immunization-1', () => {
    expectValid(imm);
  });

  it('is notGiven with the not-done procedure and reasonNotGiven', () => {
    expect(imm.notGiven).toBe(true);
    expect(
      imm.extension?.find((e) => e.url === AREA_EXTENSION.vaccinationProcedure)?.valueCodeableConcept
        ?.coding?.[0]?.code,
    ).toBe('314768003');
    expect(imm.explanation).toEqual({ reasonNotGiven: [{ text: 'Patient declined' }] });
  });

  it('has no site, route, doseQuantity, lot, explanation.reason or vaccinationProtocol', () => {
    for (const key of [
      'site',
      'route',
      'doseQuantity',
      'lotNumber',
      'manufacturer',
      'expirationDate',
      'vaccinationProtocol',
    ]) {
      expect(imm).not.toHaveProperty(key);
    }
    expect(imm.explanation).not.toHaveProperty('reason');
  });

  it('has no parentPresent extension when it was not recorded, nor notes when there are none', () => {
    expect(imm.extension?.map((e) => e.url)).toEqual([
      AREA_EXTENSION.dateRecorded,
      AREA_EXTENSION.vaccinationProcedure,
    ]);
    expect(imm).not.toHaveProperty('note');
  });

  it("the schema rejects the examples' fhir.nhs.uk extension URLs and missing mandatory extensions", () => {
    expectInvalid({
      ...imm,
      extension: [
        {
          url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-DateRecorded-1',
          valueDateTime: notGiven.recorded,
        },
        imm.extension![1],
      ],
    });
    expectInvalid({ ...imm, extension: [imm.extension![0]] });
  });
});

describe('immunisationStatusResource', () => {
  const consent: ImmunisationStatusRecord = {
    id: 'imm-status-1',
    recorded: '2023-09-01T08:00:00+01:00',
    recorderId: 'prac-nurse',
    code: { code: '310375005', display: 'Immunisation consent given' },
    effective: { start: '2023-09-01', end: '2024-08-31' },
    qualifiers: [{ name: 'Programme', value: 'Influenza' }],
    comment: 'Consent from parent',
  };

  it('uses the uncategorised shape, with effectivePeriod for an ended consent', () => {
    const obs = expectValid(immunisationStatusResource(consent, fakeContext()));
    expect(obs.meta).toEqual({ profile: [AREA_PROFILE.observation] });
    expect(obs.status).toBe('final');
    expect(obs.code.coding?.[0]?.code).toBe('310375005');
    expect(obs.subject).toEqual({ reference: 'Patient/pat-1' });
    expect(obs.effectivePeriod).toEqual({ start: '2023-09-01', end: '2024-08-31' });
    expect(obs).not.toHaveProperty('effectiveDateTime');
    expect(obs.issued).toBe(consent.recorded);
    expect(obs.performer).toEqual([{ reference: 'Practitioner/prac-nurse' }]);
    expect(obs.comment).toBe('Programme: Influenza\nConsent from parent');
  });

  it('uses effectiveDateTime for a point-in-time record', () => {
    const obs = expectValid(
      immunisationStatusResource({ ...consent, effective: '2023-09-01' }, fakeContext()),
    );
    expect(obs.effectiveDateTime).toBe('2023-09-01');
    expect(obs).not.toHaveProperty('effectivePeriod');
  });
});
