/** Outbound referrals (Referrals guidance; ReferralRequest page). */
import type { Annotation, Reference, ReferralRequest } from 'fhir/r3';

import type { Referral, ReferralRecipient } from '../../record/model';
import type { MappingContext } from '../mapping-context';
import { clinicalMeta, codeableConcept, conceptCodeableConcept, noteElement } from './coding';
import { AREA_PROFILE, AREA_SYSTEM } from './urls';

/** The eRS priorities ReferralRequest.priority may carry (http://hl7.org/fhir/request-priority). */
const ERS_PRIORITIES = ['routine', 'urgent', 'asap'] as const;
type ErsPriority = (typeof ERS_PRIORITIES)[number];

function isErsPriority(value: unknown): value is ErsPriority {
  return typeof value === 'string' && (ERS_PRIORITIES as readonly string[]).includes(value);
}

type TextRecipient = Extract<ReferralRecipient, { readonly kind: 'text' }>;

function isActorRecipient(r: ReferralRecipient): r is Exclude<ReferralRecipient, TextRecipient> {
  return r.kind !== 'text';
}

function isTextRecipient(r: ReferralRecipient): r is TextRecipient {
  return r.kind === 'text';
}

/**
 * `note`: the free-text note, then what has no element of its own, as key/value pairs: a priority that
 * is not an eRS code, recipients that cannot be referenced, and the cancellation (Decision
 * (docs/decisions.md, "Bundle"): status stays the profile's fixed `unknown`; a cancelled referral says so in
 * a note).
 */
function referralNotes(item: Referral): Annotation[] {
  const texts = [
    item.note,
    item.priority !== undefined && !isErsPriority(item.priority)
      ? `Priority: ${item.priority.text}`
      : undefined,
    ...(item.recipients ?? []).filter(isTextRecipient).map((r) => `Recipient: ${r.text}`),
    item.status === 'cancelled' ? 'Status: cancelled' : undefined,
  ];
  return texts.filter((t): t is string => typeof t === 'string' && t.length > 0).map((text) => ({ text }));
}

export function referralResource(item: Referral, ctx: MappingContext): ReferralRequest {
  const context = ctx.encounter(item.consultationId);
  const recipients: Reference[] = (item.recipients ?? []).filter(isActorRecipient).map((r) => ctx.actor(r));
  const supporting = (item.supportingInfo ?? []).map((link) => ctx.item(link));
  return {
    resourceType: 'ReferralRequest',
    id: item.id,
    meta: clinicalMeta(AREA_PROFILE.referralRequest),
    identifier: [
      ctx.identifier(item.id, item.guid),
      ...(item.ubrn ? [{ system: AREA_SYSTEM.ubrn, value: item.ubrn }] : []),
    ],
    status: 'unknown',
    intent: 'order',
    ...(isErsPriority(item.priority) && { priority: item.priority }),
    ...(item.serviceRequested &&
      item.serviceRequested.length > 0 && {
        serviceRequested: item.serviceRequested.map(conceptCodeableConcept),
      }),
    subject: ctx.patient,
    ...(context && { context }),
    ...(item.authored !== undefined && { authoredOn: item.authored }),
    requester: {
      agent: ctx.practitioner(item.requesterId ?? item.recorderId),
      ...(item.onBehalfOfOrganisationId !== undefined && {
        onBehalfOf: ctx.organisation(item.onBehalfOfOrganisationId),
      }),
    },
    ...(recipients.length > 0 && { recipient: recipients }),
    reasonCode: [codeableConcept(item.reason)],
    ...(item.description && { description: item.description }),
    ...(supporting.length > 0 && { supportingInfo: supporting }),
    ...noteElement(referralNotes(item)),
  };
}
