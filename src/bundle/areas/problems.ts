/**
 * Problems → CareConnect-GPC-ProblemHeader-Condition-1 (Problems guidance; ProblemHeader (Condition) page).
 * The engine works out the links (which items and consultations are in this Bundle, placeholders for
 * switched-off areas) and hands them over as references; this module only writes them in the profile's shape.
 */
import type { Condition, Extension, Reference } from 'fhir/r3';

import type { Problem, RelatedProblem } from '../../record/model';
import { CORE_EXTENSION, CORE_PROFILE, CORE_SYSTEM } from '../core-urls';
import type { MappingContext } from '../mapping-context';
import { clinicalMeta, codeableConcept, noteElement, notes } from './coding';

export interface ProblemLinks {
  /** The promoted item (never a DiagnosticReport: that goes in relatedClinicalContent, ProblemHeader
   * (Condition) page). */
  readonly actualProblem?: Reference;
  readonly relatedProblems: readonly { readonly type: RelatedProblem['type']; readonly target: Reference }[];
  /** Linked items and consultations, each once. */
  readonly relatedClinicalContent: readonly Reference[];
}

export const PROBLEM_LIST_ITEM_CATEGORY = {
  coding: [
    { system: CORE_SYSTEM.conditionCategory, code: 'problem-list-item', display: 'Problem List Item' },
  ],
};

/**
 * The complex relatedProblemHeader extension. The `target` sub-extension comes first: consumers in the
 * field (and the assurance suite) read the first sub-extension as the target.
 */
export function relatedProblemHeaderExtension(target: Reference, type: RelatedProblem['type']): Extension {
  return {
    url: CORE_EXTENSION.relatedProblemHeader,
    extension: [
      { url: 'target', valueReference: target },
      { url: 'type', valueCode: type },
    ],
  };
}

export function problemResource(problem: Problem, ctx: MappingContext, links: ProblemLinks): Condition {
  const context = ctx.encounter(problem.consultationId);
  const extension: Extension[] = [
    { url: CORE_EXTENSION.problemSignificance, valueCode: problem.significance },
    ...(links.actualProblem
      ? [{ url: CORE_EXTENSION.actualProblem, valueReference: links.actualProblem }]
      : []),
    ...links.relatedProblems.map((r) => relatedProblemHeaderExtension(r.target, r.type)),
    ...links.relatedClinicalContent.map((valueReference) => ({
      url: CORE_EXTENSION.relatedClinicalContent,
      valueReference,
    })),
  ];
  return {
    resourceType: 'Condition',
    id: problem.id,
    meta: clinicalMeta(CORE_PROFILE.problemHeader),
    extension,
    identifier: [ctx.identifier(problem.id, problem.guid)],
    clinicalStatus: problem.status,
    category: [PROBLEM_LIST_ITEM_CATEGORY],
    code: codeableConcept(problem.code),
    subject: ctx.patient,
    ...(context && { context }),
    ...(problem.onset && { onsetDateTime: problem.onset }),
    ...(problem.end && { abatementDateTime: problem.end }),
    assertedDate: problem.recorded,
    asserter: ctx.practitioner(problem.asserterId ?? problem.recorderId),
    ...noteElement(notes(undefined, problem.note)),
  };
}
