/**
 * KEEPS_EVERY (src/record/filters.ts) lets the assembly skip an area's filter when the query's part
 * cannot drop an item. Each entry must say so exactly when the filter keeps every item, so for each
 * area an item the filter could drop is checked under a part that keeps everything and one that
 * does not.
 */
import { calendarDate } from '../../src/fhir/dates';
import { KEEPS_EVERY, PRIMARY_FILTERS } from '../../src/record/filters';
import type { Immunisation, InvestigationReport } from '../../src/record/model';
import { observation, plan } from '../bundle/fixtures';

const OLD = '2019-06-01';
const oldAcute = plan('m-old', { prescriptionType: 'acute', start: OLD });
const notGiven = { id: 'i1', recorded: `${OLD}T10:00:00Z`, notGiven: true } as unknown as Immunisation;
const oldReport = {
  id: 'r1',
  recorded: `${OLD}T10:00:00Z`,
  issued: `${OLD}T10:00:00Z`,
} as unknown as InvestigationReport;
const oldWeight = observation('o-old', { effective: OLD });
const window = { start: calendarDate('2025-01-01') };
const undated = { includePrescriptionIssues: false };

describe('KEEPS_EVERY', () => {
  it('medication: no search date keeps every plan; a date does not', () => {
    expect(KEEPS_EVERY.medication?.(undated)).toBe(true);
    expect(PRIMARY_FILTERS.medication(oldAcute, undated)).toBe(true);
    const dated = { ...undated, searchFromDate: calendarDate('2025-01-01') };
    expect(KEEPS_EVERY.medication?.(dated)).toBe(false);
    expect(PRIMARY_FILTERS.medication(oldAcute, dated)).toBe(false);
  });

  it('immunisations: includeNotGiven keeps every one; without it, not-given ones go', () => {
    const all = { includeNotGiven: true, includeStatus: false };
    const given = { includeNotGiven: false, includeStatus: false };
    expect(KEEPS_EVERY.immunisations?.(all)).toBe(true);
    expect(PRIMARY_FILTERS.immunisations(notGiven, all)).toBe(true);
    expect(KEEPS_EVERY.immunisations?.(given)).toBe(false);
    expect(PRIMARY_FILTERS.immunisations(notGiven, given)).toBe(false);
  });

  it('uncategorised data and investigations: no search period keeps every item; a period does not', () => {
    expect(KEEPS_EVERY.uncategorisedData?.({})).toBe(true);
    expect(PRIMARY_FILTERS.uncategorisedData(oldWeight, {})).toBe(true);
    expect(KEEPS_EVERY.uncategorisedData?.({ searchPeriod: window })).toBe(false);
    expect(PRIMARY_FILTERS.uncategorisedData(oldWeight, { searchPeriod: window })).toBe(false);
    expect(KEEPS_EVERY.investigations?.({})).toBe(true);
    expect(PRIMARY_FILTERS.investigations(oldReport, {})).toBe(true);
    expect(KEEPS_EVERY.investigations?.({ searchPeriod: window })).toBe(false);
    expect(PRIMARY_FILTERS.investigations(oldReport, { searchPeriod: window })).toBe(false);
  });

  it('has no entry for areas whose filter drops items whatever the query says', () => {
    expect(Object.keys(KEEPS_EVERY).sort()).toEqual([
      'immunisations',
      'investigations',
      'medication',
      'uncategorisedData',
    ]);
  });
});
