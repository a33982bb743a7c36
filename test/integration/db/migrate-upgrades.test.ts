// Every migration applied as an upgrade of a database full of data: at migration N−1 every table holds
// rows with every relation set; after N every row and every relation that existed is unchanged. A new
// migration is covered by adding it; nothing here names the migrations but the deliberate changes.
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, Prisma, providerOf, sqlitePath } from '../../../src/db/client.ts';
import { migrate, migrationsOf, MigrationError } from '../../../src/db/migrate.ts';
import { emptyDatabase } from '../../support/db.ts';
import { brokenReferences, fillEveryTable, snapshot } from '../../support/schema-fill.ts';

const provider = process.env.TEST_POSTGRES_URL ? 'postgresql' : 'sqlite';
const migrations = migrationsOf(provider);

/**
 * Columns a migration changes on purpose (dropped, renamed, rewritten): `migration name → table.column`.
 * Anything else a migration alters in existing data fails the test.
 */
const intendedChanges: Record<string, string[]> = {};

const drops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (drops.length) await drops.pop()!();
});

async function databaseAt(name: string): Promise<string> {
  const db = await emptyDatabase();
  drops.push(db.drop);
  await migrate(db.url, { upTo: name });
  return db.url;
}

describe(`upgrading a database full of data (${provider})`, () => {
  it('covers every migration, and names only migrations that exist', () => {
    expect(migrations.length).toBeGreaterThanOrEqual(5);
    for (const name of Object.keys(intendedChanges)) expect(migrations.map((m) => m.name)).toContain(name);
  });

  for (const [k, m] of migrations.entries()) {
    if (k === 0) continue;
    const before = migrations[k - 1]!.name;
    it(`${before} → ${m.name} keeps every row and every relation`, async () => {
      const url = await databaseAt(before);
      await fillEveryTable(url);
      const was = await snapshot(url);
      expect([...was.values()].every((t) => t.rows > 0)).toBe(true);

      expect(await migrate(url, { upTo: m.name })).toEqual([m.name]);

      const now = await snapshot(url);
      const allowed = new Set(intendedChanges[m.name] ?? []);
      const changed: string[] = [];
      for (const [table, old] of was) {
        const cur = now.get(table);
        if (!cur) {
          if (!allowed.has(`${table}.*`)) changed.push(`${table} (dropped)`);
          continue;
        }
        if (cur.rows !== old.rows) changed.push(`${table}: ${old.rows} rows → ${cur.rows}`);
        for (const [column, hash] of old.columns) {
          if (allowed.has(`${table}.${column}`)) continue;
          const after = cur.columns.get(column);
          if (after === undefined) changed.push(`${table}.${column} (dropped)`);
          else if (after !== hash) changed.push(`${table}.${column}`);
        }
      }
      expect(changed).toEqual([]);
      expect(await brokenReferences(url)).toBe(0);
      await expectTextIndexesInStep(url);
    });
  }
});

describe(`a database from the first version, upgraded to this one (${provider})`, () => {
  it('is read by the app: every model finds every row', async () => {
    const url = await databaseAt(migrations[0]!.name);
    await fillEveryTable(url);
    const was = await snapshot(url);
    await migrate(url);
    const database = await openDatabase(url);
    try {
      for (const model of Object.values(Prisma.ModelName)) {
        if (!was.has(model)) continue;
        const delegate = (database.db as unknown as Record<string, { findMany(): Promise<unknown[]> }>)[model[0]!.toLowerCase() + model.slice(1)]!;
        expect((await delegate.findMany()).length, model).toBe(was.get(model)!.rows);
      }
    } finally {
      await database.close();
    }
  });
});

describe(`the migration ledger (${provider})`, () => {
  const latest = migrations[migrations.length - 1]!.name;

  it('applies nothing twice, and refuses to start when an applied migration file changed', async () => {
    const url = await databaseAt(latest);
    expect(await migrate(url)).toEqual([]);
    await editLedger(url, `UPDATE "_seaboard_migrations" SET checksum = 'edited' WHERE name = '${migrations[1]!.name}'`);
    await expect(migrate(url)).rejects.toThrow(MigrationError);
    await expect(migrate(url)).rejects.toThrow(/changed after it was applied/);
  });

  it('refuses a database upgraded by a newer version', async () => {
    const url = await databaseAt(latest);
    await editLedger(url, `INSERT INTO "_seaboard_migrations" (name, applied_at, checksum) VALUES ('9999_from_the_future', '2026-12-01', 'x')`);
    await expect(migrate(url)).rejects.toThrow(/9999_from_the_future, which this version of Seaboard does not have/);
  });

  it('records the checksums of files applied before checksums were kept', async () => {
    const url = await databaseAt(latest);
    await editLedger(url, `UPDATE "_seaboard_migrations" SET checksum = NULL`);
    expect(await migrate(url)).toEqual([]);
    expect(await ledgerChecksums(url)).toEqual(migrations.map((m) => m.checksum));
  });
});

/**
 * A SQLite text index (FTS5 over a table's columns) holds exactly what its table holds after the
 * upgrade: FTS5's own integrity check compares the index with the table's rows. (PostgreSQL's
 * indexes are the server's own business.)
 */
async function expectTextIndexesInStep(url: string): Promise<void> {
  if (providerOf(url) !== 'sqlite') return;
  const db = new BetterSqlite3(sqlitePath(url));
  try {
    const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'`).all() as { name: string }[];
    for (const { name } of indexes) {
      expect(() => db.prepare(`INSERT INTO "${name}" ("${name}", rank) VALUES ('integrity-check', 1)`).run(), name).not.toThrow();
    }
  } finally {
    db.close();
  }
}

async function editLedger(url: string, sql: string): Promise<void> {
  if (providerOf(url) === 'sqlite') {
    const db = new BetterSqlite3(sqlitePath(url));
    db.exec(sql);
    db.close();
    return;
  }
  const pg = await import('pg');
  const c = new pg.default.Client({ connectionString: url });
  await c.connect();
  await c.query(sql);
  await c.end();
}

async function ledgerChecksums(url: string): Promise<string[]> {
  const sql = `SELECT checksum FROM "_seaboard_migrations" ORDER BY name`;
  if (providerOf(url) === 'sqlite') {
    const db = new BetterSqlite3(sqlitePath(url));
    const rows = db.prepare(sql).all() as { checksum: string }[];
    db.close();
    return rows.map((r) => r.checksum);
  }
  const pg = await import('pg');
  const c = new pg.default.Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query<{ checksum: string }>(sql);
  await c.end();
  return rows.map((r) => r.checksum);
}
