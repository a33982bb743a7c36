import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient as SqliteClient, Prisma } from '../generated/sqlite/client.ts';

export { Prisma };
/** Both generated clients have the same models; the SQLite one's types stand for both. */
export type Db = SqliteClient;
export type Tx = Prisma.TransactionClient;
export type Provider = 'sqlite' | 'postgresql';

export const providerOf = (url: string): Provider =>
  /^postgres(ql)?:\/\//.test(url) ? 'postgresql' : 'sqlite';

/** `file:./data/seaboard.db` → `./data/seaboard.db` (relative to the working directory). */
export const sqlitePath = (url: string): string => url.replace(/^file:/, '').replace(/\?.*$/, '');

export interface Database {
  db: Db;
  provider: Provider;
  url: string;
  close(): Promise<void>;
}

export async function openDatabase(url: string): Promise<Database> {
  const provider = providerOf(url);
  let db: Db;
  if (provider === 'postgresql') {
    // Loaded only when used: the embedded default never pays for the PostgreSQL client's memory.
    const [{ PrismaPg }, { PrismaClient: PostgresClient }] = await Promise.all([
      import('@prisma/adapter-pg'),
      import('../generated/postgresql/client.ts'),
    ]);
    db = new PostgresClient({ adapter: new PrismaPg({ connectionString: url, max: 20 }) }) as unknown as Db;
  } else {
    const path = sqlitePath(url);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new SqliteClient({ adapter: new PrismaBetterSQLite3({ url: path, timeout: 10_000 }) });
    // In WAL mode, NORMAL syncs at checkpoints rather than at every commit: a crash of the process
    // loses nothing, a power cut may lose the last commits, and a commit costs ~0.1 ms instead of ~2.
    await db.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
  }
  return { db, provider, url, close: () => db.$disconnect() };
}

/**
 * One transaction for a state change and everything that goes with it (history, audit, outbox).
 * Waits patiently for the lock: a burst of claims queues behind each other instead of failing.
 */
export function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>, opts: { timeoutMs?: number } = {}): Promise<T> {
  return db.$transaction(fn, { maxWait: 20_000, timeout: opts.timeoutMs ?? 30_000 });
}

/** A unique constraint refused the write (Prisma's P2002), e.g. two requests creating the same key at once. */
export function isUniqueViolation(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { code, meta, message } = e as { code?: unknown; meta?: { code?: unknown }; message?: unknown };
  if (code === 'P2002') return true;
  // A raw statement's failure (P2010) carries the database's own code: PostgreSQL's 23505, SQLite's
  // SQLITE_CONSTRAINT_UNIQUE (2067, or its text).
  if (code !== 'P2010') return false;
  return meta?.code === '23505' || meta?.code === '2067' || (typeof message === 'string' && /23505|UNIQUE constraint failed/.test(message));
}
