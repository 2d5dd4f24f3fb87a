/** NHS number format and Modulus 11 (docs/spec-notes.md "NHS Number (NHS Data Dictionary)"), with its
 * worked values. */
import { isValidNhsNumber } from '../../src/operations/structured-record/nhs-number';

describe('isValidNhsNumber: the worked values of docs/spec-notes.md "NHS Number (NHS Data Dictionary)"', () => {
  it.each([
    ['9999999999', true, 'sum 486, r 2, check 9'],
    ['9000000009', true, 'valid'],
    ['9434765919', true, 'valid'],
    ['9100000000', true, 'check digit 0 case (11 → 0)'],
    ['9999999990', false, 'expected 9'],
    ['1234567890', false, 'check would be 10'],
    ['943476591', false, '9 digits'],
    ['943476591X', false, 'contains a letter'],
  ])('%s → %s (%s)', (value, valid) => {
    expect(isValidNhsNumber(value)).toBe(valid);
  });
});

describe('isValidNhsNumber: format (D-24, nothing is stripped)', () => {
  it.each([
    ['', 'empty'],
    ['94347659190', '11 digits'],
    ['943 476 5919', 'spaces'],
    ['943-476-5919', 'dashes'],
    [' 9434765919', 'a leading space'],
    ['9434765919 ', 'a trailing space'],
    ['９４３４７６５９１９', 'full-width digits'],
    ['+943476591', 'a sign'],
    ['9.43476591', 'a dot'],
  ])('%s (%s) → invalid', (value) => {
    expect(isValidNhsNumber(value)).toBe(false);
  });

  it('the test patients of the embedded practice are all valid', () => {
    for (const n of ['9690937278', '9690937286', '9690938533', '9476718943', '9690938576', '9690939025']) {
      expect({ n, valid: isValidNhsNumber(n) }).toEqual({ n, valid: true });
    }
  });

  it('exactly one check digit is valid for a nine-digit stem whose check is not 10', () => {
    // 943476591: 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299, r = 2, check 9.
    const valid = Array.from({ length: 10 }, (_, d) => `943476591${d}`).filter(isValidNhsNumber);
    expect(valid).toEqual(['9434765919']);
  });

  it('no check digit is valid when the check would be 10', () => {
    // 123456789: 1*10+2*9+3*8+4*7+5*6+6*5+7*4+8*3+9*2 = 210, r = 1, check 10.
    expect(Array.from({ length: 10 }, (_, d) => `123456789${d}`).filter(isValidNhsNumber)).toEqual([]);
  });
});
