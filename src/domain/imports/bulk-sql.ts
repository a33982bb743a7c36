import { Prisma, type Db, type Tx } from '../../db/client.ts';

/*
 * Bulk reads and writes for imports of up to 100,000 rows, on SQLite and PostgreSQL.
 *
 * Rows travel as ONE JSON parameter per statement, unpacked by the database (json_each /
 * json_array_elements): a multi-row VALUES list costs Prisma a few microseconds per parameter (8 s
 * for 100,000 stores of 18 columns), createMany far more (100 s); a JSON text costs next to nothing.
 * The unpacking differs between the two databases, hence the dialect.
 */
export type Dialect = 'sqlite' | 'postgresql';

/** The database behind a client (Prisma keeps it on the client; transaction clients share it). */
export function dialectOf(db: Db | Tx): Dialect {
  return (db as unknown as { _activeProvider?: string })._activeProvider === 'postgresql' ? 'postgresql' : 'sqlite';
}

export type ColumnType = 'text' | 'int' | 'real' | 'bool' | 'date';
export interface Column {
  name: string;
  type: ColumnType;
}

export const col = (name: string, type: Column['type']): Column => ({ name, type });
export type Cell = string | number | boolean | Date | null;

const pgCast: Record<ColumnType, string> = { text: 'text', int: 'integer', real: 'double precision', bool: 'boolean', date: 'timestamp(3)' };

/**
 * Rows per statement. Not more: every statement's JSON passes through several copies inside Prisma,
 * and Prisma keeps the arguments of its last hundred debug calls (queries included) whether debugging
 * is on or not; at 250 rows these stay small, short-lived strings. Not fewer: each statement costs
 * Prisma about a millisecond and a half of its own.
 */
export const BULK_CHUNK = 250;
/** Keys per lookup statement (`inJson`). */
export const KEY_CHUNK = 1_000;

/** A cell as it goes into the JSON: DateTime as each database's Prisma adapter stores it. */
export function jsonCell(dialect: Dialect, c: Cell): Cell {
  if (!(c instanceof Date)) return c;
  // SQLite compares these as text: the format must be the one Prisma writes.
  return dialect === 'sqlite' ? c.toISOString().replace('Z', '+00:00') : c.toISOString();
}

export interface JsonInsert {
  table: string;
  /** Columns whose values come with each row, in the order of the row's cells. */
  columns: Column[];
  /** The rows: a JSON array of arrays of cells (see `jsonCell`), at most BULK_CHUNK of them. */
  json: string;
  /** Columns with one value for every row (timestamps, the acting person): sent once, not per row. */
  same?: { column: Column; value: Cell }[];
  /** The first cell of each row is a store code; `storeId` is that store's id (written in this transaction). */
  storeByCode?: boolean;
}

/** INSERT INTO table … the rows of a JSON array built by the caller (`insertRows` when the rows are at hand). */
export async function insertJsonRows(tx: Tx, dialect: Dialect, o: JsonInsert): Promise<void> {
  const same = o.same ?? [];
  const offset = o.storeByCode ? 1 : 0;
  const names = [...(o.storeByCode ? ['storeId'] : []), ...o.columns.map((c) => c.name), ...same.map((x) => x.column.name)];
  const into = Prisma.raw(`"${o.table}" (${names.map((n) => `"${n}"`).join(', ')})`);
  const sameCells = (cast: (c: Column) => string) => same.map((x) => Prisma.sql`${jsonCell(dialect, x.value)}${Prisma.raw(cast(x.column))}`);
  let sql: Prisma.Sql;
  if (dialect === 'sqlite') {
    // ->> gives SQL values: numbers stay numbers, true/false become 1/0 (Prisma's Boolean on SQLite).
    const cells = [...(o.storeByCode ? [Prisma.raw('s."id"')] : []), ...o.columns.map((_, i) => Prisma.raw(`j.value ->> ${i + offset}`)), ...sameCells(() => '')];
    const join = o.storeByCode ? Prisma.raw(` JOIN "Store" s ON s."code" = j.value ->> 0`) : Prisma.empty;
    sql = Prisma.sql`INSERT INTO ${into} SELECT ${Prisma.join(cells)} FROM json_each(${o.json}) j${join}`;
  } else {
    const cast = (c: Column) => `::${pgCast[c.type]}`;
    const cells = [
      ...(o.storeByCode ? [Prisma.raw('s."id"')] : []),
      ...o.columns.map((c, i) => Prisma.raw(`(j.v ->> ${i + offset})${cast(c)}`)),
      ...sameCells(cast),
    ];
    const join = o.storeByCode ? Prisma.raw(` JOIN "Store" s ON s."code" = j.v ->> 0`) : Prisma.empty;
    sql = Prisma.sql`INSERT INTO ${into} SELECT ${Prisma.join(cells)} FROM json_array_elements(${o.json}::json) AS j(v)${join}`;
  }
  await tx.$executeRaw(sql);
}

export interface InsertRows {
  table: string;
  /** Columns whose values come with each row, in the order of the row's cells. */
  columns: Column[];
  rows: Cell[][];
  /** Columns with one value for every row: sent once, not per row. */
  same?: { column: Column; value: Cell }[];
  /** Columns of the new rows to return. */
  returning?: string[];
}

/** INSERT INTO table … the rows (at most BULK_CHUNK of them), returning the named columns of the new rows. */
export async function insertRows<R = unknown>(tx: Tx, dialect: Dialect, o: InsertRows): Promise<R[]> {
  if (o.rows.length === 0) return [];
  const json = JSON.stringify(o.rows.map((r) => r.map((c) => jsonCell(dialect, c))));
  const same = o.same ?? [];
  const names = Prisma.raw([...o.columns, ...same.map((x) => x.column)].map((c) => `"${c.name}"`).join(', '));
  const back = Prisma.raw(o.returning?.length ? ` RETURNING ${o.returning.map((c) => `"${c}"`).join(', ')}` : '');
  const table = Prisma.raw(`"${o.table}"`);
  let sql: Prisma.Sql;
  if (dialect === 'sqlite') {
    const cells = [...o.columns.map((_, i) => Prisma.raw(`value ->> ${i}`)), ...same.map((x) => Prisma.sql`${jsonCell(dialect, x.value)}`)];
    sql = Prisma.sql`INSERT INTO ${table} (${names}) SELECT ${Prisma.join(cells)} FROM json_each(${json})${back}`;
  } else {
    const cast = (c: Column) => Prisma.raw(`::${pgCast[c.type]}`);
    const cells = [...o.columns.map((c, i) => Prisma.raw(`(v ->> ${i})::${pgCast[c.type]}`)), ...same.map((x) => Prisma.sql`${jsonCell(dialect, x.value)}${cast(x.column)}`)];
    sql = Prisma.sql`INSERT INTO ${table} (${names}) SELECT ${Prisma.join(cells)} FROM json_array_elements(${json}::json) AS v${back}`;
  }
  return o.returning?.length ? tx.$queryRaw<R[]>(sql) : ((await tx.$executeRaw(sql)), []);
}

/** `column IN (the texts)` with the texts as one JSON parameter (thousands of keys in one statement). */
export function inJson(dialect: Dialect, column: Prisma.Sql, values: string[]): Prisma.Sql {
  const json = JSON.stringify(values);
  return dialect === 'sqlite'
    ? Prisma.sql`${column} IN (SELECT value FROM json_each(${json}))`
    : Prisma.sql`${column} IN (SELECT json_array_elements_text(${json}::json))`;
}

/** `column IN (the ids)` with the ids as one JSON parameter (`inJson` for integer columns). */
export function inJsonIds(dialect: Dialect, column: Prisma.Sql, ids: number[]): Prisma.Sql {
  const json = JSON.stringify(ids);
  return dialect === 'sqlite'
    ? Prisma.sql`${column} IN (SELECT value FROM json_each(${json}))`
    : Prisma.sql`${column} IN (SELECT (json_array_elements_text(${json}::json))::integer)`;
}
