/**
 * Bundle assembly (response digest §1): one entry per resource, deduplicated on ResourceType/id,
 * no fullUrl, id = Ssp-TraceID, warnings in one OperationOutcome.
 */
import type { Bundle, FhirResource } from 'fhir/r3';
import { PROFILE } from '../fhir/profiles';
import { warningOutcome, type BundleWarning } from '../fhir/operation-outcome';
import type { PatientRecord } from '../record/repository';
import { organizationResource, patientResource, practitionerResource, practitionerRoleResource } from './actors';

/** Collects resources once each, in first-seen order. */
export class ResourceSet {
  private readonly byKey = new Map<string, FhirResource>();

  add(resource: FhirResource): void {
    const key = `${resource.resourceType}/${resource.id ?? ''}`;
    if (resource.id === undefined || !this.byKey.has(key)) this.byKey.set(key, resource);
  }

  has(type: string, id: string): boolean {
    return this.byKey.has(`${type}/${id}`);
  }

  values(): FhirResource[] {
    return [...this.byKey.values()];
  }
}

export interface BundleContext {
  readonly traceId: string;
  /** Id for the warnings OperationOutcome; injected so a response is reproducible in tests. */
  readonly newId: () => string;
  readonly warnings: readonly BundleWarning[];
}

export function buildBundle(record: PatientRecord, context: BundleContext): Bundle {
  const resources = new ResourceSet();
  resources.add(patientResource(record.patient, record.practice.id));
  resources.add(organizationResource(record.practice));
  const usualGp = record.practitioners.find((p) => p.id === record.patient.usualGpId);
  if (usualGp) {
    resources.add(practitionerResource(usualGp));
    const role = practitionerRoleResource(usualGp);
    if (role) resources.add(role);
  }
  if (context.warnings.length > 0) resources.add(warningOutcome(context.newId(), context.warnings));
  return {
    resourceType: 'Bundle',
    id: context.traceId,
    meta: { profile: [PROFILE.bundle] },
    type: 'collection',
    entry: resources.values().map((resource) => ({ resource })),
  };
}
