/**
 * The clinical-risk finder on hand-made Bundles (docs/spec-notes.md "Multi area searches — clinical risk"):
 * only medication that is reached through a consultations-/problems- medication list, is not in the primary
 * medication list, and ended before the search date is reported.
 */
import { findClinicalRisk, renderClinicalRisk } from '../../src/cli/clinical-risk';
import type { JsonObject } from '../../src/cli/request';
import type { CalendarDate } from '../../src/fhir/dates';

const SNOMED = 'http://snomed.info/sct';
const SECONDARY = 'https://fhir.hl7.org.uk/STU3/CodeSystem/GPConnect-SecondaryListValues-1';
const PRESCRIPTION_TYPE =
  'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-PrescriptionType-1';
const FROM = '2025-11-21' as CalendarDate;

const list = (system: string, code: string, title: string, refs: string[]): JsonObject => ({
  resourceType: 'List',
  title,
  code: { coding: [{ system, code, display: title }] },
  entry: refs.map((reference) => ({ item: { reference } })),
});
const primaryMeds = (refs: string[]) =>
  list(SNOMED, '933361000000108', 'Medications and medical devices', refs);
const problemMeds = (refs: string[]) =>
  list(
    SECONDARY,
    'problems-medications-related-to-problems',
    'Problems - medications related to problems',
    refs,
  );
const consultationMeds = (refs: string[]) =>
  list(
    SECONDARY,
    'consultations-medications-contained-in-consultations',
    'Consultations - medications contained in consultations',
    refs,
  );

/** A plan, its statement and its Medication (plus optional issue), as a provider maps them
 * (MedicationStatement page–4.4). */
function medication(
  id: string,
  name: string,
  type: string | undefined,
  start: string,
  end?: string,
): JsonObject[] {
  const period = { start, ...(end && { end }) };
  return [
    {
      resourceType: 'Medication',
      id: `${id}-med`,
      code: { coding: [{ system: SNOMED, code: '1', display: name }] },
    },
    {
      resourceType: 'MedicationRequest',
      id,
      intent: 'plan',
      ...(type && {
        extension: [{ url: PRESCRIPTION_TYPE, valueCodeableConcept: { coding: [{ code: type }] } }],
      }),
      medicationReference: { reference: `Medication/${id}-med` },
      dispenseRequest: { validityPeriod: period },
    },
    {
      resourceType: 'MedicationRequest',
      id: `${id}-issue`,
      intent: 'order',
      basedOn: [{ reference: `MedicationRequest/${id}` }],
      medicationReference: { reference: `Medication/${id}-med` },
    },
    {
      resourceType: 'MedicationStatement',
      id: `${id}-st`,
      basedOn: [{ reference: `MedicationRequest/${id}` }],
      medicationReference: { reference: `Medication/${id}-med` },
      effectivePeriod: period,
    },
  ];
}

const bundle = (...resources: JsonObject[]): JsonObject => ({
  resourceType: 'Bundle',
  type: 'collection',
  entry: resources.map((resource) => ({ resource })),
});

describe('findClinicalRisk', () => {
  it('reports an old acute reached only through a problem, naming the problem and the gap', () => {
    const b = bundle(
      ...medication('para', 'Paracetamol 500mg tablets', 'acute', '2025-05-21', '2025-05-21'),
      ...medication('amox', 'Amoxicillin 500mg capsules', 'acute', '2026-10-21', '2026-10-25'),
      primaryMeds(['MedicationStatement/amox-st']),
      problemMeds(['MedicationRequest/para', 'MedicationRequest/para-issue', 'MedicationRequest/amox']),
      {
        resourceType: 'Condition',
        id: 'oa',
        code: { coding: [{ system: SNOMED, code: '239873007', display: 'Osteoarthritis of knee' }] },
        extension: [
          {
            url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-RelatedClinicalContent-1',
            valueReference: { reference: 'MedicationRequest/para' },
          },
        ],
      },
    );
    const report = findClinicalRisk(b, FROM);
    expect(report.medications).toEqual([
      expect.objectContaining({
        name: 'Paracetamol 500mg tablets',
        plan: 'MedicationRequest/para',
        statement: 'MedicationStatement/para-st',
        prescriptionType: 'acute',
        start: '2025-05-21',
        end: '2025-05-21',
        via: ['Problems - medications related to problems'],
        problems: ['Osteoarthritis of knee'],
        gapStart: '2025-05-22',
        gapEnd: '2025-11-20',
        gapDays: 183,
      }),
    ]);
    const text = renderClinicalRisk(report);
    expect(text).toContain('CLINICAL RISK: 1 medication older than the medication search date 2025-11-21');
    expect(text).toContain('Paracetamol 500mg tablets');
    expect(text).toContain('gap it may hide: 2025-05-22 to 2025-11-20 (183 days)');
    expect(text).not.toContain('Amoxicillin');
  });

  it('follows an issue (intent order) referenced from a consultation back to its plan', () => {
    const b = bundle(
      ...medication('warf', 'Warfarin 1mg tablets', 'repeat', '2025-01-01', '2025-02-01'),
      primaryMeds([]),
      consultationMeds(['MedicationRequest/warf-issue']),
    );
    expect(findClinicalRisk(b, FROM).medications.map((m) => [m.name, m.via])).toEqual([
      ['Warfarin 1mg tablets', ['Consultations - medications contained in consultations']],
    ]);
  });

  it('does not report medication that is also in the primary list, ongoing, or inside the window', () => {
    const b = bundle(
      ...medication('inprimary', 'In primary', 'acute', '2024-01-01', '2024-01-01'),
      ...medication('ongoing', 'Ongoing repeat', 'repeat', '2020-01-01'),
      ...medication('legacy', 'Legacy no type', undefined, '2020-01-01'),
      ...medication('recent', 'Ended after the date', 'repeat', '2025-01-01', '2025-11-21'),
      primaryMeds(['MedicationStatement/inprimary-st']),
      problemMeds([
        'MedicationRequest/inprimary',
        'MedicationRequest/ongoing',
        'MedicationRequest/legacy',
        'MedicationRequest/recent',
      ]),
    );
    expect(findClinicalRisk(b, FROM).medications).toEqual([]);
  });

  it('treats an acute with no end as active on its start date only, and a year-only end as 31 December', () => {
    const b = bundle(
      ...medication('acute', 'Acute no end', 'acute', '2025-03-01'),
      ...medication('year', 'Year end', 'repeat', '2019', '2024'),
      problemMeds(['MedicationRequest/acute', 'MedicationRequest/year']),
    );
    expect(findClinicalRisk(b, FROM).medications.map((m) => [m.name, m.end])).toEqual([
      ['Year end', '2024-12-31'],
      ['Acute no end', '2025-03-01'],
    ]);
  });
});
