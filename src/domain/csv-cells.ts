// What every CSV export writes in its cells. A spreadsheet runs a cell that starts with `=`, `+`, `-`
// or `@` as a formula (`=HYPERLINK(…)`, `-1+1+cmd|' /C calc'!A0`, `@SUM(…)`), and some also one that
// starts with a tab or a carriage return, or with such a sign after leading spaces. Such a text cell
// gets a leading apostrophe (OWASP's advice: the spreadsheet shows the text, runs nothing). Only
// numbers the app itself computed (amounts, coordinates) are written as numbers, with their sign.

import { stringify } from 'csv-stringify/sync';

/** Formula signs, ASCII and full-width (Chinese input methods type ＝＋－＠). */
const FORMULA_START = /^[\s\u00a0\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r\n]/u;

/** A text cell made safe to open in a spreadsheet. */
export function safeCell(v: string): string {
  return FORMULA_START.test(v) ? `'${v}` : v;
}

/** A cell: text is neutralised, a finite number the app computed stays a number, nothing is empty. */
export function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return safeCell(v);
}

/** A cell read back from a file: the apostrophe `safeCell` put before a formula sign is taken off again. */
export function unguardCell(v: string): string {
  return v.startsWith("'") && FORMULA_START.test(v.slice(1)) ? v.slice(1) : v;
}

/** True when a written cell would not be run as a formula (for the tests of every export). */
export const isInertCell = (cell: string): boolean => !FORMULA_START.test(cell) || cell.startsWith("'");

/**
 * Rows as CSV text with CRLF line ends, every cell through `csvCell`. A cell holding a line break of
 * its own (a lone CR or LF) is quoted too: csv-stringify quotes only the full record delimiter.
 */
export function csvRows(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  return stringify(rows.map((r) => r.map(csvCell)), { record_delimiter: 'windows', quoted_match: /[\r\n]/ });
}
