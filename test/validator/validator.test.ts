/**
 * The validator against the official GP Connect profiles (tools/validator): every whole record of the
 * embedded practice conforms, and each check fires on a resource broken on purpose.
 */
import type { Bundle, FhirResource } from 'fhir/r3';

import { buildBundle } from '../../src/bundle/build-bundle';
import type { StructuredQuery } from '../../src/contract/structured-query';
import { calendarDate } from '../../src/fhir/dates';
import { testPractice } from '../../src/record/memory/memory-practices';
import { MemoryRepository } from '../../src/record/memory/memory-repository';
import { bundleErrors, resourceErrors } from '../../tools/validator';
import { NHS, TODAY } from '../support/app';

// Tests reach into resources freely to break them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- resources are broken by hand here
type Json = Record<string, any>;

const bundles = new Map<string, Bundle>();

function wholeRecord(nhsNumber: string): StructuredQuery {
  return {
    nhsNumber,
    today: calendarDate(TODAY),
    warnings: [],
    disabledAreas: new Set(),
    allergies: { includeResolved: true },
    medication: { includePrescriptionIssues: true },
    consultations: {},
    problems: { filters: [] },
    immunisations: { includeNotGiven: true, includeStatus: true },
    uncategorisedData: {},
    investigations: {},
    referrals: {},
    diaryEntries: {},
  };
}

beforeAll(async () => {
  const repository = new MemoryRepository(testPractice(calendarDate(TODAY)));
  for (const [name, nhs] of Object.entries(NHS)) {
    const patient = await repository.findPatient(nhs);
    if (!patient) continue;
    const query = wholeRecord(nhs);
    const record = await repository.loadRecord(patient, query);
    const context = { traceId: `t-${name}`, newId: () => 'oo-1', date: `${TODAY}T12:00:00Z`, warnings: [] };
    bundles.set(name, JSON.parse(JSON.stringify(buildBundle(record, query, context))) as Bundle);
  }
});

const all = (): Json[] =>
  [...bundles.values()].flatMap((b) => (b.entry ?? []).map((e) => e.resource as Json));

/** A deep copy of the first resource of a type that satisfies `where`. */
function pick(type: FhirResource['resourceType'], where: (r: Json) => boolean = () => true): Json {
  const found = all().find((r) => r.resourceType === type && where(r));
  if (!found) throw new Error(`no ${type} in the embedded practice matches`);
  return structuredClone(found);
}

/** The resource conforms before the change and breaks with it, with a message matching `expected`. */
function breaks(resource: Json, change: (r: Json) => void, expected: RegExp): void {
  expect(resourceErrors(resource)).toEqual([]);
  change(resource);
  const errors = resourceErrors(resource);
  expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
}

describe('the embedded practice against the official profiles', () => {
  it('every whole record conforms, with no dangling reference', () => {
    expect(bundles.size).toBeGreaterThan(20);
    for (const [name, bundle] of bundles) {
      expect({ name, errors: bundleErrors(bundle) }).toEqual({ name, errors: [] });
    }
  });
});

describe('each check fires', () => {
  it('a resource without meta.profile, or with a profile not in the assets', () => {
    expect(resourceErrors({ resourceType: 'Condition', id: 'x' })).toEqual(['Condition/x: no meta.profile']);
    const meta = { profile: ['https://example.org/P'] };
    const unknownProfile = { resourceType: 'Condition', id: 'x', meta };
    expect(resourceErrors(unknownProfile)).toEqual([
      'Condition/x: profile https://example.org/P is not in the assets',
    ]);
  });

  it('cardinality: a missing required element, and too many', () => {
    const missing = /Condition\.identifier: missing \(cardinality 1\.\.\*\)/;
    breaks(pick('Condition'), (c) => delete c.identifier, missing);
    const patient = pick('Patient');
    breaks(
      patient,
      (p) => (p.generalPractitioner = [...p.generalPractitioner, { reference: 'Organization/x' }]),
      /Patient\.generalPractitioner: 2 found, cardinality 0\.\.1/,
    );
  });

  it('slices: at most one NHS number (identifier:nhsNumber 0..1), and its own required elements', () => {
    breaks(
      pick('Patient'),
      (p) => p.identifier.push({ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9690937286' }),
      /Patient\.identifier:nhsNumber: 2 found, cardinality 0\.\.1/,
    );
    breaks(
      pick('Patient'),
      (p) => delete p.identifier.find((i: Json) => i.system === 'https://fhir.nhs.uk/Id/nhs-number').value,
      /Patient\.identifier\[\d\]\.value: missing \(cardinality 1\.\.1\)/,
    );
  });

  it('unknown elements, in a resource and inside a datatype the snapshot does not expand', () => {
    breaks(pick('Observation'), (o) => (o.colour = 'red'), /Observation\.colour: unknown element/);
    const inDatatype = /Observation\.subject\.colour: unknown element/;
    breaks(pick('Observation'), (o) => (o.subject.colour = 'red'), inDatatype);
    breaks(pick('Observation'), (o) => (o.meta.colour = 'red'), /Observation\.meta\.colour: unknown element/);
  });

  it('choice types: a type the element does not allow, and two values for one choice', () => {
    breaks(
      pick('Observation', (o) => o.valueQuantity !== undefined),
      (o) => (o.valueString = 'also'),
      /a second value for value\[x\]/,
    );
    breaks(pick('Condition'), (c) => (c.onsetBoolean = true), /Condition\.onsetBoolean: unknown element/);
  });

  it('primitive values and JSON shape', () => {
    const notInstant = /Observation\.issued: "yesterday" is not a valid instant/;
    breaks(pick('Observation'), (o) => (o.issued = 'yesterday'), notInstant);
    breaks(pick('Condition'), (c) => (c.category = c.category[0]), /Condition\.category: must be an array/);
  });

  it('fixed values', () => {
    breaks(pick('List'), (l) => (l.mode = 'working'), /List\.mode: must be "snapshot", is "working"/);
  });

  it('required bindings whose value set is in the assets', () => {
    const notInValueSet = /Patient\.gender: robot is not in the required value set/;
    breaks(pick('Patient'), (p) => (p.gender = 'robot'), notInValueSet);
    const outcome = {
      resourceType: 'OperationOutcome',
      meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1'] },
      issue: [
        {
          severity: 'error',
          code: 'invalid',
          details: {
            coding: [
              {
                system: 'https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1',
                code: 'BAD_REQUEST',
                display: 'Bad request',
              },
            ],
          },
        },
      ],
    };
    breaks(
      structuredClone(outcome),
      (o) => (o.issue[0].details.coding[0].code = 'NOT_A_SPINE_CODE'),
      /NOT_A_SPINE_CODE is not in the required value set .*Spine-ErrorOrWarningCode-1/,
    );
    breaks(
      structuredClone(outcome),
      (o) => (o.issue[0].details.coding[0].system = 'urn:example:codes'),
      /details\.coding\[0\]\.system: must be "https:\/\/fhir\.nhs\.uk\/STU3\/CodeSystem\/Spine-/,
    );
  });

  it('extensions: an undeclared URL, a wrong value type, a value the definition does not allow', () => {
    breaks(
      pick('Condition'),
      (c) => c.extension.push({ url: 'https://example.org/ext', valueString: 'x' }),
      /extension https:\/\/example\.org\/ext is neither declared by the profile here nor defined/,
    );
    const withRepeat = (m: Json) =>
      (m.extension ?? []).some((e: Json) => String(e.url).endsWith('MedicationRepeatInformation-1'));
    const repeatOf = (m: Json) =>
      m.extension.find((e: Json) => String(e.url).endsWith('MedicationRepeatInformation-1'));
    breaks(
      pick('MedicationRequest', withRepeat),
      (m) => (repeatOf(m).extension = [{ url: 'numberOfRepeatPrescriptionsIssued', valueString: 'two' }]),
      /extension\[\d+\]\.extension\[0\]\.valueString: unknown element/,
    );
  });

  it('repeat counts: unsignedInt where 1.5.0 says positiveInt (0 issued); a negative count fails', () => {
    const withRepeat = (m: Json) =>
      (m.extension ?? []).some((e: Json) => String(e.url).endsWith('MedicationRepeatInformation-1'));
    const plan = pick('MedicationRequest', withRepeat);
    const repeat = plan.extension.find((e: Json) => String(e.url).endsWith('MedicationRepeatInformation-1'));
    repeat.extension = [{ url: 'numberOfRepeatPrescriptionsIssued', valueUnsignedInt: 0 }];
    expect(resourceErrors(plan)).toEqual([]);
    repeat.extension = [{ url: 'numberOfRepeatPrescriptionsIssued', valueUnsignedInt: -1 }];
    const negative = /valueUnsignedInt: -1 is not a valid unsignedInt/;
    expect(resourceErrors(plan)).toEqual([expect.stringMatching(negative)]);
  });

  it('reference target types, with the relatedClinicalContent targets 1.6.2 adds', () => {
    breaks(
      pick('Condition'),
      (c) => (c.subject = { reference: 'Practitioner/x' }),
      /Condition\.subject: reference to Practitioner \(Practitioner\/x\), allowed Patient/,
    );
    const related =
      'https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-RelatedClinicalContent-1';
    const isProblem = (c: Json) => String(c.meta?.profile?.[0]).endsWith('ProblemHeader-Condition-1');
    const problem = pick('Condition', isProblem);
    problem.extension.push({ url: related, valueReference: { reference: 'MedicationRequest/m1' } });
    expect(resourceErrors(problem)).toEqual([]);
    problem.extension.push({ url: related, valueReference: { reference: 'Patient/p1' } });
    const notAllowed = /reference to Patient \(Patient\/p1\), allowed .*MedicationRequest/;
    expect(resourceErrors(problem)).toEqual([expect.stringMatching(notAllowed)]);
  });

  it('contained resources are validated against their own profile', () => {
    const list = pick('List', (l) => (l.contained ?? []).length > 0);
    const inContained = /AllergyIntolerance\/\S+ AllergyIntolerance\.colour: unknown element/;
    breaks(list, (l) => (l.contained[0].colour = 'red'), inContained);
  });

  it('Bundle: every reference resolves inside it, and no Type/id twice', () => {
    const bundle: Json = structuredClone(bundles.get('patient2') as Bundle);
    expect(bundleErrors(bundle)).toEqual([]);
    const condition = bundle.entry.find((e: Json) => e.resource.resourceType === 'Condition').resource;
    condition.subject = { reference: 'Patient/not-in-bundle' };
    bundle.entry.push(structuredClone(bundle.entry[0]));
    const errors = bundleErrors(bundle);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\.subject: dangling Patient\/not-in-bundle/),
        expect.stringMatching(/^duplicate resource /),
      ]),
    );
  });
});
