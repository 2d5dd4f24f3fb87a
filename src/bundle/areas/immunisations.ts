/**
 * Immunisations (Immunisations guidance; Immunization page): the Immunization resource for given and
 * not-given vaccinations, and the consent/dissent/invitation status records as uncategorised-shape
 * Observations.
 */
import type {
  CodeableConcept,
  Extension,
  Immunization,
  ImmunizationExplanation,
  ImmunizationPractitioner,
  ImmunizationVaccinationProtocol,
  Observation as FhirObservation,
} from 'fhir/r3';

import type { Immunisation, ImmunisationStatusRecord, VaccinationProtocol } from '../../record/model';
import type { MappingContext } from '../mapping-context';
import {
  clinicalMeta,
  codeableConcept,
  conceptCodeableConcept,
  dateOnly,
  noteElement,
  notes,
  quantity,
} from './coding';
import { uncategorisedShape } from './observations';
import { AREA_EXTENSION, AREA_PROFILE, AREA_SYSTEM } from './urls';

/** vaccineCode when the vaccine is not known (Immunization page). */
function unknownVaccine(): CodeableConcept {
  return { coding: [{ system: AREA_SYSTEM.nullFlavor, code: 'UNK', display: 'unknown' }] };
}

/** HL7 v2 table 0443 provider roles. */
const ROLE = {
  EP: { system: AREA_SYSTEM.providerRole, code: 'EP', display: 'Entering Provider' },
  AP: { system: AREA_SYSTEM.providerRole, code: 'AP', display: 'Administering Provider' },
} as const;

function extensions(item: Immunisation): Extension[] {
  return [
    { url: AREA_EXTENSION.dateRecorded, valueDateTime: item.recorded },
    { url: AREA_EXTENSION.vaccinationProcedure, valueCodeableConcept: codeableConcept(item.procedure) },
    ...(item.parentPresent !== undefined
      ? [{ url: AREA_EXTENSION.parentPresent, valueBoolean: item.parentPresent }]
      : []),
  ];
}

/** The recorder (EP), and the administering clinician (AP) when someone else. */
function practitioners(item: Immunisation, ctx: MappingContext): ImmunizationPractitioner[] {
  return [
    { role: { coding: [{ ...ROLE.EP }] }, actor: ctx.practitioner(item.recorderId) },
    ...(item.administeredById !== undefined && item.administeredById !== item.recorderId
      ? [{ role: { coding: [{ ...ROLE.AP }] }, actor: ctx.practitioner(item.administeredById) }]
      : []),
  ];
}

function protocol(p: VaccinationProtocol): ImmunizationVaccinationProtocol {
  return {
    doseSequence: p.doseSequence,
    ...(p.description && { description: p.description }),
    ...(p.seriesDoses !== undefined && { seriesDoses: p.seriesDoses }),
    targetDisease: p.targetDiseases.map(codeableConcept),
    doseStatus: { coding: [{ system: AREA_SYSTEM.doseStatus, code: 'count', display: 'Counts' }] },
  };
}

/**
 * Details sent only for a given vaccine: site, route, dose, manufacturer, lot, expiry, explanation.reason
 * and the protocol. A not-given vaccine gets explanation.reasonNotGiven instead (Immunization page).
 */
function givenOrNot(item: Immunisation, ctx: MappingContext): Partial<Immunization> {
  if (item.notGiven === true) {
    const explanation: ImmunizationExplanation | undefined = item.reasonNotGiven
      ? { reasonNotGiven: [conceptCodeableConcept(item.reasonNotGiven)] }
      : undefined;
    return explanation ? { explanation } : {};
  }
  return {
    ...(item.manufacturerId !== undefined && { manufacturer: ctx.organisation(item.manufacturerId) }),
    ...(item.lotNumber && { lotNumber: item.lotNumber }),
    ...(item.expiryDate !== undefined && { expirationDate: dateOnly(item.expiryDate) }),
    ...(item.site && { site: codeableConcept(item.site) }),
    ...(item.route && { route: codeableConcept(item.route) }),
    ...(item.dose && { doseQuantity: quantity(item.dose) }),
    ...(item.reason && { explanation: { reason: [conceptCodeableConcept(item.reason)] } }),
    ...(item.protocol && { vaccinationProtocol: [protocol(item.protocol)] }),
  };
}

export function immunizationResource(item: Immunisation, ctx: MappingContext): Immunization {
  const encounter = ctx.encounter(item.consultationId);
  const detail = givenOrNot(item, ctx);
  return {
    resourceType: 'Immunization',
    id: item.id,
    meta: clinicalMeta(AREA_PROFILE.immunization),
    extension: extensions(item),
    identifier: [ctx.identifier(item.id, item.guid)],
    status: 'completed',
    notGiven: item.notGiven === true,
    vaccineCode: item.vaccine ? codeableConcept(item.vaccine) : unknownVaccine(),
    patient: ctx.patient,
    ...(encounter && { encounter }),
    ...(item.date !== undefined && { date: item.date }),
    primarySource: item.reportOrigin === undefined,
    ...(item.reportOrigin && { reportOrigin: conceptCodeableConcept(item.reportOrigin) }),
    ...(item.locationId !== undefined && { location: ctx.location(item.locationId) }),
    ...detail,
    practitioner: practitioners(item, ctx),
    ...noteElement(notes(item.qualifiers, item.note)),
  };
}

/**
 * A consent, dissent or invitation record filed under immunisations, in the uncategorised-data shape
 * (Immunisations guidance; Observation pages); an ended consent or dissent has an `effective` period, so it
 * comes out as effectivePeriod. Entered-in-error records are the engine's to leave out.
 */
export function immunisationStatusResource(
  item: ImmunisationStatusRecord,
  ctx: MappingContext,
): FhirObservation {
  return uncategorisedShape(item, ctx);
}
