import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { inTransaction, type Db } from '../../db/client.ts';

/*
 * A second connection to the SQLite file, in a worker thread, for the statements of a long batch
 * that take too long for the server's thread: copying 100,000 staged rows into Store with its six
 * indexes, Contact and ClaimHistory, then the WAL checkpoint, is about a second of synchronous SQLite
 * work, which on the main thread would hold every request (Slack's acks, /healthz) for that second.
 *
 * - Staging: rows go to a TEMP table of this connection (`insertMany`). It is private to the
 *   connection, takes no lock on the database, and disappears with it: an import that fails, is
 *   abandoned or whose process is killed leaves nothing anywhere.
 * - The atomic step: `BEGIN IMMEDIATE` … `COMMIT` here, the rows copied from the TEMP table with
 *   `INSERT … SELECT`, while `whileTransactionsWait` keeps the main connection from starting a
 *   transaction. Readers of the main thread go on meanwhile (WAL: they see the database before the
 *   commit, then all of it after).
 * - Why the main thread must not write meanwhile: better-sqlite3's busy handler sleeps in the calling
 *   thread. Measured: a main-thread UPDATE issued while a worker held the write lock for 1 s returned
 *   after 951 ms, the event loop frozen for all of it. Hence the gate, through which every transaction
 *   of the main thread waits asynchronously instead (writes outside a transaction, which the code base
 *   keeps for a few console bookkeeping rows, would still wait in SQLite: at most the commit's length).
 *
 * The worker's code is plain CommonJS given as a string (`eval`): it needs no build step, so it runs
 * the same from the esbuild bundle of `npm start`, from tsx and under vitest.
 */

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
// Linux: the nice value is the thread's own. On a busy machine the server's thread (Slack's acks)
// goes before this one.
if (workerData.nice) { try { require('node:os').setPriority(workerData.nice); } catch {} }
const db = new Database(workerData.path, { timeout: workerData.busyTimeoutMs });
db.pragma('synchronous = NORMAL');
// The checkpoint after a big commit is run here (checkpoint()), not by whichever connection commits next.
db.pragma('wal_autocheckpoint = 0');
db.pragma('cache_size = -' + workerData.cacheKiB);
db.pragma('temp_store = FILE');
const statements = new Map();
const prepare = (sql) => {
  let s = statements.get(sql);
  if (!s) statements.set(sql, (s = db.prepare(sql)));
  return s;
};
const args = (params) => (params === undefined ? [] : Array.isArray(params) ? params : [params]);
parentPort.on('message', (m) => {
  try {
    let value = null;
    switch (m.op) {
      case 'exec': db.exec(m.sql); break;
      case 'run': value = prepare(m.sql).run(...args(m.params)).changes; break;
      case 'all': value = prepare(m.sql).all(...args(m.params)); break;
      case 'get': value = prepare(m.sql).get(...args(m.params)) ?? null; break;
      case 'insertMany': {
        const s = prepare(m.sql);
        db.transaction((rows) => { for (const r of rows) s.run(r); })(m.rows);
        break;
      }
      case 'checkpoint':
        // Said before it begins, so that the caller may let other connections commit meanwhile.
        parentPort.postMessage({ id: m.id, started: true });
        value = db.pragma('wal_checkpoint(PASSIVE)')[0] ?? null;
        break;
      case 'close': db.close(); parentPort.postMessage({ id: m.id, ok: true, value: null }); parentPort.close(); return;
      default: throw new Error('unknown op ' + m.op);
    }
    parentPort.postMessage({ id: m.id, ok: true, value });
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, error: { message: String(e && e.message), code: e && e.code } });
  }
});
parentPort.postMessage({ id: 0, ok: true, value: 'ready' });
`;

/** Where better-sqlite3 is, for the worker's `require` (from the bundle of `npm start` too). */
let driver: string | null = null;

export type SqlParams = readonly unknown[] | Record<string, unknown>;

export class SqliteWorkerError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'SqliteWorkerError';
  }
}

interface Reply {
  id: number;
  /** A checkpoint about to begin (its answer follows). */
  started?: true;
  ok: boolean;
  value?: unknown;
  error?: { message: string; code?: string };
}

/** One connection in one worker thread; calls are answered in order. Close it when done (`close`). */
export class SqliteWorker {
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly starting = new Map<number, () => void>();
  private next = 1;
  private dead: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (r: Reply) => {
      if (r.started) {
        this.starting.get(r.id)?.();
        this.starting.delete(r.id);
        return;
      }
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (r.ok) p.resolve(r.value);
      else p.reject(new SqliteWorkerError(r.error?.message ?? 'failed', r.error?.code));
    });
    const fail = (e: Error) => {
      this.dead ??= e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      for (const go of this.starting.values()) go();
      this.starting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the SQLite worker stopped (exit code ${code})`)));
  }

  /** Opens the file (a path as `PRAGMA database_list` gives it) in a new worker thread. */
  static async open(path: string, o: { busyTimeoutMs?: number; cacheKiB?: number; nice?: number } = {}): Promise<SqliteWorker> {
    const worker = new Worker(workerSource, {
      eval: true,
      workerData: { driver: (driver ??= createRequire(import.meta.url).resolve('better-sqlite3')), path, nice: o.nice ?? 10, busyTimeoutMs: o.busyTimeoutMs ?? 10_000, cacheKiB: o.cacheKiB ?? 16_384 },
    });
    const w = new SqliteWorker(worker);
    await new Promise<void>((resolve, reject) => {
      w.pending.set(0, { resolve: () => resolve(), reject });
    });
    return w;
  }

  private call<T>(message: Record<string, unknown>, onStart?: () => void): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      if (onStart) this.starting.set(id, onStart);
      this.worker.postMessage({ ...message, id });
    });
  }

  exec(sql: string): Promise<void> {
    return this.call({ op: 'exec', sql });
  }
  /** Returns the number of rows changed. */
  run(sql: string, params?: SqlParams): Promise<number> {
    return this.call({ op: 'run', sql, params });
  }
  all<R>(sql: string, params?: SqlParams): Promise<R[]> {
    return this.call({ op: 'all', sql, params });
  }
  get<R>(sql: string, params?: SqlParams): Promise<R | null> {
    return this.call({ op: 'get', sql, params });
  }
  /** Runs `sql` once per row (an array of its `?` values), all in one transaction of their own. */
  insertMany(sql: string, rows: unknown[][]): Promise<void> {
    return this.call({ op: 'insertMany', sql, rows });
  }
  /**
   * Copies the log into the database file (what the next commit of any connection would do otherwise,
   * on its own thread): `started` once the worker is at it, `done` when it is.
   */
  checkpointInBackground(): { started: Promise<void>; done: Promise<{ busy: number; log: number; checkpointed: number } | null> } {
    let started!: () => void;
    const onStart = new Promise<void>((resolve) => (started = resolve));
    const done = this.call<{ busy: number; log: number; checkpointed: number } | null>({ op: 'checkpoint' }, started);
    done.catch(() => started());
    return { started: onStart, done };
  }

  /** Closes the connection (an open transaction is rolled back, TEMP tables dropped) and ends the thread. */
  async close(): Promise<void> {
    if (!this.dead) await this.call({ op: 'close' }).catch(() => undefined);
    await this.worker.terminate();
  }
}

/** The file of a SQLite database, or null for an in-memory one (no second connection can see it). */
export async function sqliteFileOf(db: Db): Promise<string | null> {
  const rows = await db.$queryRawUnsafe<{ file: string | null }[]>(`SELECT "file" FROM pragma_database_list WHERE "name" = 'main'`);
  const file = rows[0]?.file;
  return file ? file : null;
}

/**
 * Runs `fn` while no transaction of this process can start: each waits (asynchronously) until `fn`
 * is done. For a worker's connection writing to the same SQLite file: the main thread's transactions
 * queue behind it instead of sleeping in SQLite's busy handler on the event loop.
 *
 * The gate is the driver's own: better-sqlite3's Prisma adapter lets one transaction at a time begin
 * on its connection. The SQLite transaction that the adapter opens with it is closed at once, so
 * that reads of the main thread meanwhile each see the latest commit (and hold no old snapshot,
 * which would keep the worker's checkpoint from finishing); one is opened again for Prisma to close.
 */
export function whileTransactionsWait<T>(db: Db, fn: () => Promise<T>, o: { timeoutMs?: number } = {}): Promise<T> {
  return inTransaction(
    db,
    async (tx) => {
      await tx.$executeRawUnsafe('COMMIT');
      try {
        return await fn();
      } finally {
        await tx.$executeRawUnsafe('BEGIN');
      }
    },
    { timeoutMs: o.timeoutMs ?? 600_000 },
  );
}
