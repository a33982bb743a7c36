// A database at any migration, filled with rows in every table and every relation set, and a snapshot of
// what it holds: the upgrade tests compare the snapshot before and after each migration. It reads the
// schema from the database itself, so a table or column added by a new migration is filled without
// anyone writing a filler for it.
import { createHash } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { providerOf, sqlitePath } from '../../src/db/client.ts';

export interface Column {
  name: string;
  /** The declared type, lower case: `integer`, `text`, `datetime`, `timestamp(3) without time zone`, … */
  type: string;
  notNull: boolean;
}
export interface Table {
  name: string;
  columns: Column[];
  primaryKey: string[];
  /** column → referenced table (always its `id`). */
  references: Map<string, string>;
}

/** Per table: its row count and a hash of every row's values, column by column, in key order. */
export type Snapshot = Map<string, { rows: number; columns: Map<string, string> }>;

export interface RawDb {
  tables(): Promise<Table[]>;
  select(table: string, columns: string[], orderBy: string[]): Promise<unknown[][]>;
  brokenReferences(): Promise<number>;
  close(): Promise<void>;
}

const LEDGER = '_seaboard_migrations';
const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function openRaw(url: string): Promise<RawDb> {
  return providerOf(url) === 'postgresql' ? openPostgres(url) : openSqlite(url);
}

function openSqlite(url: string): RawDb {
  const db = new BetterSqlite3(sqlitePath(url));
  return {
    async tables() {
      const names = db
        // Ordinary tables only: a text index (FTS5) is a virtual table with shadow tables of its own,
        // written by SQLite through its triggers, never by the app.
        .prepare(`SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> ? ORDER BY name`)
        .all(LEDGER) as { name: string }[];
      return names.map(({ name }) => {
        const info = db.prepare(`SELECT name, type, "notnull", pk FROM pragma_table_info(?)`).all(name) as { name: string; type: string; notnull: number; pk: number }[];
        const fks = db.prepare(`SELECT "from", "table" FROM pragma_foreign_key_list(?)`).all(name) as { from: string; table: string }[];
        return {
          name,
          columns: info.map((c) => ({ name: c.name, type: c.type.toLowerCase(), notNull: c.notnull === 1 })),
          primaryKey: info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
          references: new Map(fks.map((f) => [f.from, f.table])),
        };
      });
    },
    async select(table, columns, orderBy) {
      return db.prepare(`SELECT ${columns.map(q).join(', ')} FROM ${q(table)} ORDER BY ${orderBy.map(q).join(', ')}`).raw().all() as unknown[][];
    },
    async brokenReferences() {
      return (db.prepare('PRAGMA foreign_key_check').all() as unknown[]).length;
    },
    async close() {
      db.close();
    },
  };
}

async function openPostgres(url: string): Promise<RawDb> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return {
    async tables() {
      const { rows: cols } = await c.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
        `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
          WHERE table_schema = 'public' AND table_name <> $1 ORDER BY table_name, ordinal_position`,
        [LEDGER],
      );
      const { rows: keys } = await c.query<{ table_name: string; column_name: string; kind: string; ref: string | null }>(
        `SELECT cl.relname AS table_name, a.attname AS column_name, con.contype AS kind, rc.relname AS ref
           FROM pg_constraint con
           JOIN pg_class cl ON cl.oid = con.conrelid
           JOIN pg_namespace n ON n.oid = cl.relnamespace AND n.nspname = 'public'
           JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) ON true
           JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
           LEFT JOIN pg_class rc ON rc.oid = con.confrelid
          WHERE con.contype IN ('p', 'f') ORDER BY k.ord`,
      );
      const byTable = new Map<string, Table>();
      for (const col of cols) {
        let t = byTable.get(col.table_name);
        if (!t) byTable.set(col.table_name, (t = { name: col.table_name, columns: [], primaryKey: [], references: new Map() }));
        t.columns.push({ name: col.column_name, type: col.data_type.toLowerCase(), notNull: col.is_nullable === 'NO' });
      }
      for (const k of keys) {
        const t = byTable.get(k.table_name);
        if (!t) continue;
        if (k.kind === 'p') t.primaryKey.push(k.column_name);
        else if (k.ref) t.references.set(k.column_name, k.ref);
      }
      return [...byTable.values()];
    },
    async select(table, columns, orderBy) {
      const { rows } = await c.query({ text: `SELECT ${columns.map(q).join(', ')} FROM ${q(table)} ORDER BY ${orderBy.map(q).join(', ')}`, rowMode: 'array' });
      return rows as unknown[][];
    },
    // PostgreSQL checks every reference as it is written; a migration cannot leave one broken.
    async brokenReferences() {
      return 0;
    },
    async close() {
      await c.end();
    },
  };
}

/** A value of a column's type for row `i` (1-based): distinct per row, so unique columns hold too. */
function valueFor(table: Table, col: Column, i: number, provider: 'sqlite' | 'postgresql'): unknown {
  const t = col.type;
  if (/bool/.test(t)) return provider === 'sqlite' ? i % 2 : i % 2 === 1;
  if (/int/.test(t)) return 1000 + i * 7;
  if (/real|double|float|numeric|decimal/.test(t)) return i + 0.25;
  if (/date|time/.test(t)) {
    const iso = new Date(Date.UTC(2026, 10, i, 2, 0, 0, 123)).toISOString();
    return provider === 'sqlite' ? iso.replace('Z', '+00:00') : iso;
  }
  if (/blob|bytea/.test(t)) return Buffer.from(`${table.name}.${col.name}#${i}`);
  return `${table.name}.${col.name}#${i}`;
}

/**
 * Fills every table with `rows` rows. Ids are 1…rows everywhere, and row i of a table points at row i of
 * every table it references (the previous row for a table referencing itself): every relation is set.
 * Foreign keys are checked once at the end rather than row by row, so cycles (a unit's lead is a person
 * of that unit) need no ordering.
 */
export async function fillEveryTable(url: string, rows = 3): Promise<void> {
  const provider = providerOf(url);
  const raw = await openRaw(url);
  try {
    const tables = await raw.tables();
    if (provider === 'postgresql') await pgExec(url, tables, rows);
    else {
      const db = new BetterSqlite3(sqlitePath(url));
      try {
        db.pragma('foreign_keys = OFF');
        db.transaction(() => {
          for (const table of tables) for (let i = 1; i <= rows; i++) insertSync(db, table, rowOf(table, i, provider));
        })();
        const broken = db.prepare('PRAGMA foreign_key_check').all();
        if (broken.length) throw new Error(`the filler broke references: ${JSON.stringify(broken.slice(0, 3))}`);
      } finally {
        db.close();
      }
    }
  } finally {
    await raw.close();
  }
}

function rowOf(table: Table, i: number, provider: 'sqlite' | 'postgresql'): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const col of table.columns) {
    const ref = table.references.get(col.name);
    if (ref === table.name) row[col.name] = i === 1 ? null : i - 1;
    else if (ref) row[col.name] = i;
    else if (col.name === 'id' && table.primaryKey.length === 1 && /int/.test(col.type)) row[col.name] = i;
    else row[col.name] = valueFor(table, col, i, provider);
  }
  return row;
}

function insertSync(db: BetterSqlite3.Database, table: Table, row: Record<string, unknown>): void {
  const cols = Object.keys(row);
  db.prepare(`INSERT INTO ${q(table.name)} (${cols.map(q).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...cols.map((c) => row[c]));
}

async function pgExec(url: string, tables: Table[], rows: number): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('BEGIN');
    // Deferred checking for this transaction only: the rows reference each other in cycles.
    await c.query(`SET session_replication_role = replica`);
    for (const table of tables) {
      for (let i = 1; i <= rows; i++) {
        const row = rowOf(table, i, 'postgresql');
        const cols = Object.keys(row);
        await c.query(`INSERT INTO ${q(table.name)} (${cols.map(q).join(', ')}) VALUES (${cols.map((_, k) => `$${k + 1}`).join(', ')})`, cols.map((col) => row[col]));
      }
      // Identity sequences move past the ids written by hand, as they would after real inserts.
      if (table.columns.some((col) => col.name === 'id')) {
        await c.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), $2)`, [q(table.name), rows]).catch(() => undefined);
      }
    }
    await c.query(`SET session_replication_role = origin`);
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await c.end();
  }
}

const digest = (values: unknown[]): string => {
  const h = createHash('sha256');
  for (const v of values) {
    const s = v === null || v === undefined ? '∅' : Buffer.isBuffer(v) ? `b:${v.toString('hex')}` : v instanceof Date ? `d:${v.toISOString()}` : `${typeof v}:${String(v)}`;
    h.update(s).update('\u0000');
  }
  return h.digest('hex');
};

/** Row counts and a hash of each column's values in primary-key order, for every table. */
export async function snapshot(url: string): Promise<Snapshot> {
  const raw = await openRaw(url);
  try {
    const out: Snapshot = new Map();
    for (const table of await raw.tables()) {
      const names = table.columns.map((c) => c.name);
      const rows = await raw.select(table.name, names, table.primaryKey.length ? table.primaryKey : names);
      const columns = new Map(names.map((n, k) => [n, digest(rows.map((r) => r[k]))]));
      out.set(table.name, { rows: rows.length, columns });
    }
    return out;
  } finally {
    await raw.close();
  }
}

/** How many references point nowhere (SQLite's foreign_key_check; PostgreSQL never allows one). */
export async function brokenReferences(url: string): Promise<number> {
  const raw = await openRaw(url);
  try {
    return await raw.brokenReferences();
  } finally {
    await raw.close();
  }
}
