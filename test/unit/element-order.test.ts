/** The committed STU3 element-order table is what tools/element-order.ts makes from the profiles. */
import { readFileSync } from 'node:fs';

import { structureOf } from '../../src/fhir/xml/model';
import { ELEMENT_ORDER_FILE, generate } from '../../tools/element-order';

describe('src/fhir/xml/element-order.ts', () => {
  it('is up to date with profiles/gpconnect-fhir-1.5.0 and the data-type table (npm run gen:element-order)', () => {
    expect(readFileSync(ELEMENT_ORDER_FILE, 'utf8')).toBe(generate());
  });

  it('describes every resource type the service writes or reads', () => {
    const types = [
      'Bundle',
      'OperationOutcome',
      'CapabilityStatement',
      'Parameters',
      'Patient',
      'Organization',
      'Practitioner',
      'PractitionerRole',
      'Device',
      'Location',
      'HealthcareService',
      'List',
      'AllergyIntolerance',
      'Medication',
      'MedicationStatement',
      'MedicationRequest',
      'Condition',
      'Encounter',
      'Observation',
      'Immunization',
      'DiagnosticReport',
      'Specimen',
      'ProcedureRequest',
      'ReferralRequest',
      'DocumentReference',
    ];
    expect(types.filter((type) => !structureOf(type)?.isResource)).toEqual([]);
  });

  it('keeps the STU3 order of a resource from its profile (Observation) and of a data type (Identifier)', () => {
    const order = (key: string) =>
      [...structureOf(key)!.children.values()].sort((a, b) => a.index - b.index).map((c) => c.name);
    expect(order('Identifier')).toEqual([
      'extension',
      'use',
      'type',
      'system',
      'value',
      'period',
      'assigner',
    ]);
    const observation = order('Observation');
    expect(observation.indexOf('status')).toBeLessThan(observation.indexOf('code'));
    expect(observation.indexOf('code')).toBeLessThan(observation.indexOf('subject'));
    expect(observation.indexOf('valueQuantity')).toBeLessThan(observation.indexOf('interpretation'));
    expect(observation.indexOf('referenceRange')).toBeLessThan(observation.indexOf('component'));
  });
});
