import { InvalidInputError, type Issue } from '../errors.ts';

/*
 * Which column of a CSV file holds which field of an import (stores, orders): guessed from the header
 * names, in English or Chinese, then chosen by the person importing and checked against the file.
 * Every import reads header names the same way (`headerKey`); each says its fields and their names.
 */

export interface ColumnSpec<F extends string, R extends F = F> {
  fields: readonly F[];
  /** Fields that must have a column. */
  required: readonly R[];
  /** The header names of each field, as `headerKey` writes them, in order of preference. */
  aliases: Record<F, readonly string[]>;
  /** Put before a field's name in an issue's path: the console's form names its choices so (`mapping.lat`). */
  pathPrefix: string;
  /** Message keys. */
  messages: {
    /** The error when required fields have no column: {missing} of them, {count} problems in all. */
    missing: string;
    /** The error for any other problem with the choice: {count} problems. */
    invalid: string;
    /** The issue of a required field without a column. */
    required: string;
    /** The issue of a column the file does not have: {column}. */
    unknown: string;
    /**
     * The issue of a column already chosen for an earlier field: {column}. Without it, two fields may
     * read one column (a store's phone and its contact's phone).
     */
    twice?: string;
  };
}

/** The column (by its header) of each field; fields without one are absent. */
export type ColumnMapping<F extends string> = Partial<Record<F, string>>;

/**
 * A header as the aliases are written: compatibility forms folded (full-width letters and brackets),
 * lower case, letters and digits only. `Order No.`, `order_no`, `ORDER-NO` → `orderno`; `经度 (lng)` → `经度lng`.
 */
export function headerKey(h: string): string {
  return h.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The header without the words in brackets, which say the same again or something else: `金额（元）` → `金额`. */
const bareKey = (h: string): string => headerKey(h.normalize('NFKC').replace(/\([^)]*\)|\[[^\]]*\]/g, ''));

/**
 * The likely column of each field: for each field in turn, its first alias that a column's header
 * (whole or without its brackets) matches; each column used once. Fields without a match are absent.
 */
export function guessColumns<F extends string>(spec: ColumnSpec<F, F>, headers: readonly string[]): ColumnMapping<F> {
  const keys = headers.map((h) => [headerKey(h), bareKey(h)] as const);
  const used = new Set<number>();
  const mapping: ColumnMapping<F> = {};
  for (const field of spec.fields) {
    for (const alias of spec.aliases[field]) {
      const i = keys.findIndex(([whole, bare], j) => !used.has(j) && (whole === alias || bare === alias));
      if (i >= 0) {
        mapping[field] = headers[i]!;
        used.add(i);
        break;
      }
    }
  }
  return mapping;
}

/**
 * The mapping as chosen (header names by field, from a form), checked against the file's headers:
 * every required field has a column, every column named exists, and (when the spec has a `twice`
 * message) no column is chosen for two fields. Throws InvalidInputError with an issue per field (path `pathPrefix` +
 * field), in the order of the fields.
 */
export function checkColumns<F extends string, R extends F>(spec: ColumnSpec<F, R>, headers: readonly string[], input: unknown): ColumnMapping<F> & Record<R, string> {
  const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const mapping: ColumnMapping<F> = {};
  const issues: Issue[] = [];
  const chosen = new Set<string>();
  let missing = 0;
  for (const field of spec.fields) {
    const value = raw[field];
    const column = typeof value === 'string' ? value.trim() : '';
    const path = `${spec.pathPrefix}${field}`;
    if (column === '') {
      if ((spec.required as readonly string[]).includes(field)) {
        issues.push({ path, key: spec.messages.required });
        missing++;
      }
    } else if (!headers.includes(column)) {
      issues.push({ path, key: spec.messages.unknown, params: { column } });
    } else if (spec.messages.twice && chosen.has(column)) {
      issues.push({ path, key: spec.messages.twice, params: { column } });
    } else {
      mapping[field] = column;
      chosen.add(column);
    }
  }
  if (missing) throw new InvalidInputError(spec.messages.missing, { missing, count: issues.length }, issues);
  if (issues.length) throw new InvalidInputError(spec.messages.invalid, { count: issues.length }, issues);
  return mapping as ColumnMapping<F> & Record<R, string>;
}
