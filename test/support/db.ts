import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';

/**
 * An empty database for one test: a temporary SQLite file, or a new PostgreSQL database beside
 * TEST_POSTGRES_URL when that is set (scripts/test.sh does). Nothing is migrated yet.
 */
export async function emptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.TEST_POSTGRES_URL;
  if (base) {
    const name = `seaboard_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      drop: async () => {
        const c = new pg.Client({ connectionString: base });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'seaboard-test-'));
  return { url: `file:${join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh, migrated database for one test file (see emptyDatabase). */
export async function freshDatabase(): Promise<Database & { drop(): Promise<void> }> {
  const empty = await emptyDatabase();
  await migrate(empty.url);
  const database = await openDatabase(empty.url);
  return {
    ...database,
    drop: async () => {
      await database.close();
      await empty.drop();
    },
  };
}
