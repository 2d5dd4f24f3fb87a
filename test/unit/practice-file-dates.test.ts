/** docs/data-format.md, "Relative dates": what a test practice's anchor moves, and what it never moves. */
import { shiftDates } from '../../src/format/practice-file';

describe('shiftDates (datesRelativeTo)', () => {
  const line = {
    patient: { birthDate: '1948-09-30', registration: { startDate: '2026-11-01' } },
    record: {
      medication: [{ start: '2026-11-21', recorded: '2026-11-21T09:30:00+00:00', partial: '2026-11' }],
    },
  };

  it('moves full dates and dateTimes (keeping the time of day) by the given days', () => {
    const moved = shiftDates(line, 16) as typeof line;
    expect(moved.patient.registration.startDate).toBe('2026-11-17');
    expect(moved.record.medication[0].start).toBe('2026-12-07');
    expect(moved.record.medication[0].recorded).toBe('2026-12-07T09:30:00+00:00');
  });

  it('never moves a birth date or a partial date', () => {
    const moved = shiftDates(line, 16) as typeof line;
    expect(moved.patient.birthDate).toBe('1948-09-30');
    expect(moved.record.medication[0].partial).toBe('2026-11');
  });
});
