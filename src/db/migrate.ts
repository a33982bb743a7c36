import { readdirSync, readFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fromRoot } from '../paths.ts';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { providerOf, sqlitePath, type Provider } from './client.ts';

// Migrations are plain SQL written by `prisma migrate diff` (scripts/db-migration.sh), one folder per
// migration and provider. They are applied here rather than by the Prisma CLI, which would need a
// native engine on PostgreSQL: a table of applied names, one transaction per file, a lock so that two
// processes starting at once do not both apply the same file.
const root = fromRoot('prisma/migrations');

interface Migration {
  name: string;
  sql: string;
}

export function pendingMigrations(provider: Provider, applied: Set<string>): Migration[] {
  const dir = join(root, provider);
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'migration.sql')) && !applied.has(name))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name, 'migration.sql'), 'utf8') }));
}

/** Applies every pending migration; returns the names applied. */
export async function migrate(url: string): Promise<string[]> {
  return providerOf(url) === 'postgresql' ? migratePostgres(url) : migrateSqlite(url);
}

function migrateSqlite(url: string): string[] {
  const path = sqlitePath(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new BetterSqlite3(path, { timeout: 10_000 });
  try {
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE IF NOT EXISTS "_seaboard_migrations" (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
    const done: string[] = [];
    // IMMEDIATE takes the write lock before reading the applied list: a second process waits here.
    const applyAll = db.transaction(() => {
      const rows = db.prepare('SELECT name FROM "_seaboard_migrations"').all() as { name: string }[];
      for (const m of pendingMigrations('sqlite', new Set(rows.map((r) => r.name)))) {
        db.exec(m.sql);
        db.prepare('INSERT INTO "_seaboard_migrations" (name, applied_at) VALUES (?, ?)').run(
          m.name,
          new Date().toISOString(),
        );
        done.push(m.name);
      }
    });
    applyAll.immediate();
    return done;
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(727274)');
    await client.query(
      'CREATE TABLE IF NOT EXISTS "_seaboard_migrations" (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)',
    );
    const { rows } = await client.query<{ name: string }>('SELECT name FROM "_seaboard_migrations"');
    const done: string[] = [];
    for (const m of pendingMigrations('postgresql', new Set(rows.map((r) => r.name)))) {
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO "_seaboard_migrations" (name, applied_at) VALUES ($1, now())', [m.name]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.name} failed: ${(e as Error).message}`);
      }
      done.push(m.name);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock(727274)').catch(() => {});
    await client.end();
  }
}
