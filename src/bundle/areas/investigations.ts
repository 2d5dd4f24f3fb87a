/**
 * Investigations (Investigations guidance; Observation pages; DiagnosticReport page): one lab
 * report becomes a DiagnosticReport plus its request summary (ProcedureRequest), Specimens, test group
 * headers, test results and filing comments. The parts reference each other directly (they travel
 * together); links to other clinical items go through the context.
 */
import type {
  CodeableConcept,
  DiagnosticReport,
  Identifier,
  Observation as FhirObservation,
  ObservationRelated,
  ProcedureRequest,
  Reference,
  Resource,
  Specimen as FhirSpecimen,
} from 'fhir/r3';

import type {
  FilingComment,
  InvestigationReport,
  Specimen,
  TestGroup,
  TestRequest,
  TestResult,
} from '../../record/model';
import { ref } from '../actors';
import type { MappingContext } from '../mapping-context';
import {
  clinicalMeta,
  codeableConcept,
  conceptCodeableConcept,
  dataAbsentUnknown,
  labPerformers,
  noteElement,
  notes,
  simpleQuantity,
  snomedConcept,
} from './coding';
import { COMMENT_NOTE, observationValue, referenceRange } from './observations';
import { AREA_EXTENSION, AREA_PROFILE, AREA_SYSTEM } from './urls';

/** SNOMED 721981007, the fixed DiagnosticReport.code (DiagnosticReport page). */
export const DIAGNOSTIC_STUDIES_REPORT = { code: '721981007', display: 'Diagnostic studies report' } as const;

/** ProcedureRequest.code.text when the test request has no code (DiagnosticReport page). */
export const NO_CODE_AVAILABLE = 'No code available';

/**
 * DECISION: "Laboratory" (the spec's default category, no system given) is coded in the code system each
 * element's STU3 value set uses: HL7 v2-0074 `LAB` for DiagnosticReport.category (DiagnosticServiceSection),
 * `laboratory` of observation-category for test results.
 */
function reportCategory(): CodeableConcept {
  return { coding: [{ system: AREA_SYSTEM.diagnosticServiceSection, code: 'LAB', display: 'Laboratory' }] };
}

function resultCategory(): CodeableConcept[] {
  return [
    { coding: [{ system: AREA_SYSTEM.observationCategory, code: 'laboratory', display: 'Laboratory' }] },
  ];
}

const FASTING_DISPLAY = {
  F: 'Patient was fasting prior to the procedure.',
  NF: 'The patient indicated they did not fast prior to the procedure.',
  NG: 'Not Given - Patient was not asked at the time of the procedure.',
} as const;

/** What every part of one report shares while it is mapped. */
interface ReportScope {
  readonly report: InvestigationReport;
  readonly ctx: MappingContext;
  readonly performers: Reference[];
}

function requestResource(request: TestRequest, scope: ReportScope): ProcedureRequest {
  const { ctx } = scope;
  return {
    resourceType: 'ProcedureRequest',
    id: request.id,
    meta: clinicalMeta(AREA_PROFILE.procedureRequest),
    identifier: [ctx.identifier(request.id, request.guid)],
    status: 'active',
    intent: 'order',
    code: request.code ? codeableConcept(request.code) : { text: NO_CODE_AVAILABLE },
    subject: ctx.patient,
    ...(request.requesterId !== undefined && { requester: { agent: ctx.practitioner(request.requesterId) } }),
    ...(request.performerId !== undefined && { performer: ctx.organisation(request.performerId) }),
    ...(request.reasons &&
      request.reasons.length > 0 && { reasonCode: request.reasons.map(conceptCodeableConcept) }),
    ...noteElement(notes(undefined, request.note)),
  };
}

function specimenResource(specimen: Specimen, scope: ReportScope): FhirSpecimen {
  const { ctx } = scope;
  const collection: FhirSpecimen['collection'] = {
    ...(specimen.fastingStatus && {
      extension: [
        {
          url: AREA_EXTENSION.fastingStatus,
          valueCodeableConcept: {
            coding: [
              {
                system: AREA_SYSTEM.fastingStatus,
                code: specimen.fastingStatus,
                display: FASTING_DISPLAY[specimen.fastingStatus],
              },
            ],
            text: specimen.fastingStatus,
          },
        },
      ],
    }),
    ...(specimen.collectorId !== undefined && { collector: ctx.practitioner(specimen.collectorId) }),
    ...(specimen.collected !== undefined && { collectedDateTime: specimen.collected }),
    ...(specimen.quantity && { quantity: simpleQuantity(specimen.quantity) }),
    ...(specimen.bodySite && { bodySite: codeableConcept(specimen.bodySite) }),
  };
  return {
    resourceType: 'Specimen',
    id: specimen.id,
    meta: clinicalMeta(AREA_PROFILE.specimen),
    identifier: [ctx.identifier(specimen.id, specimen.guid)],
    ...(specimen.accessionId && { accessionIdentifier: { value: specimen.accessionId } }),
    ...(specimen.type && { type: codeableConcept(specimen.type) }),
    subject: ctx.patient,
    ...(specimen.received !== undefined && { receivedTime: specimen.received }),
    ...(Object.keys(collection).length > 0 && { collection }),
    ...noteElement(notes(undefined, specimen.note)),
  };
}

/** The lab Organization (and any Practitioner alongside it), when known. */
function performerElement(scope: ReportScope): { performer?: Reference[] } {
  return scope.performers.length > 0 ? { performer: scope.performers.map((r) => ({ ...r })) } : {};
}

function groupResource(
  group: TestGroup,
  results: readonly TestResult[],
  scope: ReportScope,
): FhirObservation {
  const { ctx } = scope;
  return {
    resourceType: 'Observation',
    id: group.id,
    meta: clinicalMeta(AREA_PROFILE.observation),
    identifier: [ctx.identifier(group.id, group.guid)],
    status: group.status ?? 'final',
    code: codeableConcept(group.code),
    subject: ctx.patient,
    issued: scope.report.issued,
    ...performerElement(scope),
    ...(results.length > 0 && {
      related: results.map((r): ObservationRelated => ({
        type: 'has-member',
        target: ref('Observation', r.id),
      })),
    }),
  };
}

function resultResource(
  result: TestResult,
  group: TestGroup | undefined,
  scope: ReportScope,
): FhirObservation {
  const { ctx } = scope;
  const ranges = result.referenceRange ? referenceRange(result.referenceRange, result.value) : [];
  return {
    resourceType: 'Observation',
    id: result.id,
    meta: clinicalMeta(AREA_PROFILE.observation),
    identifier: [ctx.identifier(result.id, result.guid)],
    status: result.status ?? 'final',
    category: resultCategory(),
    code: codeableConcept(result.code),
    subject: ctx.patient,
    issued: scope.report.issued,
    ...performerElement(scope),
    ...(result.value ? observationValue(result.value) : { dataAbsentReason: dataAbsentUnknown() }),
    ...(result.interpretation && { interpretation: conceptCodeableConcept(result.interpretation) }),
    ...(result.comment && { comment: result.comment }),
    ...(result.specimenId !== undefined && { specimen: ref('Specimen', result.specimenId) }),
    ...(ranges.length > 0 && { referenceRange: ranges }),
    ...(group && { related: [{ type: 'derived-from', target: ref('Observation', group.id) }] }),
  };
}

/**
 * A filing comment: code 37331000000100, status `unknown`, performer = who filed, effective = the filing
 * time, issued = when the comment was written, related derived-from → the group or result it was filed on
 * (none for a report-level comment, which only DiagnosticReport.result references).
 */
function filingCommentResource(
  fc: FilingComment,
  filed: Reference | undefined,
  scope: ReportScope,
): FhirObservation {
  const { ctx } = scope;
  return {
    resourceType: 'Observation',
    id: fc.id,
    meta: clinicalMeta(AREA_PROFILE.observation),
    identifier: [ctx.identifier(fc.id, fc.guid)],
    status: 'unknown',
    code: snomedConcept(COMMENT_NOTE.code, COMMENT_NOTE.display),
    subject: ctx.patient,
    effectiveDateTime: fc.filed,
    issued: fc.commented ?? fc.filed,
    performer: [ctx.practitioner(fc.filedById)],
    comment: fc.comment,
    ...(filed && { related: [{ type: 'derived-from', target: filed }] }),
  };
}

function reportIdentifiers(report: InvestigationReport, ctx: MappingContext): Identifier[] {
  return [
    ctx.identifier(report.id, report.guid),
    ...(report.pmipReportId ? [{ system: AREA_SYSTEM.pmipReportId, value: report.pmipReportId }] : []),
  ];
}

/**
 * One lab report as its DiagnosticReport and the resources it owns (`related`, in a stable order:
 * ProcedureRequest, Specimens, then for each group its header and filing comments followed by each
 * result with its filing comments, then the standalone results with theirs, then the report-level
 * filing comments).
 *
 * DiagnosticReport.result lists the group headers, the standalone results and every filing comment,
 * never a result that sits in a group (DiagnosticReport page). Confidential groups and results (List page —
 * warning codes) are withheld with everything hanging off them; the engine sets the list warning from the
 * domain model.
 */
export function investigationResources(
  report: InvestigationReport,
  ctx: MappingContext,
): { report: DiagnosticReport; related: Resource[] } {
  const scope: ReportScope = { report, ctx, performers: labPerformers(report.performers, ctx) };
  const related: Resource[] = [];
  const results: Reference[] = [];

  if (report.request) related.push(requestResource(report.request, scope));
  const specimens = report.specimens ?? [];
  related.push(...specimens.map((s) => specimenResource(s, scope)));

  const comments = (list: readonly FilingComment[] | undefined, filed: Reference | undefined): void => {
    for (const fc of list ?? []) {
      related.push(filingCommentResource(fc, filed, scope));
      results.push(ref('Observation', fc.id));
    }
  };

  for (const group of report.groups ?? []) {
    if (group.confidential) continue;
    const members = group.results.filter((r) => !r.confidential);
    related.push(groupResource(group, members, scope));
    results.push(ref('Observation', group.id));
    comments(group.filingComments, ref('Observation', group.id));
    for (const result of members) {
      related.push(resultResource(result, group, scope));
      comments(result.filingComments, ref('Observation', result.id));
    }
  }
  for (const result of report.results ?? []) {
    if (result.confidential) continue;
    related.push(resultResource(result, undefined, scope));
    results.push(ref('Observation', result.id));
    comments(result.filingComments, ref('Observation', result.id));
  }
  comments(report.filingComments, undefined);

  const context = ctx.encounter(report.consultationId);
  const diagnosticReport: DiagnosticReport = {
    resourceType: 'DiagnosticReport',
    id: report.id,
    meta: clinicalMeta(AREA_PROFILE.diagnosticReport),
    identifier: reportIdentifiers(report, ctx),
    ...(report.request && { basedOn: [ref('ProcedureRequest', report.request.id)] }),
    status: report.status ?? 'final',
    category: reportCategory(),
    code: snomedConcept(DIAGNOSTIC_STUDIES_REPORT.code, DIAGNOSTIC_STUDIES_REPORT.display),
    subject: ctx.patient,
    ...(context && { context }),
    issued: report.issued,
    ...(scope.performers.length > 0 && {
      performer: scope.performers.map((actor) => ({ actor: { ...actor } })),
    }),
    ...(specimens.length > 0 && { specimen: specimens.map((s) => ref('Specimen', s.id)) }),
    ...(results.length > 0 && { result: results }),
    ...(report.codedDiagnoses &&
      report.codedDiagnoses.length > 0 && { codedDiagnosis: report.codedDiagnoses.map(codeableConcept) }),
    ...(report.conclusion && { conclusion: report.conclusion }),
  };
  return { report: diagnosticReport, related };
}
