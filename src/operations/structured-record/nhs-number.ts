/**
 * NHS number format and Modulus 11 check (docs/spec-notes.md "NHS Number (NHS Data Dictionary)"): exactly ten
 * ASCII digits, nothing stripped first (D-24); weights 10..2 over the first nine; check = 11 - (sum mod 11),
 * 11 → 0, 10 → invalid.
 */
export function isValidNhsNumber(value: string): boolean {
  if (!/^[0-9]{10}$/.test(value)) return false;
  return nhsCheckDigit(value.slice(0, 9)) === Number(value[9]);
}

/** The Modulus 11 check digit of nine ASCII digits; undefined when no number can end them (10). */
export function nhsCheckDigit(nine: string): number | undefined {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (nine.charCodeAt(i) - 48) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return undefined;
  return check === 11 ? 0 : check;
}
