/**
 * Small shared builders for the area mappers: CodeableConcepts from the record's concepts (SNOMED with
 * the description-id extension, plus the GP system's other code systems), quantities, clinical dates,
 * and the "name: value" text that qualifiers become (the FHIR resource pages; Immunization page; Observation
 * pages).
 */
import type {
  Annotation,
  CodeableConcept,
  Coding,
  Meta,
  Period,
  Quantity as FhirQuantity,
  Reference,
} from 'fhir/r3';

import type {
  ActorRef,
  CodedConcept,
  Concept,
  DatePeriod,
  OtherCodeSystem,
  PartialDate,
  Qualifier,
  Quantity,
} from '../../record/model';
import type { MappingContext } from '../mapping-context';
import { AREA_EXTENSION, AREA_SYSTEM } from './urls';

const OTHER_SYSTEM: Readonly<Record<OtherCodeSystem, string>> = {
  readv2: AREA_SYSTEM.readv2,
  ctv3: AREA_SYSTEM.ctv3,
  'emis-drug': AREA_SYSTEM.emisDrug,
  egton: AREA_SYSTEM.egton,
  multilex: AREA_SYSTEM.multilex,
  gemscript: AREA_SYSTEM.gemscript,
};

/** `meta` of a clinical resource: the profile only, never versionId or lastUpdated (the FHIR resource pages
 * shared conventions). */
export function clinicalMeta(profile: string): Meta {
  return { profile: [profile] };
}

/** A SNOMED CT coding, with the description-id extension when the record knows the description. */
export function snomedCoding(concept: CodedConcept): Coding {
  return {
    ...(concept.descriptionId && {
      extension: [
        {
          url: AREA_EXTENSION.sctDescId,
          extension: [
            { url: 'descriptionId', valueId: concept.descriptionId },
            { url: 'descriptionDisplay', valueString: concept.display },
          ],
        },
      ],
    }),
    system: AREA_SYSTEM.snomed,
    code: concept.code,
    display: concept.display,
  };
}

/** A fixed SNOMED concept (profile-fixed codes such as 721981007 or 37331000000100). */
export function snomedConcept(code: string, display: string, descriptionId?: string): CodeableConcept {
  return { coding: [snomedCoding({ code, display, ...(descriptionId !== undefined && { descriptionId }) })] };
}

export function codeableConcept(concept: CodedConcept): CodeableConcept {
  return {
    coding: [
      snomedCoding(concept),
      ...(concept.otherCodes ?? []).map((other): Coding => ({
        system: OTHER_SYSTEM[other.system],
        code: other.code,
        ...(other.display && { display: other.display }),
      })),
    ],
    ...(concept.text && { text: concept.text }),
  };
}

export function isCoded(concept: Concept): concept is CodedConcept {
  return 'code' in concept && typeof concept.code === 'string';
}

/** A coded concept, or one held as text only (`{ text }`). */
export function conceptCodeableConcept(concept: Concept): CodeableConcept {
  return isCoded(concept) ? codeableConcept(concept) : { text: concept.text };
}

/** A quantity; the UCUM system and code are added when the unit has a UCUM code. */
export function quantity(q: Quantity): FhirQuantity {
  return {
    value: q.value,
    ...(q.comparator && { comparator: q.comparator }),
    unit: q.unit,
    ...(q.ucum && { system: AREA_SYSTEM.ucum, code: q.ucum }),
  };
}

/** A SimpleQuantity (no comparator), for Range bounds and Specimen.collection.quantity. */
export function simpleQuantity(q: Quantity): FhirQuantity {
  const { comparator: _dropped, ...rest } = quantity(q);
  return rest;
}

export function isPeriod(value: PartialDate | DatePeriod): value is DatePeriod {
  return typeof value !== 'string';
}

export function period(p: DatePeriod): Period {
  return { start: p.start, ...(p.end !== undefined && { end: p.end }) };
}

/** `effectiveDateTime` or `effectivePeriod` (an ended consent or dissent uses the period, Immunisations
 * guidance). */
export function effective(value: PartialDate | DatePeriod | undefined): {
  effectiveDateTime?: string;
  effectivePeriod?: Period;
} {
  if (value === undefined) return {};
  return isPeriod(value) ? { effectivePeriod: period(value) } : { effectiveDateTime: value };
}

/** A FHIR `date` (no time): the first ten characters at most of a partial date or timestamp. */
export function dateOnly(value: PartialDate): string {
  return value.slice(0, 10);
}

/** A qualifier as the spec's "code and value pair". */
export function qualifierText(q: Qualifier): string {
  return `${q.name}: ${q.value}`;
}

/**
 * `Observation.comment`: the qualifiers first, then the free text (Observation pages), one per line.
 * Undefined when there is nothing to say.
 */
export function commentText(
  qualifiers: readonly Qualifier[] | undefined,
  text: string | undefined,
): string | undefined {
  const parts = [...(qualifiers ?? []).map(qualifierText), ...(text ? [text] : [])];
  return parts.length > 0 ? parts.join('\n') : undefined;
}

/** `note` Annotations: one per qualifier (key/value data with no element of its own), then the free text. */
export function notes(
  qualifiers: readonly Qualifier[] | undefined,
  ...texts: (string | undefined)[]
): Annotation[] {
  return [
    ...(qualifiers ?? []).map((q): Annotation => ({ text: qualifierText(q) })),
    ...texts
      .filter((t): t is string => typeof t === 'string' && t.length > 0)
      .map((text): Annotation => ({ text })),
  ];
}

/** `{ note: [...] }` when there is any, else nothing (so that empty arrays never reach the output). */
export function noteElement(annotations: readonly Annotation[]): { note?: Annotation[] } {
  return annotations.length > 0 ? { note: [...annotations] } : {};
}

/**
 * Performers of a lab part (Observation pages test group, DiagnosticReport page DiagnosticReport):
 * Organizations, and Practitioners only alongside an Organization.
 */
export function labPerformers(
  performers: readonly ActorRef<'organisation' | 'practitioner'>[] | undefined,
  ctx: MappingContext,
): Reference[] {
  const list = performers ?? [];
  if (!list.some((p) => p.kind === 'organisation')) return [];
  return list.map((p) => ctx.actor(p));
}

/** The data-absent reason used when a reading or result has no value (a fresh object each time). */
export function dataAbsentUnknown(): CodeableConcept {
  return { coding: [{ system: AREA_SYSTEM.dataAbsentReason, code: 'unknown', display: 'Unknown' }] };
}
