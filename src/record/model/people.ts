/**
 * The GP system's view of patients, the practice and the people and places that act in the record.
 * No FHIR here: the bundle layer maps these to the GP Connect profiles.
 */
import type { CalendarDate } from '../../fhir/dates';
import type { Timestamp } from './common';

export interface PersonName {
  readonly family: string;
  readonly given: readonly string[];
  readonly prefix?: readonly string[];
}

export interface PostalAddress {
  readonly lines: readonly string[];
  readonly city?: string;
  readonly district?: string;
  readonly postcode?: string;
}

export interface ContactPoint {
  readonly system: 'phone' | 'email';
  readonly value: string;
  readonly use?: 'home' | 'work' | 'mobile' | 'temp';
}

/**
 * Local NHS number status (CareConnect-NHSNumberVerificationStatus-1): only `01` "Number present and
 * verified" may be shared through GP Connect.
 */
export type NhsNumberStatus = '01' | '02' | '03' | '04' | '05' | '06' | '07' | '08';

export const NHS_NUMBER_STATUS_DISPLAY: Readonly<Record<NhsNumberStatus, string>> = {
  '01': 'Number present and verified',
  '02': 'Number present but not traced',
  '03': 'Trace required',
  '04': 'Trace attempted - No match or multiple match found',
  '05': 'Trace needs to be resolved - (NHS Number or patient detail conflict)',
  '06': 'Trace in progress',
  '07': 'Number not present and trace not required',
  '08': 'Trace postponed (baby under six weeks old)',
};

/** CareConnect-RegistrationType-1 codes; only Regular/GMS patients are served (docs/spec-notes.md "Retrieve a
 * patient’s structured record — Who may be shared"). */
export type RegistrationType = 'R' | 'T' | 'E' | 'IN' | 'S' | 'P';

export const REGISTRATION_TYPE_DISPLAY: Readonly<Record<RegistrationType, string>> = {
  R: 'Regular',
  T: 'Temporary',
  E: 'Emergency',
  IN: 'Immediately necessary',
  S: 'Private',
  P: 'Other',
};

export interface Registration {
  readonly type: RegistrationType;
  /** `active` while the registration is current; `inactive` once it has lapsed or ended. */
  readonly status: 'active' | 'inactive';
  readonly startDate: CalendarDate;
  readonly endDate?: CalendarDate;
}

export interface Patient {
  /** The GP system's own id; becomes the FHIR logical id. */
  readonly id: string;
  readonly nhsNumber: string;
  readonly nhsNumberStatus: NhsNumberStatus;
  readonly name: PersonName;
  readonly gender: 'male' | 'female' | 'other' | 'unknown';
  readonly birthDate: CalendarDate;
  readonly address?: PostalAddress;
  readonly telecom?: readonly ContactPoint[];
  readonly deceasedDate?: CalendarDate;
  readonly registration: Registration;
  /** Sensitive (restricted) on the Spine: never disclosed through GP Connect. */
  readonly sensitive: boolean;
  /** The patient's record-sharing preference (e.g. a dissent code recorded at the practice). */
  readonly sharingConsent: 'consented' | 'dissented';
  readonly usualGpId?: string;
  /** An incoming GP2GP transfer is incomplete; information recorded before `registeredOn` may be missing. */
  readonly recordInTransit?: { readonly registeredOn: CalendarDate };
  /** Items sit in the practice workflow unfiled; information recorded before `since` may be missing. */
  readonly dataAwaitingFiling?: { readonly since: CalendarDate };
  /** Record version for meta.versionId; bumped on any change to the patient's demographics. */
  readonly version: string;
  /** When the demographics last changed (bulk export `_since`, D-B6); absent: the practice's import. */
  readonly lastUpdated?: Timestamp;
}

export interface Organisation {
  readonly id: string;
  readonly odsCode: string;
  readonly name: string;
  readonly address?: PostalAddress;
  readonly telecom?: readonly ContactPoint[];
  readonly version: string;
}

/** The GP practice this provider serves, with its switches (Configuration for supported clinical areas). */
export interface Practice extends Organisation {
  /** Practitioners and locations of the practice, so that any record item can point at them. */
  readonly locationIds?: readonly string[];
}

/** An SDS job role (CareConnect-SDSJobRoleName-1), e.g. R0260 General Medical Practitioner. */
export interface JobRole {
  readonly code: string;
  readonly display: string;
}

export interface Practitioner {
  readonly id: string;
  readonly name: PersonName;
  readonly gender?: 'male' | 'female' | 'other' | 'unknown';
  readonly sdsUserId?: string;
  /** Roles this person holds, each at an organisation; one role per organisation. */
  readonly roles: readonly {
    readonly id: string;
    readonly organisationId: string;
    readonly jobRole: JobRole;
  }[];
  readonly version: string;
}

export interface Location {
  readonly id: string;
  readonly name: string;
  readonly odsSiteCode?: string;
  readonly address?: PostalAddress;
  readonly managingOrganisationId?: string;
  readonly version: string;
}

/** A service at an organisation that can receive a referral (→ CareConnect HealthcareService, Retrieve a
 * patient’s structured record — Payload request body). */
export interface HealthcareService {
  readonly id: string;
  readonly name: string;
  /** The service's identifier in a national directory (e.g. its e-RS service id), when the record holds one. */
  readonly identifier?: { readonly system: string; readonly value: string };
  readonly providedByOrganisationId?: string;
  readonly version: string;
}

/** The GP system itself, as requester of a system-generated diary entry (→ GPConnect-Device-1, Retrieve a
 * patient’s structured record — Payload request body). */
export interface Device {
  readonly id: string;
  /** What the device is, e.g. "GP clinical system" (becomes Device.model). */
  readonly name: string;
  /** SNOMED CT device type; default 706689003 |Application program software|. */
  readonly typeCode?: string;
  readonly typeDisplay?: string;
  readonly manufacturer?: string;
  readonly softwareVersion?: string;
  readonly version: string;
}
