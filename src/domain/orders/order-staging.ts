import { jsonCell } from '../imports/bulk-sql.ts';
import { pacer } from '../imports/pace.ts';
import { SqliteWorkerError, whileTransactionsWait, type SqliteWorker } from '../imports/sqlite-worker.ts';
import type { Db } from '../../db/client.ts';
import type { Settings } from '../settings/settings.ts';
import { storeChanges, storeFacts, type OrderPlan, type StoreFacts } from './orders.ts';

/*
 * The order import's write on a SQLite file, as the store import's (imports/store-import.ts): the
 * orders planned outside any transaction are staged in TEMP tables of a worker thread's connection,
 * then copied in by ONE transaction of that connection while this thread's transactions wait
 * asynchronously (`whileTransactionsWait`), so that the event loop stays free through it and the
 * write lock is held only for the copy (about a tenth of the time the old transaction of this thread
 * took: planning again and 400 statements through Prisma). All or nothing still: the TEMP tables
 * are private to the connection and die with it, and nothing is visible before that one commit.
 *
 * What the plan rests on is checked again inside that transaction, and any difference means planning
 * again (CHANGED, nothing written):
 * - the settings (time zone of the file's times, grade rules): their text, as read before planning;
 * - the stores the new orders go to: every column the plan read (owner, protection, customer, dates,
 *   grade, merged into), as the worker read them just after planning — itself compared with the plan;
 * - order numbers recorded meanwhile: the copy fails on the unique order number.
 */

export const CHANGED = Symbol('changed');

/** Rows per message to the worker, and messages on their way at most. */
const STAGE_CHUNK = 1_000;
const STAGE_IN_FLIGHT = 4;
/** The worker's page cache (KiB), and for the commit of a big file (KiB, from how many orders). */
export const NARROW_CACHE_KIB = 16_384;
const WIDE_CACHE_KIB = 65_536;
const WIDE_CACHE_FROM = 20_000;

const factColumns = ['id', 'code', 'ownerId', 'claimedAt', 'protectedUntil', 'isCustomer', 'lastOrderAt', 'lastVisitAt', 'grade', 'mergedIntoId'] as const;
const q = (names: readonly string[]) => names.map((c) => `"${c}"`).join(', ');

const STAGE_TABLES = `DROP TABLE IF EXISTS temp."order_rows"; DROP TABLE IF EXISTS temp."order_stores"; DROP TABLE IF EXISTS temp."order_store_facts";
  CREATE TEMP TABLE "order_rows" ("n" INTEGER PRIMARY KEY, "orderNo" TEXT NOT NULL, "storeId" INTEGER NOT NULL, "personId" INTEGER, "amount" INTEGER NOT NULL, "orderedAt" TEXT NOT NULL);
  CREATE TEMP TABLE "order_stores" ("storeId" INTEGER PRIMARY KEY, "raises" INTEGER NOT NULL, "grade" TEXT, "customer" INTEGER NOT NULL)`;
const ROW_INSERT = `INSERT INTO temp."order_rows" ("n", "orderNo", "storeId", "personId", "amount", "orderedAt") VALUES (?, ?, ?, ?, ?, ?)`;
const STORE_INSERT = `INSERT INTO temp."order_stores" ("storeId", "raises", "grade", "customer") VALUES (?, ?, ?, ?)`;
/** The stores' columns as stored (text dates, 0/1), to be compared inside the commit as they are. */
const SNAPSHOT = `CREATE TEMP TABLE "order_store_facts" AS SELECT ${q(factColumns)} FROM "Store" WHERE "id" IN (SELECT "storeId" FROM temp."order_stores")`;
const SNAPSHOT_PAGE = `SELECT ${q(factColumns)} FROM temp."order_store_facts" WHERE "id" > ? ORDER BY "id" LIMIT 5000`;
const SNAPSHOT_COUNT = `SELECT count(*) AS "n" FROM temp."order_store_facts"`;
const STORE_CHANGED = `SELECT t."id" FROM temp."order_store_facts" t LEFT JOIN "Store" s ON s."id" = t."id"
  WHERE s."id" IS NULL OR ${factColumns.filter((c) => c !== 'id').map((c) => `s."${c}" IS NOT t."${c}"`).join(' OR ')}
  LIMIT 1`;
export const SETTINGS_PRINT = `SELECT group_concat("x", ';') AS "settings" FROM (SELECT "key" || '=' || "value" AS "x" FROM "Setting" ORDER BY "key")`;

const INSERT_ORDERS = `INSERT INTO "Order" ("orderNo", "storeId", "personId", "amount", "orderedAt", "createdAt")
  SELECT "orderNo", "storeId", "personId", "amount", "orderedAt", @at FROM temp."order_rows" ORDER BY "n"`;
// As writeOrders: the latest order date read back from the orders themselves, the grade, customer status.
const RAISE_LAST_ORDER = `UPDATE "Store" SET "lastOrderAt" = (SELECT max(o."orderedAt") FROM "Order" o WHERE o."storeId" = "Store"."id"), "updatedAt" = @at
  WHERE "id" IN (SELECT "storeId" FROM temp."order_stores" WHERE "raises" = 1)`;
const SET_GRADES = `UPDATE "Store" SET "grade" = t."grade", "updatedAt" = @at FROM temp."order_stores" t WHERE "Store"."id" = t."storeId" AND t."grade" IS NOT NULL`;
const MAKE_CUSTOMERS = `UPDATE "Store" SET "isCustomer" = 1, "updatedAt" = @at,
  "customerSince" = (SELECT min(o."orderedAt") FROM "Order" o WHERE o."storeId" = "Store"."id" AND o."orderedAt" >= "Store"."claimedAt" AND o."orderedAt" <= "Store"."protectedUntil")
  WHERE "id" IN (SELECT "storeId" FROM temp."order_stores" WHERE "customer" = 1) AND "isCustomer" = 0`;
const INSERT_AUDIT = `INSERT INTO "AuditLog" ("actorId", "action", "entity", "entityId", "before", "after", "at") VALUES (?, 'order.import', 'order_import', ?, NULL, ?, ?)`;

export interface StagedCommitOptions {
  /** Tests: runs once the orders are staged, just before the commit of each attempt. */
  beforeCommit?: (attempt: number) => Promise<void> | void;
  /** Benchmarks: how long the commit kept this process's other transactions waiting, and the attempts it took. */
  committed?: (facts: { holdMs: number; attempts: number }) => void;
}

const sameFacts = (a: StoreFacts, b: StoreFacts): boolean =>
  a.ownerId === b.ownerId &&
  a.claimedAt?.getTime() === b.claimedAt?.getTime() &&
  a.protectedUntil?.getTime() === b.protectedUntil?.getTime() &&
  a.isCustomer === b.isCustomer &&
  a.lastOrderAt?.getTime() === b.lastOrderAt?.getTime() &&
  a.lastVisitAt?.getTime() === b.lastVisitAt?.getTime() &&
  a.grade === b.grade &&
  a.mergedIntoId === b.mergedIntoId;

/**
 * Stages a plan without problems and commits it in one transaction of the worker; CHANGED when what
 * the plan rests on changed since `settingsPrint` was read (nothing is then written).
 */
export async function commitStagedOrders(
  db: Db,
  worker: SqliteWorker,
  p: { plan: OrderPlan; settings: Settings; settingsPrint: string | null; now: Date; actorId: number; auditAfter: Record<string, unknown>; auditId: string },
  o: StagedCommitOptions & { attempt: number },
): Promise<typeof CHANGED | 'committed'> {
  const pace = pacer();
  const changes = await storeChanges(p.plan.items, p.now, p.settings, pace);
  await worker.exec(STAGE_TABLES);

  const inFlight: Promise<void>[] = [];
  const send = async (sql: string, rows: unknown[][], all = false) => {
    if (rows.length) {
      const sending = worker.insertMany(sql, rows.splice(0));
      sending.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
      inFlight.push(sending);
    }
    while (inFlight.length > (all ? 0 : STAGE_IN_FLIGHT)) await inFlight.shift();
  };
  let rows: unknown[][] = [];
  let staged = 0;
  for (const item of p.plan.items) {
    await pace();
    if (item.status !== 'new') continue;
    const { facts, store } = item;
    rows.push([staged++, facts.orderNo, store.id, store.ownerId, facts.amount, jsonCell('sqlite', facts.orderedAt)]);
    if (rows.length === STAGE_CHUNK) await send(ROW_INSERT, rows);
  }
  await send(ROW_INSERT, rows);
  rows = [];
  for (const c of changes.values()) {
    await pace();
    rows.push([c.store.id, c.raisesLastOrder ? 1 : 0, c.grade === c.store.grade ? null : c.grade, c.customerBy ? 1 : 0]);
    if (rows.length === STAGE_CHUNK) await send(STORE_INSERT, rows);
  }
  await send(STORE_INSERT, rows, true);

  // The stores as the worker reads them now must be the stores the plan read; inside the commit they
  // are then compared column by column, as stored.
  await worker.exec(SNAPSHOT);
  const { n } = (await worker.get<{ n: number }>(SNAPSHOT_COUNT))!;
  if (n !== changes.size) return CHANGED;
  for (let after = 0; ; ) {
    await pace();
    const page = await worker.all<Record<string, unknown>>(SNAPSHOT_PAGE, [after]);
    if (page.length === 0) break;
    for (const row of page) {
      const now = storeFacts(row);
      const planned = changes.get(now.id)?.store;
      if (!planned || !sameFacts(planned, now)) return CHANGED;
      after = now.id;
    }
  }
  await o.beforeCommit?.(o.attempt);

  const at = jsonCell('sqlite', p.now);
  let held = 0;
  let holdMs = 0;
  let checkpointed: Promise<unknown> = Promise.resolve();
  const result = await whileTransactionsWait(db, async () => {
    held = performance.now();
    if (staged >= WIDE_CACHE_FROM) await worker.exec(`PRAGMA cache_size = -${WIDE_CACHE_KIB}`);
    await worker.exec('BEGIN IMMEDIATE');
    let committed = false;
    try {
      const settings = await worker.get<{ settings: string | null }>(SETTINGS_PRINT);
      if ((settings?.settings ?? null) !== p.settingsPrint) return CHANGED;
      if (await worker.get(STORE_CHANGED)) return CHANGED;
      try {
        await worker.run(INSERT_ORDERS, { at });
      } catch (e) {
        // An order of the file recorded meanwhile (the API): planned again, it is unchanged or a conflict.
        if (e instanceof SqliteWorkerError && e.code === 'SQLITE_CONSTRAINT_UNIQUE') return CHANGED;
        throw e;
      }
      await worker.run(RAISE_LAST_ORDER, { at });
      await worker.run(SET_GRADES, { at });
      await worker.run(MAKE_CUSTOMERS, { at });
      await worker.run(INSERT_AUDIT, [p.actorId, p.auditId, JSON.stringify(p.auditAfter), at]);
      await worker.exec('COMMIT');
      committed = true;
      if (staged >= WIDE_CACHE_FROM) await worker.exec(`PRAGMA cache_size = -${NARROW_CACHE_KIB}`);
      // The log now holds the whole import: the worker copies it into the database file, off the event
      // loop, and this thread's transactions go on once it has begun (store-import.ts says more).
      const checkpoint = worker.checkpointInBackground();
      checkpointed = checkpoint.done.catch(() => undefined);
      await checkpoint.started;
      return 'committed' as const;
    } finally {
      if (!committed) {
        await worker.exec('ROLLBACK').catch(() => undefined);
        if (staged >= WIDE_CACHE_FROM) await worker.exec(`PRAGMA cache_size = -${NARROW_CACHE_KIB}`).catch(() => undefined);
      }
      holdMs = performance.now() - held;
    }
  });
  await checkpointed;
  if (result !== CHANGED) o.committed?.({ holdMs, attempts: o.attempt });
  return result;
}
