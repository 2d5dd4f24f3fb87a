/** Outbound referrals (Referrals guidance; ReferralRequest page ReferralRequest). */
import type { ItemRef } from '../../contract/item-ref';
import type { ActorRef, ClinicalItem, CodedConcept, Concept, PartialDate } from './common';

/** A recipient held as a dataset actor, or only as text when it cannot be one (→ written into `note`). */
export type ReferralRecipient =
  | ActorRef<'healthcareService' | 'organisation' | 'practitioner'>
  | { readonly kind: 'text'; readonly text: string };

export interface Referral extends ClinicalItem {
  /** The referral date the user entered; filtered by `referralSearchPeriod`. Absent: unknown, always returned. */
  readonly authored?: PartialDate;
  /** Absent: normal. Entered-in-error referrals are never returned; cancelled ones are. */
  readonly status?: 'cancelled' | 'entered-in-error';
  /** eRS priorities; any other priority as text (→ note). */
  readonly priority?: 'routine' | 'urgent' | 'asap' | { readonly text: string };
  /** The main referral code (→ reasonCode; never serviceRequested). */
  readonly reason: CodedConcept;
  readonly serviceRequested?: readonly Concept[];
  readonly recipients?: readonly ReferralRecipient[];
  /** e-Referral Service Unique Booking Reference Number (→ an extra identifier). */
  readonly ubrn?: string;
  /** The responsible practitioner, when not the recorder. */
  readonly requesterId?: string;
  /** The requester's organisation, when it is not this practice (→ requester.onBehalfOf). */
  readonly onBehalfOfOrganisationId?: string;
  readonly description?: string;
  /** Letters, documents and other items sent with it; never a problem (→ supportingInfo). */
  readonly supportingInfo?: readonly Exclude<ItemRef, { readonly kind: 'problem' }>[];
  /** Progress, outcome and extra categorisation. */
  readonly note?: string;
}
