import { Prisma, type Db } from '../../db/client.ts';
import { dialectOf } from '../imports/bulk-sql.ts';
import { personSearchKeys, searchKeys, type SearchKeys } from './keys.ts';

/** Rows per read and per UPDATE: one JSON parameter each way (see bulk-sql.ts), ~40 ms of pinyin. */
const BATCH = 1_000;

interface Named {
  id: number | bigint;
  name: string;
}

/**
 * Fills the search keys of the stores and people that have none (written before migration 0008, or by
 * a writer that left them out), a batch at a time, each batch its own statement: resumable after a
 * crash, and doing nothing once every row has keys. A row renamed meanwhile is left alone (its edit
 * wrote the keys of its new name). Runs at every start, after the migrations.
 */
export async function backfillSearchKeys(deps: { db: Db }): Promise<{ stores: number; people: number }> {
  // pinyin-pro builds its dictionaries on first use (~0.1 s of one thread): here, at start, rather
  // than in the middle of the first search or import.
  searchKeys('老王面馆');
  return {
    stores: await fill(deps.db, 'Store', (name) => searchKeys(name)),
    people: await fill(deps.db, 'Person', personSearchKeys),
  };
}

async function fill(db: Db, table: 'Store' | 'Person', keysOf: (name: string) => SearchKeys): Promise<number> {
  const t = Prisma.raw(`"${table}"`);
  const sqlite = dialectOf(db) === 'sqlite';
  let after = 0;
  let filled = 0;
  for (;;) {
    // The key's index holds the NULLs together; the id cursor ends the run even if some row stays NULL.
    const rows = await db.$queryRaw<Named[]>`
      SELECT "id", "name" FROM ${t} WHERE "pinyinKey" IS NULL AND "id" > ${after} ORDER BY "id" LIMIT ${BATCH}`;
    if (rows.length === 0) return filled;
    const json = JSON.stringify(rows.map((r) => {
      const k = keysOf(r.name);
      return [Number(r.id), r.name, k.pinyinKey, k.initialsKey];
    }));
    // SQLite: `+` keeps the planner off the key's index (every NULL row, each checked against the
    // whole JSON); the rows are found by id.
    filled += sqlite
      ? await db.$executeRaw`
          UPDATE ${t} SET "pinyinKey" = j.value ->> 2, "initialsKey" = j.value ->> 3
          FROM json_each(${json}) j
          WHERE ${t}."id" = j.value ->> 0 AND ${t}."name" = j.value ->> 1 AND +${t}."pinyinKey" IS NULL`
      : await db.$executeRaw`
          UPDATE ${t} x SET "pinyinKey" = j.v ->> 2, "initialsKey" = j.v ->> 3
          FROM json_array_elements(${json}::json) AS j(v)
          WHERE x."id" = (j.v ->> 0)::integer AND x."name" = j.v ->> 1 AND x."pinyinKey" IS NULL`;
    after = Number(rows[rows.length - 1]!.id);
  }
}
