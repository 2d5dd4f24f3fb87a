/**
 * The Foundations endpoints: patient search and the four reads, behind the same gate (Spine headers,
 * admission, JWT, switches, content negotiation) and audit as the structured record.
 */
import type { Request, Response } from 'express';
import type { Resource } from 'fhir/r3';

import {
  type FhirEndpoint,
  type FhirReadEndpoint,
  type GateResult,
  logicalIdOf,
} from '../../http/fhir-routes';
import { factsOf } from '../../ops/request-facts';
import { TimedRepository } from '../../ops/timed-repository';
import type { ClinicalRepository } from '../../record/repository';
import { type Interaction, INTERACTIONS } from '../../spine/interactions';
import { findPatients } from './find-patients';
import {
  type ReadDeps,
  readLocation,
  readOrganization,
  readPatient,
  readPractitioner,
} from './read-resources';
import { type SearchLimits, searchTerms } from './search-parameters';

export interface FoundationsDeps {
  readonly limits: SearchLimits;
  readonly newId: () => string;
  readonly now: () => Date;
}

/** The query string as sent (repeated parameters kept), whatever Express's parser makes of it. */
function queryOf(req: Request): URLSearchParams {
  const at = req.originalUrl.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : req.originalUrl.slice(at + 1));
}

export function foundationsEndpoints(deps: FoundationsDeps): {
  search: FhirEndpoint;
  reads: FhirReadEndpoint[];
} {
  /**
   * The practice the request is for: the one its URL names (the gate found it). Its id is looked up
   * once per practice store object (it does not change while the process runs); a failed lookup is
   * tried again.
   */
  const ids = new WeakMap<ClinicalRepository, Promise<string>>();
  const practiceIdOf = (repository: ClinicalRepository): Promise<string> => {
    let id = ids.get(repository);
    if (!id) {
      id = repository.practice().then(
        (p) => p.id,
        (error: unknown) => {
          ids.delete(repository);
          throw error;
        },
      );
      ids.set(repository, id);
    }
    return id;
  };
  /** Runs `work` against a per-request timed view of the practice's store, recording the time spent in it. */
  const timed = async <T>(res: Response, gate: GateResult, work: (r: ReadDeps) => Promise<T>): Promise<T> => {
    const { odsCode, repository: store } = gate.practice;
    const repository = new TimedRepository(store);
    try {
      return await work({ repository, odsCode, practiceId: await practiceIdOf(store) });
    } finally {
      factsOf(res).repositoryMs = repository.elapsedMs;
    }
  };

  const search: FhirEndpoint = {
    method: 'GET',
    interaction: INTERACTIONS.patientSearch,
    handle: async (req, res, gate) => {
      const params = queryOf(req);
      const facts = factsOf(res);
      facts.search = { terms: searchTerms(params) };
      const { patients, bundle } = await timed(res, gate, (r) =>
        findPatients(params, { ...r, limits: deps.limits, newId: deps.newId, now: deps.now }),
      );
      facts.search.matches = patients.length;
      if (patients.length === 1) facts.patientNhsNumber = patients[0].nhsNumber;
      return bundle;
    },
  };

  type Run = (id: string, r: ReadDeps, res: Response) => Promise<Resource>;
  const read = (resourceType: string, interaction: Interaction, run: Run): FhirReadEndpoint => ({
    method: 'GET',
    interaction,
    resourceType,
    handle: async (_req, res, gate) => {
      const id = logicalIdOf(res);
      factsOf(res).resource = `${resourceType}/${id}`;
      return timed(res, gate, (r) => run(id, r, res));
    },
  });

  return {
    search,
    reads: [
      read('Patient', INTERACTIONS.patientRead, async (id, r, res) => {
        const { patient, resource } = await readPatient(id, r);
        factsOf(res).patientNhsNumber = patient.nhsNumber;
        return resource;
      }),
      read('Organization', INTERACTIONS.organizationRead, (id, r) => readOrganization(id, r)),
      read('Practitioner', INTERACTIONS.practitionerRead, (id, r) => readPractitioner(id, r)),
      read('Location', INTERACTIONS.locationRead, (id, r) => readLocation(id, r)),
    ],
  };
}
