import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';
import { ensureSqliteFolder, sqlitePath, type Database } from '../../../src/db/client.ts';
import { WriteHealth } from '../../../src/db/health.ts';
import { PrismaClient } from '../../../src/generated/sqlite/client.ts';
import { start } from '../../../src/main.ts';
import { createWebApp } from '../../../src/web/server.ts';
import { freshDatabase } from '../../support/db.ts';

// A database that answers reads but refuses writes must not look healthy: the start stops with a clear
// message, and /healthz says 503 once writes fail, without handing the driver's error to the caller.

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function readOnly(): Promise<Database> {
  const fresh = await freshDatabase();
  cleanup.push(fresh.drop);
  const db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: sqlitePath(fresh.url), readonly: true }) });
  cleanup.push(() => db.$disconnect());
  return { db, provider: 'sqlite', url: fresh.url, close: () => db.$disconnect() };
}

describe('a database that does not accept writes', () => {
  it('stops the start with a message that says so', async () => {
    const database = await readOnly();
    const config = loadConfig({ DATABASE_URL: database.url, PORT: '0', SANDBOX: '0' });
    await expect(start(config, { database })).rejects.toThrow(/The database \(sqlite\) does not accept writes: .*readonly/);
  });

  it('turns /healthz to 503 once writes start failing, and keeps the driver error out of the answer', async () => {
    const database = await freshDatabase();
    cleanup.push(database.drop);
    const logged: string[] = [];
    const writes = new WriteHealth(database, (e) => logged.push((e as Error).message), 0);
    const app = createWebApp({ database, writes });
    const server = app.listen(0, '127.0.0.1');
    cleanup.push(() => new Promise((r) => server.close(() => r())));
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/healthz`;

    await writes.settled();
    expect((await fetch(url)).status).toBe(200);
    await writes.settled();

    // The file still answers reads; every write now fails, as on a file made read-only under a running server.
    await database.db.$executeRawUnsafe('PRAGMA query_only = ON');
    await fetch(url); // answers from the last probe, and starts a new one
    expect(await writes.settled()).toBe('failing');
    const res = await fetch(url);
    const text = await res.text();
    expect(res.status).toBe(503);
    expect(JSON.parse(text)).toMatchObject({ status: 'error', database: { status: 'read_only' } });
    expect(text).not.toMatch(/readonly database|attempt to write|SQLITE_/i);
    expect(logged.join('\n')).toMatch(/readonly/i);

    await database.db.$executeRawUnsafe('PRAGMA query_only = OFF');
    await fetch(url);
    expect(await writes.settled()).toBe('ok');
    expect((await fetch(url)).status).toBe(200);
  });
});

describe("a database path that can't be made", () => {
  it('fails at once, naming the folder, instead of spinning in mkdir under /proc', () => {
    const t0 = Date.now();
    expect(() => ensureSqliteFolder('/proc/x/y.db')).toThrow("cannot create the database's folder /proc/x");
    expect(() => ensureSqliteFolder('/etc/hostname/x.db')).toThrow('/etc/hostname is not a folder');
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
