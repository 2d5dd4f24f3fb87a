/** The structured CapabilityStatement (Get the FHIR capability statement (Access Record Structured)), built
 * once at start from data. */
import type {
  CapabilityStatement,
  CapabilityStatementRestResource,
  CapabilityStatementRestResourceSearchParam,
} from 'fhir/r3';

import { OPERATION_DEFINITION_URL, SYSTEM } from '../../fhir/profiles';

const SD = 'https://fhir.nhs.uk/STU3/StructureDefinition/';

/** The GP Connect profiles this capability may return, with the versions 1.6.2 names. */
const PROFILES = [
  'CareConnect-GPC-Patient-1/_history/1.8',
  'CareConnect-GPC-Organization-1/_history/1.4',
  'CareConnect-GPC-Practitioner-1/_history/1.3',
  'CareConnect-GPC-PractitionerRole-1/_history/1.2',
  'CareConnect-GPC-AllergyIntolerance-1/_history/1.7',
  'CareConnect-GPC-Medication-1/_history/1.2',
  'CareConnect-GPC-MedicationStatement-1/_history/1.7',
  'CareConnect-GPC-MedicationRequest-1/_history/1.6',
  'CareConnect-GPC-List-1/_history/1.7',
  'GPConnect-StructuredRecord-Bundle-1/_history/1.3',
  'GPConnect-OperationOutcome-1/_history/1.2',
  'CareConnect-GPC-Immunization-1/_history/1.5',
  'CareConnect-GPC-ProblemHeader-Condition-1/_history/1.7',
  'CareConnect-GPC-Encounter-1/_history/1.5',
  'CareConnect-GPC-Observation-1/_history/1.7',
  'CareConnect-GPC-DiagnosticReport-1/_history/1.3',
  'CareConnect-GPC-Specimen-1/_history/1.3',
  'CareConnect-GPC-ProcedureRequest-1/_history/1.4',
  'CareConnect-GPC-ReferralRequest-1/_history/1.2',
  'CareConnect-GPC-DocumentReference-1/_history/1.3',
].map((p) => ({ reference: `${SD}${p}` }));

export const GP_CONNECT_VERSION = '1.6.2';
/** Earlier minor versions whose consumers are served (docs/decisions.md "Deviations"). */
export const GP_CONNECT_VERSIONS_SERVED = ['1.6.0', '1.6.1', '1.6.2'] as const;

export interface SoftwareInfo {
  readonly name: string;
  readonly version: string;
  readonly releaseDate: string;
  readonly publisher: string;
}

export interface CapabilityOptions {
  /** Whether the demographic patient search parameters are served (PATIENT_DEMOGRAPHIC_SEARCH). */
  readonly demographicSearch: boolean;
  /** Whether bulk export jobs outlive the process (PostgreSQL) or are kept in its memory (D-B4). */
  readonly durableExportJobs?: boolean;
}

/** The FHIR Bulk Data Access definition of the patient-level export this server implements (D-B1). */
export const BULK_EXPORT_DEFINITION = 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export';

/** What a bulk consumer needs to know that the statement's structure cannot say (im1_code_001, D-B9). */
function bulkExportDocumentation(durable: boolean): string {
  return (
    'Bulk export: GET [base]/Patient/$export with Prefer: respond-async (FHIR Bulk Data Access), the same ' +
    'Spine headers and JWT as every request, its own interaction id ' +
    'urn:nhs:names:services:gpconnect:structured:fhir:operation:export-1; poll the Content-Location, then ' +
    'fetch the NDJSON files of the manifest. ' +
    (durable
      ? 'Jobs are kept in the database and survive a restart. '
      : "Jobs are kept in this process's memory: a restart loses them. ") +
    'The code-system versions of an extract (SNOMED CT, dm+d, Read) are at GET /coding-schemes on this host.'
  );
}

/** The Foundations interactions served beside the operation: the reads and the patient search. */
function foundationsResources(options: CapabilityOptions): CapabilityStatementRestResource[] {
  const searchParam: CapabilityStatementRestResourceSearchParam[] = [
    { name: 'identifier', type: 'token', documentation: `NHS number: ${SYSTEM.nhsNumber}|NNNNNNNNNN` },
    ...(options.demographicSearch
      ? ([
          { name: 'family', type: 'string', documentation: 'Start of the family name, any case or accents' },
          { name: 'given', type: 'string', documentation: 'Start of any given name, any case or accents' },
          { name: 'birthdate', type: 'date', documentation: 'YYYY-MM-DD, optionally after eq, ge or le' },
        ] as const)
      : []),
    { name: '_count', type: 'number', documentation: 'Most patients returned; more matches: narrow it' },
  ];
  const read = (type: string, profile: string): CapabilityStatementRestResource => ({
    type,
    profile: { reference: `${SD}${profile}` },
    interaction: [{ code: 'read' }],
  });
  return [
    {
      ...read('Patient', 'CareConnect-GPC-Patient-1'),
      interaction: [{ code: 'read' }, { code: 'search-type' }],
      searchParam,
    },
    read('Organization', 'CareConnect-GPC-Organization-1'),
    read('Practitioner', 'CareConnect-GPC-Practitioner-1'),
    read('Location', 'CareConnect-GPC-Location-1'),
  ];
}

export function capabilityStatement(
  software: SoftwareInfo,
  options: CapabilityOptions = { demographicSearch: true },
): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    version: GP_CONNECT_VERSION,
    name: 'GP Connect API - Access Record Structured',
    status: 'active',
    date: software.releaseDate,
    publisher: software.publisher,
    contact: [{ name: software.publisher }],
    description: `This server implements the GP Connect API - Access Record Structured version ${GP_CONNECT_VERSION} (serving ${GP_CONNECT_VERSIONS_SERVED.join(', ')} consumers)`,
    copyright: 'Copyright NHS Digital 2016-23',
    kind: 'capability',
    software: { name: software.name, version: software.version, releaseDate: software.releaseDate },
    fhirVersion: '3.0.1',
    acceptUnknown: 'both',
    // Both are served (D-7); the acceptance suite checks that both are listed.
    format: ['application/fhir+json', 'application/fhir+xml'],
    profile: [
      ...PROFILES,
      {
        reference:
          'https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-HealthcareService-1/_history/1.0',
      },
    ],
    rest: [
      {
        mode: 'server',
        // True, as the spec's template has it, and served: src/app.ts answers CORS (D-43).
        security: { cors: true },
        documentation: bulkExportDocumentation(options.durableExportJobs ?? false),
        resource: foundationsResources(options),
        operation: [
          { name: 'gpc.getstructuredrecord', definition: { reference: OPERATION_DEFINITION_URL } },
          { name: 'export', definition: { reference: BULK_EXPORT_DEFINITION } },
        ],
      },
    ],
  };
}
