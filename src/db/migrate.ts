import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from '../paths.ts';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { ensureSqliteFolder, providerOf, sqlitePath, type Provider } from './client.ts';

// Migrations are plain SQL written by `prisma migrate diff` (scripts/db-migration.sh), one folder per
// migration and provider. They are applied here rather than by the Prisma CLI, which would need a
// native engine on PostgreSQL: a table of applied names with each file's checksum, a lock so that two
// processes starting at once do not both apply the same file.
const root = fromRoot('prisma/migrations');

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** A migration could not be applied, or the database's migrations do not match this version's files. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

// Line endings are normalised so that a checkout with CRLF does not count as an edited file.
const checksumOf = (sql: string): string => createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');

/** Every migration of a provider, in order. */
export function migrationsOf(provider: Provider): Migration[] {
  const dir = join(root, provider);
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'migration.sql')))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: checksumOf(sql) };
    });
}

interface Applied {
  name: string;
  checksum: string | null;
}

/**
 * The migrations still to apply, after checking the applied ones against the files: an applied file that
 * changed since, or an applied migration this version does not have, stops the start with a message.
 * `upTo` stops after the named migration (the upgrade tests build databases at every step).
 */
export function pendingMigrations(all: Migration[], applied: Applied[], upTo?: string): Migration[] {
  const byName = new Map(all.map((m) => [m.name, m]));
  for (const a of applied) {
    const file = byName.get(a.name);
    if (!file) {
      throw new MigrationError(
        `The database has migration ${a.name}, which this version of Seaboard does not have: it was upgraded by a newer version. Start that version, or restore a backup taken before the upgrade.`,
      );
    }
    if (a.checksum !== null && a.checksum !== file.checksum) {
      throw new MigrationError(
        `prisma/migrations/…/${a.name}/migration.sql changed after it was applied to this database. An applied migration must never be edited: restore the file, and put the change in a new migration (npm run db:migration -- NAME).`,
      );
    }
  }
  if (upTo !== undefined && !byName.has(upTo)) throw new MigrationError(`no migration ${upTo}`);
  const done = new Set(applied.map((a) => a.name));
  const pending: Migration[] = [];
  for (const m of all) {
    if (!done.has(m.name)) pending.push(m);
    if (m.name === upTo) break;
  }
  return pending;
}

/** Applies every pending migration (or those up to `upTo`); returns the names applied. */
export async function migrate(url: string, opts: { upTo?: string } = {}): Promise<string[]> {
  return providerOf(url) === 'postgresql' ? migratePostgres(url, opts.upTo) : migrateSqlite(url, opts.upTo);
}

const LEDGER = '_seaboard_migrations';

function migrateSqlite(url: string, upTo?: string): string[] {
  const path = sqlitePath(url);
  ensureSqliteFolder(path);
  const db = new BetterSqlite3(path, { timeout: 10_000 });
  try {
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE IF NOT EXISTS "${LEDGER}" (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`);
    if (!(db.prepare(`SELECT 1 FROM pragma_table_info('${LEDGER}') WHERE name = 'checksum'`).get())) {
      db.exec(`ALTER TABLE "${LEDGER}" ADD COLUMN checksum TEXT`);
    }
    // Prisma rebuilds a table (CREATE new_X, copy, DROP X, rename) to change it. With foreign keys on,
    // the DROP fires every ON DELETE SET NULL pointing at X and wipes those relations. SQLite ignores
    // `PRAGMA foreign_keys` inside a transaction (and the migration's own PRAGMA lines with it), so it is
    // turned off here, before the transaction; the keys are checked as a whole before the commit instead.
    db.pragma('foreign_keys = OFF');
    const all = migrationsOf('sqlite');
    const done: string[] = [];
    // IMMEDIATE takes the write lock before reading the applied list: a second process waits here.
    const applyAll = db.transaction(() => {
      const applied = db.prepare(`SELECT name, checksum FROM "${LEDGER}"`).all() as Applied[];
      const pending = pendingMigrations(all, applied, upTo);
      // Files applied before checksums were kept are recorded as they are now.
      const record = db.prepare(`UPDATE "${LEDGER}" SET checksum = ? WHERE name = ? AND checksum IS NULL`);
      for (const a of applied) record.run(all.find((m) => m.name === a.name)!.checksum, a.name);
      for (const m of pending) {
        try {
          db.exec(m.sql);
        } catch (e) {
          throw new MigrationError(`migration ${m.name} failed: ${(e as Error).message}`);
        }
        const broken = db.prepare('PRAGMA foreign_key_check').all() as { table: string; parent: string }[];
        if (broken.length > 0) {
          const where = [...new Set(broken.map((b) => `${b.table} → ${b.parent}`))].join(', ');
          throw new MigrationError(`migration ${m.name} would leave ${broken.length} broken reference(s) (${where}); nothing was changed`);
        }
        db.prepare(`INSERT INTO "${LEDGER}" (name, applied_at, checksum) VALUES (?, ?, ?)`).run(m.name, new Date().toISOString(), m.checksum);
        done.push(m.name);
      }
    });
    applyAll.immediate();
    return done;
  } finally {
    db.pragma('foreign_keys = ON');
    db.close();
  }
}

async function migratePostgres(url: string, upTo?: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(727274)');
    await client.query(`CREATE TABLE IF NOT EXISTS "${LEDGER}" (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)`);
    await client.query(`ALTER TABLE "${LEDGER}" ADD COLUMN IF NOT EXISTS checksum TEXT`);
    const all = migrationsOf('postgresql');
    const { rows: applied } = await client.query<Applied>(`SELECT name, checksum FROM "${LEDGER}"`);
    const pending = pendingMigrations(all, applied, upTo);
    for (const a of applied.filter((x) => x.checksum === null)) {
      await client.query(`UPDATE "${LEDGER}" SET checksum = $1 WHERE name = $2`, [all.find((m) => m.name === a.name)!.checksum, a.name]);
    }
    const done: string[] = [];
    for (const m of pending) {
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query(`INSERT INTO "${LEDGER}" (name, applied_at, checksum) VALUES ($1, now(), $2)`, [m.name, m.checksum]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw new MigrationError(`migration ${m.name} failed: ${(e as Error).message}`);
      }
      done.push(m.name);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock(727274)').catch(() => {});
    await client.end();
  }
}
