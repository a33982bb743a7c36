import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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

/**
 * Creates the folder of a SQLite file when missing, one level at a time below the nearest folder that
 * exists, after checking that one is a folder we may write in. (`mkdirSync(…, { recursive: true })` under
 * /proc never returns: it spins a core forever.)
 */
export function ensureSqliteFolder(path: string): void {
  if (path === ':memory:') return;
  const missing: string[] = [];
  let dir = dirname(resolve(path));
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      const up = dirname(dir);
      if (up === dir) throw new Error(`cannot create the database's folder for ${path}`);
      missing.unshift(dir);
      dir = up;
      continue;
    }
    if (!isDir) throw new Error(`cannot create the database ${path}: ${dir} is not a folder`);
    break;
  }
  if (missing.length === 0) return;
  try {
    accessSync(dir, constants.W_OK);
    for (const d of missing) mkdirSync(d);
  } catch (e) {
    throw new Error(`cannot create the database's folder ${missing[missing.length - 1]}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

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
    ensureSqliteFolder(path);
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
