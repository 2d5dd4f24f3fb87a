/** The whole record as a parsed query (every area, every part switched on), for the in-process benches. */
import type { StructuredQuery } from '../src/contract/structured-query';
import type { CalendarDate } from '../src/fhir/dates';

export function wholeRecordQuery(nhsNumber: string, today: CalendarDate): StructuredQuery {
  return {
    nhsNumber,
    today,
    warnings: [],
    disabledAreas: new Set(),
    allergies: { includeResolved: true },
    medication: { includePrescriptionIssues: true },
    consultations: {},
    problems: { filters: [] },
    immunisations: { includeNotGiven: true, includeStatus: true },
    uncategorisedData: {},
    investigations: {},
    referrals: {},
    diaryEntries: {},
  };
}
