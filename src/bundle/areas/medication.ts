/**
 * Medication (Medication guidance; MedicationStatement page; MedicationRequest page; Medication page): one
 * plan (authorisation) becomes a MedicationStatement, a MedicationRequest with intent `plan` and a
 * Medication; each issue a MedicationRequest with intent `order` based on the plan. All four share the plan's
 * Medication.
 *
 * Ids: the statement, the plan request and the Medication take the plan's record id (they are of
 * different resource types); an order takes the issue's id. Problems and consultation lists reference
 * `MedicationRequest/<plan id>` or `MedicationRequest/<issue id>` (ProblemHeader (Condition) page reference
 * table).
 */
import type {
  Annotation,
  CodeableConcept,
  Dosage,
  Extension,
  Medication,
  MedicationRequest,
  MedicationRequestDispenseRequest,
  MedicationStatement,
  Period,
  Quantity,
} from 'fhir/r3';

import { displayDate, parseWholeDate } from '../../fhir/dates';
import type {
  MedicationIssue,
  MedicationNotes,
  MedicationPlan,
  MedicationQuantity,
  MedicinalProduct,
  PartialDate,
  PrescribedElsewhere,
  PrescriptionDetails,
  PrescriptionType,
} from '../../record/model';
import { effectiveEnd, isAcute as isAcuteType } from '../../record/model/medication-period';
import { CORE_EXTENSION, CORE_PROFILE, CORE_SYSTEM } from '../core-urls';
import type { MappingContext } from '../mapping-context';
import { clinicalMeta, codeableConcept } from './coding';
import { AREA_SYSTEM } from './urls';

/** The drug dictionaries a product held only in the supplier's own codes may use (the FHIR resource pages
 * shared conventions). */
const OTHER_DRUG_SYSTEM = {
  readv2: AREA_SYSTEM.readv2,
  ctv3: AREA_SYSTEM.ctv3,
  'emis-drug': AREA_SYSTEM.emisDrug,
  egton: AREA_SYSTEM.egton,
  multilex: AREA_SYSTEM.multilex,
  gemscript: AREA_SYSTEM.gemscript,
} as const;

const PRESCRIPTION_TYPE_DISPLAY: Readonly<Record<PrescriptionType, string>> = {
  acute: 'Acute',
  repeat: 'Repeat',
  'repeat-dispensing': 'Repeat dispensing',
  'delayed-prescribing': 'Delayed prescribing',
};

type AgencyCode = 'prescribed-at-gp-practice' | PrescribedElsewhere['agency'];

const PRESCRIBING_AGENCY_DISPLAY: Readonly<Record<AgencyCode, string>> = {
  'prescribed-at-gp-practice': 'Prescribed at GP practice',
  'prescribed-by-another-organisation': 'Prescribed by another organisation',
  'prescribed-by-previous-practice': 'Prescribed by previous practice',
};

/** Dosage text when the GP system holds none (MedicationStatement page). */
export const NO_DOSAGE = 'No information available';

/** Acute-like plans: the statement status is the issue's, and there is no repeat information (Medication
 * guidance; MedicationStatement page). */
export function isAcute(plan: MedicationPlan): boolean {
  return isAcuteType(plan.prescriptionType);
}

/**
 * The effective period (MedicationStatement page), from the record layer's one definition
 * (medication-period.ts) that the `medicationSearchFromDate` filter also reads, so the two never disagree.
 * The plan's `dispenseRequest.validityPeriod` repeats it.
 */
export function effectivePeriod(plan: MedicationPlan): Period {
  const end = effectiveEnd(plan);
  return { start: plan.start, ...(end !== undefined && { end }) };
}

function prescriptionTypeExtension(type: PrescriptionType | undefined): Extension[] {
  if (type === undefined) return []; // legacy record without a type: left out (MedicationRequest page)
  return [
    {
      url: CORE_EXTENSION.prescriptionType,
      valueCodeableConcept: {
        coding: [
          { system: CORE_SYSTEM.prescriptionType, code: type, display: PRESCRIPTION_TYPE_DISPLAY[type] },
        ],
      },
    },
  ];
}

/**
 * Repeat information on the plan (MedicationRequest page) for repeat, repeat-dispensing and untyped plans, or
 * any plan that records repeat details: issued count always (0 when never issued), allowed and expiry when
 * known.
 */
function repeatInformationExtension(plan: MedicationPlan): Extension[] {
  if (isAcute(plan) && plan.repeat === undefined) return [];
  const repeat = plan.repeat;
  return [
    {
      url: CORE_EXTENSION.repeatInformation,
      extension: [
        ...(repeat?.allowed !== undefined
          ? [{ url: 'numberOfRepeatPrescriptionsAllowed', valueUnsignedInt: repeat.allowed }]
          : []),
        { url: 'numberOfRepeatPrescriptionsIssued', valueUnsignedInt: plan.issues.length },
        ...(repeat?.expiry !== undefined
          ? [{ url: 'authorisationExpiryDate', valueDateTime: repeat.expiry }]
          : []),
      ],
    },
  ];
}

/** Only a stopped plan says why (MedicationRequest page: not for a plan that merely expired). */
function statusReasonExtension(plan: MedicationPlan): Extension[] {
  if (plan.status !== 'stopped') return [];
  return [
    {
      url: CORE_EXTENSION.statusReason,
      extension: [
        { url: 'statusChangeDate', valueDateTime: plan.discontinued.date },
        { url: 'statusReason', valueCodeableConcept: { text: plan.discontinued.reason } },
      ],
    },
  ];
}

function dateForDisplay(date: PartialDate): string {
  const whole = parseWholeDate(date.slice(0, 10));
  return whole ? displayDate(whole) : date;
}

/** Dosage text, with the spec's warning appended when the dose changed within the period (MedicationStatement
 * page). */
export function dosageText(details: PrescriptionDetails, dosageLastChanged?: PartialDate): string {
  const text = details.dosage ?? NO_DOSAGE;
  return dosageLastChanged === undefined
    ? text
    : `${text} WARNING – Dosage has changed during the effective period. The latest change was made on ${dateForDisplay(dosageLastChanged)}`;
}

function dosage(details: PrescriptionDetails, dosageLastChanged?: PartialDate): Dosage {
  return {
    text: dosageText(details, dosageLastChanged),
    ...(details.patientInstruction && { patientInstruction: details.patientInstruction }),
  };
}

function quantity(q: MedicationQuantity): Quantity {
  return 'text' in q
    ? { extension: [{ url: CORE_EXTENSION.quantityText, valueString: q.text }] }
    : { value: q.value, unit: q.unit };
}

function dispenseRequest(
  details: PrescriptionDetails,
  validityPeriod: Period,
  performer?: MedicationRequestDispenseRequest['performer'],
): MedicationRequestDispenseRequest {
  return {
    validityPeriod,
    ...(details.quantity && { quantity: quantity(details.quantity) }),
    ...(details.supplyDays !== undefined && {
      expectedSupplyDuration: { value: details.supplyDays, unit: 'day', system: CORE_SYSTEM.ucum, code: 'd' },
    }),
    ...(performer && { performer }),
  };
}

function productConcept(product: MedicinalProduct): CodeableConcept {
  if (product.code !== undefined) return codeableConcept(product);
  return {
    coding: product.otherCodes.map((c) => ({
      system: OTHER_DRUG_SYSTEM[c.system],
      code: c.code,
      ...(c.display && { display: c.display }),
    })),
    ...(product.text && { text: product.text }),
  };
}

const NOTE_LABELS: readonly [keyof MedicationNotes, string][] = [
  ['patient', 'Patient Notes:'],
  ['prescriber', 'Prescriber Notes:'],
  ['additional', 'Additional Information:'],
];

function labelledNotes(level: string, n: MedicationNotes | undefined): string[] {
  if (!n) return [];
  return NOTE_LABELS.filter(([key]) => n[key]).map(([key, label]) => `${level}${label} ${n[key]}`);
}

/** Every note of the plan and its issues, labelled by level, joined into one Annotation (MedicationStatement
 * page). */
function statementNote(plan: MedicationPlan): Annotation[] {
  const parts = [
    ...labelledNotes('', plan.notes),
    ...plan.issues.flatMap((issue) => labelledNotes(`Issue ${issue.date}: `, issue.notes)),
  ];
  return parts.length > 0 ? [{ text: parts.join('\n') }] : [];
}

function prescribingAgency(plan: MedicationPlan): Extension {
  const code: AgencyCode = plan.prescribedElsewhere?.agency ?? 'prescribed-at-gp-practice';
  return {
    url: CORE_EXTENSION.prescribingAgency,
    valueCodeableConcept: {
      coding: [{ system: CORE_SYSTEM.prescribingAgency, code, display: PRESCRIBING_AGENCY_DISPLAY[code] }],
      ...(plan.prescribedElsewhere?.detail && { text: plan.prescribedElsewhere.detail }),
    },
  };
}

/** The latest issue's date, except for repeat-dispensed and prescribed-elsewhere items (MedicationStatement
 * page). */
function lastIssueDate(plan: MedicationPlan): Extension[] {
  const last = plan.issues[plan.issues.length - 1];
  if (!last || plan.prescriptionType === 'repeat-dispensing' || plan.prescribedElsewhere) return [];
  return [{ url: CORE_EXTENSION.lastIssueDate, valueDateTime: last.date }];
}

/** Repeats take the plan's status; acutes the (latest) issue's, unless the plan was stopped
 * (MedicationStatement page). */
function statementStatus(plan: MedicationPlan): MedicationStatement['status'] {
  const last = plan.issues[plan.issues.length - 1];
  if (isAcute(plan) && last && plan.status !== 'stopped') return last.status ?? 'completed';
  return plan.status;
}

export function medicationResource(plan: MedicationPlan): Medication {
  return {
    resourceType: 'Medication',
    id: plan.id,
    meta: clinicalMeta(CORE_PROFILE.medication),
    code: productConcept(plan.product),
  };
}

export function medicationStatementResource(plan: MedicationPlan, ctx: MappingContext): MedicationStatement {
  const context = ctx.encounter(plan.consultationId);
  const note = statementNote(plan);
  return {
    resourceType: 'MedicationStatement',
    id: plan.id,
    meta: clinicalMeta(CORE_PROFILE.medicationStatement),
    extension: [prescribingAgency(plan), ...lastIssueDate(plan)],
    identifier: [ctx.identifier(plan.id, plan.guid, 'medication-statement')],
    basedOn: [{ reference: `MedicationRequest/${plan.id}` }],
    ...(context && { context }),
    status: statementStatus(plan),
    medicationReference: { reference: `Medication/${plan.id}` },
    effectivePeriod: effectivePeriod(plan),
    dateAsserted: plan.recorded,
    subject: ctx.patient,
    taken: 'unk',
    ...(note.length > 0 && { note }),
    dosage: [dosage(plan, plan.dosageLastChanged)],
  };
}

function requester(
  ctx: MappingContext,
  practitionerId: string,
  onBehalfOf: string | undefined,
): MedicationRequest['requester'] {
  return {
    agent: ctx.practitioner(practitionerId),
    ...(onBehalfOf !== undefined && { onBehalfOf: ctx.organisation(onBehalfOf) }),
  };
}

/** The authorisation: MedicationRequest intent `plan` (MedicationRequest page). */
export function medicationPlanRequestResource(plan: MedicationPlan, ctx: MappingContext): MedicationRequest {
  const extension = [
    ...prescriptionTypeExtension(plan.prescriptionType),
    ...repeatInformationExtension(plan),
    ...statusReasonExtension(plan),
  ];
  const context = ctx.encounter(plan.consultationId);
  const prior =
    plan.priorPlanId === undefined
      ? undefined
      : ctx.itemIfPresent?.({ kind: 'medicationPlan', id: plan.priorPlanId });
  return {
    resourceType: 'MedicationRequest',
    id: plan.id,
    meta: clinicalMeta(CORE_PROFILE.medicationRequest),
    ...(extension.length > 0 && { extension }),
    identifier: [ctx.identifier(plan.id, plan.guid)],
    status: plan.status,
    intent: 'plan',
    medicationReference: { reference: `Medication/${plan.id}` },
    subject: ctx.patient,
    ...(context && { context }),
    authoredOn: plan.start,
    requester: requester(ctx, plan.requesterId ?? plan.recorderId, plan.onBehalfOfOrganisationId),
    recorder: ctx.practitioner(plan.recorderId),
    dosageInstruction: [dosage(plan, plan.dosageLastChanged)],
    dispenseRequest: dispenseRequest(plan, effectivePeriod(plan)),
    ...(prior && { priorPrescription: prior }),
  };
}

/** One issue: MedicationRequest intent `order`, based on its plan (MedicationRequest page). */
export function medicationOrderResource(
  plan: MedicationPlan,
  issue: MedicationIssue,
  ctx: MappingContext,
): MedicationRequest {
  const context = ctx.encounter(issue.consultationId);
  const eps = issue.eps;
  const details = issueDetails(plan, issue);
  return {
    resourceType: 'MedicationRequest',
    id: issue.id,
    meta: clinicalMeta(CORE_PROFILE.medicationRequest),
    ...(plan.prescriptionType && { extension: prescriptionTypeExtension(plan.prescriptionType) }),
    identifier: [
      ctx.identifier(issue.id, issue.guid),
      ...(eps?.lineItemId !== undefined
        ? [{ system: CORE_SYSTEM.prescriptionOrderItemNumber, value: eps.lineItemId }]
        : []),
    ],
    basedOn: [{ reference: `MedicationRequest/${plan.id}` }],
    ...(eps && {
      groupIdentifier: { system: CORE_SYSTEM.prescriptionOrderNumber, value: eps.prescriptionId },
    }),
    status: issue.status ?? 'completed',
    intent: 'order',
    medicationReference: { reference: `Medication/${plan.id}` },
    subject: ctx.patient,
    ...(context && { context }),
    authoredOn: plan.start,
    requester: requester(
      ctx,
      issue.requesterId ?? plan.requesterId ?? issue.recorderId,
      plan.onBehalfOfOrganisationId,
    ),
    recorder: ctx.practitioner(issue.recorderId),
    dosageInstruction: [dosage(details)],
    dispenseRequest: dispenseRequest(
      details,
      { start: issue.date, end: issue.validUntil ?? issue.date },
      issue.dispenserId !== undefined ? ctx.organisation(issue.dispenserId) : undefined,
    ),
  };
}

/**
 * The issue's prescription details, each falling back to the plan's when the issue holds none (an
 * undefined value never hides the plan's). Built field by field: spreading the whole plan for every
 * issue was the costliest step of a large record's mapping (issue 15).
 */
function issueDetails(plan: MedicationPlan, issue: MedicationIssue): PrescriptionDetails {
  const dosage = issue.dosage !== undefined ? issue.dosage : plan.dosage;
  const patientInstruction =
    issue.patientInstruction !== undefined ? issue.patientInstruction : plan.patientInstruction;
  const quantity = issue.quantity !== undefined ? issue.quantity : plan.quantity;
  const supplyDays = issue.supplyDays !== undefined ? issue.supplyDays : plan.supplyDays;
  return { dosage, patientInstruction, quantity, supplyDays };
}
