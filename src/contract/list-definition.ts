/**
 * The code and title of a List the structured Bundle carries ("Retrieve a patient's structured
 * record — List resources": primary lists by SNOMED CT code, secondary lists by the
 * GPConnect-SecondaryListValues-1 code system).
 */
export interface ListCode {
  readonly system: string;
  readonly code: string;
  readonly display: string;
}

export interface ListDefinition {
  readonly title: string;
  readonly code: ListCode;
}

export const SNOMED = 'http://snomed.info/sct';
export const SECONDARY_LIST_SYSTEM =
  'https://fhir.hl7.org.uk/STU3/CodeSystem/GPConnect-SecondaryListValues-1';

export const snomedList = (code: string, display: string, title = display): ListDefinition => ({
  title,
  code: { system: SNOMED, code, display },
});

/** A `consultations-*` or `problems-*` secondary list; its display is derived from its code. */
export const secondaryList = (code: string): ListDefinition => {
  const words = code.split('-');
  const owner = words[0] === 'consultations' ? 'Consultations' : 'Problems';
  const display = `${owner} - ${words.slice(1).join(' ')}`;
  return { title: display, code: { system: SECONDARY_LIST_SYSTEM, code, display } };
};
