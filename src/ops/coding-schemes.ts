/**
 * Coding-scheme discovery: which terminologies, editions and releases the record this service serves
 * is coded in, answered as JSON at GET /coding-schemes (outside BASE_PATH, no Spine headers).
 *
 * The values below describe the embedded test practice (data/practices/P99001.jsonl), which is coded against
 * these releases. A vendor plugging in its own ClinicalRepository states its own store's releases
 * here: this module is the one place they are written down.
 */
import type { RequestHandler } from 'express';

import { SPINE_CODES, SPINE_ERROR_CODE_SYSTEM } from '../fhir/spine-codes';
import {
  GP_CONNECT_VERSION,
  GP_CONNECT_VERSIONS_SERVED,
  type SoftwareInfo,
} from '../operations/structured-record/capability-statement';

export interface CodingScheme {
  readonly name: string;
  /** The FHIR Coding.system the record uses for this scheme. */
  readonly system: string;
  readonly edition?: string;
  /** SNOMED CT edition URI (module id), as in a FHIR version string. */
  readonly editionUri?: string;
  readonly release: string;
  readonly releaseDate?: string;
  /** Full FHIR Coding.version for SNOMED CT. */
  readonly versionUri?: string;
  /** True for schemes this provider defines itself (not national). */
  readonly local: boolean;
  readonly note?: string;
  readonly codes?: readonly string[];
}

const SNOMED = 'http://snomed.info/sct';
const UK_EDITION_MODULE = '83821000000107';

/** The terminology releases the embedded practice's data is coded against. */
export const RECORD_CODING_SCHEMES: readonly CodingScheme[] = [
  {
    name: 'SNOMED CT',
    system: SNOMED,
    edition: 'SNOMED CT UK Clinical Edition',
    editionUri: `${SNOMED}/${UK_EDITION_MODULE}`,
    release: '41.0.0',
    releaseDate: '2025-10-01',
    versionUri: `${SNOMED}/${UK_EDITION_MODULE}/version/20251001`,
    local: false,
    note: 'Clinical codes (problems, allergies, observations, lists, consultation structure)',
  },
  {
    name: 'Dictionary of medicines and devices (dm+d)',
    system: SNOMED,
    edition: 'NHSBSA dm+d (SNOMED CT UK Drug Extension identifiers)',
    release: 'weekly release of 2025-10-20',
    releaseDate: '2025-10-20',
    local: false,
    note: 'Medication codes (VTM, VMP, AMP); dm+d identifiers are SNOMED CT concept ids',
  },
];

/** Code systems defined by the protocol or by this provider, used in OperationOutcomes. */
const PROTOCOL_SCHEMES: readonly CodingScheme[] = [
  {
    name: 'Spine error or warning codes',
    system: SPINE_ERROR_CODE_SYSTEM,
    release: `GP Connect ${GP_CONNECT_VERSION}`,
    local: false,
    note:
      'Conditions with no Spine code of their own carry the nearest Spine code and name themselves in ' +
      'details.text (see CHANGELOG.md)',
    codes: Object.entries(SPINE_CODES)
      .filter(([, entry]) => 'spine' in entry)
      .map(([code]) => code),
  },
];

export function codingSchemesDocument(software: SoftwareInfo) {
  return {
    software: { name: software.name, version: software.version },
    gpConnect: {
      version: GP_CONNECT_VERSION,
      versionsServed: GP_CONNECT_VERSIONS_SERVED,
      fhirVersion: '3.0.1',
    },
    record: {
      codingSchemes: RECORD_CODING_SCHEMES,
      // The spec also allows Read v2, CTV3 and supplier drug codes (the FHIR resource pages); none is used.
      otherCodeSystems: [],
    },
    protocol: { codingSchemes: PROTOCOL_SCHEMES },
  };
}

/** Built once: the answer never changes while the process runs. */
export function codingSchemes(software: SoftwareInfo): RequestHandler {
  const body = JSON.stringify(codingSchemesDocument(software));
  return (_req, res) => {
    res.status(200).type('application/json').send(body);
  };
}
