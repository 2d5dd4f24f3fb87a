/**
 * Uncategorised data (Uncategorised data guidance; Observation pages): the uncategorised-shape Observation,
 * the blood-pressure triple with systolic/diastolic components, and the value/range helpers that
 * investigation results reuse. Immunisation status records (Immunisations guidance) use the same shape (see
 * immunisations.ts).
 */
import type {
  CodeableConcept,
  Observation as FhirObservation,
  ObservationComponent,
  ObservationReferenceRange,
  ObservationRelated,
  Reference,
} from 'fhir/r3';

import type {
  BloodPressure,
  CodedConcept,
  Observation,
  ObservationCommon,
  ObservationValue,
  ReferenceRange,
  SimpleObservation,
} from '../../record/model';
import type { MappingContext } from '../mapping-context';
import {
  clinicalMeta,
  codeableConcept,
  commentText,
  conceptCodeableConcept,
  dataAbsentUnknown,
  effective,
  quantity,
  simpleQuantity,
  snomedConcept,
} from './coding';
import { AREA_PROFILE, AREA_SYSTEM } from './urls';

/** SNOMED 37331000000100 "Comment note": narrative notes and filing comments (Observation pages). */
export const COMMENT_NOTE = { code: '37331000000100', display: 'Comment note' } as const;

interface Code {
  readonly code: string;
  readonly display: string;
}

export interface BloodPressureCodes {
  readonly panel: Code & { readonly descriptionId?: string };
  readonly systolic: Code;
  readonly diastolic: Code;
}

const SYSTOLIC_ARTERIAL: Code = { code: '72313002', display: 'Systolic arterial pressure' };
const DIASTOLIC_ARTERIAL: Code = { code: '1091811000000102', display: 'Diastolic arterial pressure' };

/**
 * DECISION (docs/decisions.md): when no panel/header code was recorded, only a systolic and/or diastolic
 * code, the panel is 75367002 "Blood pressure" (preferred-term description 125176019), as the blood-pressure
 * Observation page requires for exactly this case; 163020007 (the uncategorised guidance's suggestion) is a
 * finding we would be asserting without it being recorded. Its components are the generic arterial pair.
 */
export const DEFAULT_BLOOD_PRESSURE: BloodPressureCodes = {
  panel: { code: '75367002', display: 'Blood pressure', descriptionId: '125176019' },
  systolic: SYSTOLIC_ARTERIAL,
  diastolic: DIASTOLIC_ARTERIAL,
};

/** The panel → systolic/diastolic pairs of Observation pages (one table; check it against the spec line by
 * line). */
export const BLOOD_PRESSURE_CODES: readonly BloodPressureCodes[] = [
  {
    panel: { code: '163020007', display: 'O/E - blood pressure reading' },
    systolic: SYSTOLIC_ARTERIAL,
    diastolic: DIASTOLIC_ARTERIAL,
  },
  {
    panel: { code: '386534000', display: 'Arterial blood pressure' },
    systolic: { code: '271649006', display: 'Systolic blood pressure' },
    diastolic: { code: '271650006', display: 'Diastolic blood pressure' },
  },
  DEFAULT_BLOOD_PRESSURE,
  {
    panel: { code: '163034007', display: 'Standing blood pressure' },
    systolic: { code: '400974009', display: 'Standing systolic blood pressure' },
    diastolic: { code: '400975005', display: 'Standing diastolic blood pressure' },
  },
  {
    panel: { code: '163035008', display: 'Sitting blood pressure' },
    systolic: { code: '407554009', display: 'Sitting systolic blood pressure' },
    diastolic: { code: '407555005', display: 'Sitting diastolic blood pressure' },
  },
  {
    panel: { code: '163033001', display: 'Lying blood pressure' },
    systolic: { code: '407556006', display: 'Lying systolic blood pressure' },
    diastolic: { code: '407557002', display: 'Lying diastolic blood pressure' },
  },
];

/**
 * The panel code and component pair for a recorded blood-pressure code:
 * - a panel of the table: that panel as recorded, with its pair;
 * - a systolic or diastolic code of the table (no header recorded): the default panel, with the pair
 *   that code belongs to;
 * - any other code: the recorded code as the panel, with the default pair.
 */
export function bloodPressureCodes(recorded: CodedConcept): {
  panel: CodeableConcept;
  pair: BloodPressureCodes;
} {
  const asPanel = BLOOD_PRESSURE_CODES.find((row) => row.panel.code === recorded.code);
  if (asPanel) return { panel: codeableConcept(recorded), pair: asPanel };
  const asComponent = BLOOD_PRESSURE_CODES.find(
    (row) => row.systolic.code === recorded.code || row.diastolic.code === recorded.code,
  );
  if (asComponent) {
    const p = DEFAULT_BLOOD_PRESSURE.panel;
    return { panel: snomedConcept(p.code, p.display, p.descriptionId), pair: asComponent };
  }
  return { panel: codeableConcept(recorded), pair: DEFAULT_BLOOD_PRESSURE };
}

/** A reading in mm[Hg] (UCUM), or a data-absent reason when it was not recorded. */
function bloodPressureComponent(code: Code, value: number | undefined): ObservationComponent {
  return {
    code: snomedConcept(code.code, code.display),
    ...(value !== undefined
      ? { valueQuantity: { value, unit: 'mm[Hg]', system: AREA_SYSTEM.ucum, code: 'mm[Hg]' } }
      : { dataAbsentReason: dataAbsentUnknown() }),
  };
}

/** `value[x]` of an uncategorised item or a test result. */
export function observationValue(value: ObservationValue): Partial<FhirObservation> {
  switch (value.type) {
    case 'quantity':
      return { valueQuantity: quantity(value) };
    case 'string':
      return { valueString: value.value };
    case 'coded':
      return { valueCodeableConcept: codeableConcept(value.value) };
    case 'range':
      return {
        valueRange: {
          ...(value.low && { low: simpleQuantity(value.low) }),
          ...(value.high && { high: simpleQuantity(value.high) }),
        },
      };
  }
}

/** `referenceRange`: numeric bounds in the value's unit; `<`/`>` bounds stay in `text` (Observation
 * pages). */
export function referenceRange(
  range: ReferenceRange,
  value: ObservationValue | undefined,
): ObservationReferenceRange[] {
  const unit =
    value?.type === 'quantity'
      ? { unit: value.unit, ...(value.ucum && { system: AREA_SYSTEM.ucum, code: value.ucum }) }
      : {};
  const entry: ObservationReferenceRange = {
    ...(range.low !== undefined && { low: { value: range.low, ...unit } }),
    ...(range.high !== undefined && { high: { value: range.high, ...unit } }),
    ...(range.text && { text: range.text }),
  };
  return Object.keys(entry).length > 0 ? [entry] : [];
}

/** Performers of an uncategorised-shape item; the recorder when none is recorded (Observation pages). */
function performers(item: ObservationCommon, ctx: MappingContext): Reference[] {
  return item.performers && item.performers.length > 0
    ? item.performers.map((p) => ctx.actor(p))
    : [ctx.practitioner(item.recorderId)];
}

/**
 * The uncategorised-data shape shared by every item of Uncategorised data guidance and the immunisation
 * status records: status `final`, `issued` = the audit time, performer falling back to the recorder, comment
 * = the qualifiers then the text. Not used: basedOn, category, dataAbsentReason, method, specimen, device.
 */
export function uncategorisedShape(
  item: ObservationCommon,
  ctx: MappingContext,
  code: CodeableConcept = codeableConcept(item.code),
): FhirObservation {
  const context = ctx.encounter(item.consultationId);
  const comment = commentText(item.qualifiers, item.comment);
  return {
    resourceType: 'Observation',
    id: item.id,
    meta: clinicalMeta(AREA_PROFILE.observation),
    identifier: [ctx.identifier(item.id, item.guid)],
    status: 'final',
    code,
    subject: ctx.patient,
    ...(context && { context }),
    ...effective(item.effective),
    issued: item.recorded,
    performer: performers(item, ctx),
    ...(comment !== undefined && { comment }),
  };
}

function simpleObservation(
  item: SimpleObservation,
  ctx: MappingContext,
  memberIds: readonly string[],
): FhirObservation {
  const related: ObservationRelated[] = [
    ...memberIds.map((id): ObservationRelated => ({
      type: 'has-member',
      target: ctx.item({ kind: 'observation', id }),
    })),
    ...(item.parentId !== undefined
      ? [{ type: 'derived-from', target: ctx.item({ kind: 'observation', id: item.parentId }) }]
      : []),
  ];
  const ranges = item.referenceRange ? referenceRange(item.referenceRange, item.value) : [];
  return {
    ...uncategorisedShape(item, ctx),
    ...(item.value && observationValue(item.value)),
    ...(item.interpretation && { interpretation: conceptCodeableConcept(item.interpretation) }),
    ...(ranges.length > 0 && { referenceRange: ranges }),
    ...(related.length > 0 && { related }),
    ...(item.details &&
      item.details.length > 0 && {
        component: item.details.map((d): ObservationComponent => ({
          code: { text: d.name },
          valueString: d.value,
        })),
      }),
  };
}

function bloodPressureObservation(item: BloodPressure, ctx: MappingContext): FhirObservation {
  const { panel, pair } = bloodPressureCodes(item.code);
  return {
    ...uncategorisedShape(item, ctx, panel),
    ...(item.interpretation && { interpretation: conceptCodeableConcept(item.interpretation) }),
    component: [
      bloodPressureComponent(pair.systolic, item.systolic),
      bloodPressureComponent(pair.diastolic, item.diastolic),
    ],
  };
}

/**
 * An uncategorised item as its GP Connect Observation.
 *
 * `memberIds` (optional, for the engine): ids of the items whose `parentId` is this item, so that the
 * parent carries `related` has-member → each child (the child always carries derived-from → parent).
 * `childObservationIds` computes it for a whole area.
 */
export function observationResource(
  item: Observation,
  ctx: MappingContext,
  memberIds: readonly string[] = [],
): FhirObservation {
  return item.kind === 'bloodPressure'
    ? bloodPressureObservation(item, ctx)
    : simpleObservation(item, ctx, memberIds);
}

/** parent id → ids of its children, over the items being exported. */
export function childObservationIds(items: readonly Observation[]): ReadonlyMap<string, readonly string[]> {
  const children = new Map<string, string[]>();
  for (const item of items) {
    if (item.kind === 'bloodPressure' || item.parentId === undefined) continue;
    const list = children.get(item.parentId);
    if (list) list.push(item.id);
    else children.set(item.parentId, [item.id]);
  }
  return children;
}
