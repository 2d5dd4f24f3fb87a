/**
 * The endpoints this provider serves and what each demands: the Access Record Structured capability
 * (Retrieve a patient’s structured record — Request operation), and the Foundations reads and patient
 * search that let a consumer find the patient and resolve every reference of a structured record
 * (docs/decisions.md D-60).
 */
export interface Interaction {
  readonly name:
    | 'getstructuredrecord'
    | 'metadata'
    | 'patientSearch'
    | 'patientRead'
    | 'organizationRead'
    | 'practitionerRead'
    | 'locationRead'
    | 'bulkExport';
  readonly interactionId: string;
  /** The JWT requested_scope resource token this endpoint requires (D-11). */
  readonly requiredScope: string;
  /**
   * Which practice switch governs it: the structured capability's own switch, or only the
   * all-of-GP-Connect switch (Foundations is not part of Access Record Structured).
   */
  readonly capability: 'structured' | 'foundations';
  /** The JWT reason_for_request values accepted; absent: directcare only (D-B2). */
  readonly reasons?: readonly ('directcare' | 'migration' | 'secondaryuses')[];
}

const FOUNDATIONS = 'urn:nhs:names:services:gpconnect:fhir:rest';

export const INTERACTIONS = {
  getstructuredrecord: {
    name: 'getstructuredrecord',
    interactionId: 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1',
    requiredScope: 'patient/*.read',
    capability: 'structured',
  },
  metadata: {
    name: 'metadata',
    interactionId: 'urn:nhs:names:services:gpconnect:structured:fhir:rest:read:metadata-1',
    requiredScope: 'organization/*.read',
    capability: 'structured',
  },
  patientSearch: {
    name: 'patientSearch',
    interactionId: `${FOUNDATIONS}:search:patient-1`,
    requiredScope: 'patient/*.read',
    capability: 'foundations',
  },
  patientRead: {
    name: 'patientRead',
    interactionId: `${FOUNDATIONS}:read:patient-1`,
    requiredScope: 'patient/*.read',
    capability: 'foundations',
  },
  organizationRead: {
    name: 'organizationRead',
    interactionId: `${FOUNDATIONS}:read:organization-1`,
    requiredScope: 'organization/*.read',
    capability: 'foundations',
  },
  practitionerRead: {
    name: 'practitionerRead',
    interactionId: `${FOUNDATIONS}:read:practitioner-1`,
    requiredScope: 'organization/*.read',
    capability: 'foundations',
  },
  locationRead: {
    name: 'locationRead',
    interactionId: `${FOUNDATIONS}:read:location-1`,
    requiredScope: 'organization/*.read',
    capability: 'foundations',
  },
  // Bulk export (kick-off, status, cancel, downloads): this provider's own interaction id, not one of the
  // NHS interaction registry's (docs/decisions.md D-B1); a practice-wide extract may serve direct care
  // or secondary uses, and the audit trail records which (D-B2).
  bulkExport: {
    name: 'bulkExport',
    interactionId: 'urn:nhs:names:services:gpconnect:structured:fhir:operation:export-1',
    requiredScope: 'patient/*.read',
    capability: 'structured',
    reasons: ['directcare', 'secondaryuses'],
  },
} as const satisfies Record<string, Interaction>;
