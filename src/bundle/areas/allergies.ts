/**
 * Allergies → CareConnect-GPC-AllergyIntolerance-1 (Allergies guidance; AllergyIntolerance page). An ended
 * allergy is mapped by the same function (clinicalStatus resolved, allergyEnd extension); the engine puts it
 * only inside the "Ended allergies" List (Allergies guidance — ended allergies).
 */
import type { AllergyIntolerance, AllergyIntoleranceReaction, CodeableConcept, Extension } from 'fhir/r3';

import type { Allergy, AllergyReaction } from '../../record/model';
import { CORE_EXTENSION, CORE_PROFILE, CORE_SYSTEM } from '../core-urls';
import type { MappingContext } from '../mapping-context';
import { clinicalMeta, codeableConcept, noteElement, notes } from './coding';

/** What the end extension says when the GP system never recorded why an allergy ended (test patient16). */
export const NO_END_REASON = 'No information available';

const NULL_FLAVOR = {
  NI: 'NoInformation',
  UNC: 'un-encoded',
  ASKU: 'asked but unknown',
} as const;

function nullFlavor(code: keyof typeof NULL_FLAVOR): CodeableConcept {
  return { coding: [{ system: CORE_SYSTEM.nullFlavor, code, display: NULL_FLAVOR[code] }] };
}

/**
 * At most one reaction with one manifestation (AllergyIntolerance page). With no coded manifestation: NI when
 * only a severity is known, UNC when there is text (which goes in `description`), otherwise ASKU.
 */
function reaction(r: AllergyReaction): AllergyIntoleranceReaction {
  const manifestation = r.manifestation
    ? codeableConcept(r.manifestation)
    : r.description
      ? nullFlavor('UNC')
      : r.severity
        ? nullFlavor('NI')
        : nullFlavor('ASKU');
  const severity = r.severity === 'life-threatening' ? 'severe' : r.severity;
  return {
    manifestation: [manifestation],
    ...(r.description && { description: r.description }),
    ...(severity && { severity }),
  };
}

export function allergyResource(allergy: Allergy, ctx: MappingContext): AllergyIntolerance {
  const encounter = ctx.encounter(allergy.consultationId);
  const extension: Extension[] = [
    ...(encounter ? [{ url: CORE_EXTENSION.associatedEncounter, valueReference: encounter }] : []),
    ...(allergy.ended
      ? [
          {
            url: CORE_EXTENSION.allergyEnd,
            extension: [
              { url: 'endDate', valueDateTime: allergy.ended.date },
              { url: 'reasonEnded', valueString: allergy.ended.reason ?? NO_END_REASON },
            ],
          },
        ]
      : []),
  ];
  const lifeThreatening = allergy.reaction?.severity === 'life-threatening';
  return {
    resourceType: 'AllergyIntolerance',
    id: allergy.id,
    meta: clinicalMeta(CORE_PROFILE.allergyIntolerance),
    ...(extension.length > 0 && { extension }),
    identifier: [ctx.identifier(allergy.id, allergy.guid)],
    clinicalStatus: allergy.ended ? 'resolved' : 'active',
    verificationStatus: 'unconfirmed',
    ...(allergy.type && { type: allergy.type }),
    category: [allergy.category ?? 'medication'],
    ...(lifeThreatening && { criticality: 'high' as const }),
    code: codeableConcept(allergy.code),
    patient: ctx.patient,
    ...(allergy.onset && { onsetDateTime: allergy.onset }),
    assertedDate: allergy.recorded,
    recorder: ctx.practitioner(allergy.recorderId),
    asserter: ctx.practitioner(allergy.asserterId ?? allergy.recorderId),
    ...noteElement(notes(allergy.qualifiers, allergy.note)),
    ...(allergy.reaction && { reaction: [reaction(allergy.reaction)] }),
  };
}
