/** The endpoints of the Access Record Structured capability and what each demands (Retrieve a patient’s
 * structured record — Request operation). */
export interface Interaction {
  readonly name: 'getstructuredrecord' | 'metadata';
  readonly interactionId: string;
  /** The JWT requested_scope resource token this endpoint requires (D-11). */
  readonly requiredScope: string;
}

export const INTERACTIONS = {
  getstructuredrecord: {
    name: 'getstructuredrecord',
    interactionId: 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1',
    requiredScope: 'patient/*.read',
  },
  metadata: {
    name: 'metadata',
    interactionId: 'urn:nhs:names:services:gpconnect:structured:fhir:rest:read:metadata-1',
    requiredScope: 'organization/*.read',
  },
} as const satisfies Record<string, Interaction>;
