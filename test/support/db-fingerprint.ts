import { createHash } from 'node:crypto';
import type { Database } from '../../src/db/client.ts';

// Every table of a database, counted and checksummed: a test that must write nothing compares two.

const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x instanceof Date ? x.toISOString() : x));

/** `{ table: "rows:checksum" }` for every table (the migrations' own table included). */
export async function fingerprint(database: Database): Promise<Record<string, string>> {
  const db = database.db;
  const tables =
    database.provider === 'postgresql'
      ? (await db.$queryRawUnsafe<{ name: string }[]>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1`)).map((t) => t.name)
      : // Ordinary tables: a text index (FTS5) and its shadow tables hold nothing but what its table does.
        (await db.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1`)).map((t) => t.name);
  const out: Record<string, string> = {};
  for (const table of tables) {
    const rows = (await db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${table.replace(/"/g, '""')}"`)).map(json).sort();
    out[table] = `${rows.length}:${createHash('sha256').update(rows.join('\n')).digest('hex').slice(0, 16)}`;
  }
  return out;
}
