import { z } from 'zod';
import { inTransaction, isUniqueViolation, Prisma, type Db, type Tx } from '../../db/client.ts';
import { auditMany, type AuditEntry } from '../audit/audit.ts';
import { BULK_CHUNK, dialectOf, inJson, insertRows, KEY_CHUNK, type Column } from '../imports/bulk-sql.ts';
import { noPace, type Pace } from '../imports/pace.ts';
import type { Deps } from '../deps.ts';
import { ConflictError, DomainError, InvalidInputError, NotFoundError, type Issue, type MessageParams } from '../errors.ts';
import { loadSettings, type Settings } from '../settings/settings.ts';
import { issuesFromZod, parse, plainText } from '../validation.ts';
import { computeGrade, type Grade } from '../grades/grades.ts';

/** 100,000,000.00 yuan: far above any real order, low enough to stay an exact integer everywhere. */
export const MAX_ORDER_AMOUNT = 10_000_000_000;
const EARLIEST = new Date('2000-01-01T00:00:00Z');
/** The order system's clock may run a little ahead of ours. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** An order number as the order system writes it; a store code as the CRM made it. */
export const orderNoSchema = plainText(z.string().trim().min(1).max(64));
export const storeCodeSchema = plainText(z.string().trim().min(1).max(40));

export const orderSchema = z.object({
  orderNo: orderNoSchema,
  storeCode: storeCodeSchema,
  /** Minor units (fen). */
  amount: z.number().int().min(0).max(MAX_ORDER_AMOUNT),
  orderedAt: z.date().min(EARLIEST, 'order.too_old'),
});
export type OrderInput = z.input<typeof orderSchema>;
export type OrderFacts = z.output<typeof orderSchema>;
export type OrderField = keyof OrderFacts;

/** The store columns an order reads and changes. */
export interface StoreFacts {
  id: number;
  code: string;
  ownerId: number | null;
  claimedAt: Date | null;
  protectedUntil: Date | null;
  isCustomer: boolean;
  lastOrderAt: Date | null;
  lastVisitAt: Date | null;
  grade: string;
  mergedIntoId: number | null;
}

export interface ExistingOrder {
  id: number;
  orderNo: string;
  storeId: number;
  amount: number;
  orderedAt: Date;
}

export type PlannedOrder =
  | { status: 'new'; facts: OrderFacts; store: StoreFacts }
  /** Already recorded with the same data (or the same order earlier in this batch). */
  | { status: 'unchanged'; facts: OrderFacts; store: StoreFacts; existing: ExistingOrder | null }
  | { status: 'problem'; facts: OrderFacts };

export interface OrderProblem {
  index: number;
  field: OrderField;
  key: string;
  params: MessageParams;
  /** The order number is taken by an order with other data (HTTP 409 rather than 422). */
  conflict: boolean;
}

export interface OrderPlan {
  items: PlannedOrder[];
  problems: OrderProblem[];
}

const CHUNK = 1000;
const chunks = <T>(items: T[], size = CHUNK): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

const storeColumns = Prisma.sql`"id", "code", "ownerId", "claimedAt", "protectedUntil", "isCustomer", "lastOrderAt", "lastVisitAt", "grade", "mergedIntoId"`;

const date = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string | Date));
const int = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** A raw row as StoreFacts: SQLite gives dates as text and booleans as 0/1. */
export const storeFacts = (r: Record<string, unknown>): StoreFacts => ({
  id: Number(r.id),
  code: String(r.code),
  ownerId: int(r.ownerId),
  claimedAt: date(r.claimedAt),
  protectedUntil: date(r.protectedUntil),
  isCustomer: r.isCustomer === true || Number(r.isCustomer) === 1,
  lastOrderAt: date(r.lastOrderAt),
  lastVisitAt: date(r.lastVisitAt),
  grade: String(r.grade),
  mergedIntoId: int(r.mergedIntoId),
});

/**
 * Keys per look-up: a thousand stores read and converted are ~40 ms of the thread between two turns
 * (a Slack ack waits that long); a quarter of that costs an import ~0.3 s in all.
 */
const PACED_KEY_CHUNK = KEY_CHUNK / 4;

/** The values without repeats, in order, with turns (100,000 codes in one Set: ~70 ms of the thread). */
async function distinct(values: string[], pace: Pace): Promise<string[]> {
  const seen = new Set<string>();
  for (let i = 0; i < values.length; i++) {
    if ((i & 1023) === 0) await pace();
    seen.add(values[i]!);
  }
  return [...seen];
}

/**
 * The stores of these codes; a code of a store merged into another stands for the survivor, since
 * the order system keeps sending the codes it knows.
 */
async function storesByCode(db: Db | Tx, codes: string[], pace: Pace): Promise<Map<string, StoreFacts>> {
  const dialect = dialectOf(db);
  const byCode = new Map<string, StoreFacts>();
  const byId = new Map<number, StoreFacts>();
  for (const part of chunks(await distinct(codes, pace), PACED_KEY_CHUNK)) {
    await pace();
    const rows = await db.$queryRaw<Record<string, unknown>[]>`SELECT ${storeColumns} FROM "Store" WHERE ${inJson(dialect, Prisma.sql`"code"`, part)}`;
    for (const row of rows) {
      const s = storeFacts(row);
      byCode.set(s.code, s);
      byId.set(s.id, s);
    }
  }
  for (let hop = 0; hop < 5; hop++) {
    const missing = new Set<number>();
    for (const s of byId.values()) if (s.mergedIntoId !== null && !byId.has(s.mergedIntoId)) missing.add(s.mergedIntoId);
    if (missing.size === 0) break;
    for (const part of chunks([...missing])) {
      await pace();
      const rows = await db.$queryRaw<Record<string, unknown>[]>`SELECT ${storeColumns} FROM "Store" WHERE "id" IN (${Prisma.join(part)})`;
      for (const s of rows.map(storeFacts)) byId.set(s.id, s);
    }
  }
  const survivor = (s: StoreFacts): StoreFacts => {
    let cur = s;
    for (let hop = 0; hop < 5 && cur.mergedIntoId !== null && byId.has(cur.mergedIntoId); hop++) cur = byId.get(cur.mergedIntoId)!;
    return cur;
  };
  for (const [code, s] of byCode) {
    if (s.mergedIntoId === null) continue;
    await pace();
    byCode.set(code, survivor(s));
  }
  return byCode;
}

/** Raw, the numbers as one JSON parameter: an import looks up tens of thousands at once. */
async function ordersByNumber(db: Db | Tx, orderNos: string[], pace: Pace): Promise<Map<string, ExistingOrder>> {
  const out = new Map<string, ExistingOrder>();
  const dialect = dialectOf(db);
  for (const part of chunks(await distinct(orderNos, pace), PACED_KEY_CHUNK)) {
    await pace();
    const rows = await db.$queryRaw<{ id: number | bigint; orderNo: string; storeId: number | bigint; amount: number | bigint; orderedAt: Date | string }[]>`
      SELECT "id", "orderNo", "storeId", "amount", "orderedAt" FROM "Order" WHERE ${inJson(dialect, Prisma.sql`"orderNo"`, part)}`;
    for (const o of rows) out.set(o.orderNo, { id: Number(o.id), orderNo: o.orderNo, storeId: Number(o.storeId), amount: Number(o.amount), orderedAt: new Date(o.orderedAt) });
  }
  return out;
}

const orderColumns: Column[] = [
  { name: 'orderNo', type: 'text' },
  { name: 'storeId', type: 'int' },
  { name: 'personId', type: 'int' },
  { name: 'amount', type: 'int' },
  { name: 'orderedAt', type: 'date' },
];

/**
 * What recording these (already validated) orders would do, without writing: each is new, unchanged
 * (recorded before with the same data) or has problems. `label(i)` names an order in messages
 * ("line 12", "orders[3]").
 */
export async function planOrders(db: Db | Tx, orders: OrderFacts[], o: { now: Date; label: (index: number) => string; pace?: Pace }): Promise<OrderPlan> {
  // With `pace` (only outside an SQLite transaction: pace.ts) the look-ups give the event loop its turns.
  const pace = o.pace ?? noPace;
  const existing = await ordersByNumber(db, orders.map((x) => x.orderNo), pace);
  const stores = await storesByCode(db, orders.map((x) => x.storeCode), pace);
  const problems: OrderProblem[] = [];
  const problem = (index: number, field: OrderField, key: string, params: MessageParams = {}, conflict = false) => problems.push({ index, field, key, params, conflict });
  const firstInBatch = new Map<string, number>();
  const latestAllowed = o.now.getTime() + CLOCK_SKEW_MS;
  const items: PlannedOrder[] = [];
  // A loop with turns rather than one map: 100,000 orders are ~70 ms of the thread.
  for (let index = 0; index < orders.length; index++) {
    await pace();
    items.push(plan(orders[index]!, index));
  }
  return { items, problems };

  function plan(facts: OrderFacts, index: number): PlannedOrder {
    const before = problems.length;
    const store = stores.get(facts.storeCode);
    const old = existing.get(facts.orderNo);
    const first = firstInBatch.get(facts.orderNo);
    if (first !== undefined) {
      if (!sameFacts(orders[first]!, facts)) problem(index, 'orderNo', 'order.duplicate_in_batch', { orderNo: facts.orderNo, first: o.label(first) }, true);
    } else {
      firstInBatch.set(facts.orderNo, index);
      if (old && (old.storeId !== store?.id || old.amount !== facts.amount || old.orderedAt.getTime() !== facts.orderedAt.getTime())) {
        problem(index, 'orderNo', 'order.conflict', { orderNo: facts.orderNo }, true);
      } else if (!store) {
        problem(index, 'storeCode', 'store.not_found_code', { code: facts.storeCode });
      }
      // Only for a new order: one recorded before is the same order however the clocks compare.
      if (!old && facts.orderedAt.getTime() > latestAllowed) problem(index, 'orderedAt', 'order.in_future');
    }
    if (problems.length > before || !store) return { status: 'problem', facts };
    if (first !== undefined || old) return { status: 'unchanged', facts, store, existing: old ?? null };
    return { status: 'new', facts, store };
  }
}

const sameFacts = (a: OrderFacts, b: OrderFacts) =>
  a.storeCode === b.storeCode && a.amount === b.amount && a.orderedAt.getTime() === b.orderedAt.getTime();

export interface RecordedOrder {
  id: number;
  orderNo: string;
  storeId: number;
  storeCode: string;
  amount: number;
  orderedAt: Date;
  created: boolean;
  /** This order made the store its owner's customer (it no longer auto-returns). */
  becameCustomer: boolean;
}

export interface StoreChange {
  store: StoreFacts;
  lastOrderAt: Date;
  raisesLastOrder: boolean;
  grade: Grade;
  /** The order (by number) that makes the store a customer, and when. */
  customerBy: { orderNo: string; at: Date } | null;
}

/**
 * How new orders change their stores: the latest order date, the grade, and — for an order inside
 * the owner's protection — customer status (PRODUCT.md: "an order inside the protection makes the
 * store the rep's customer"). Among several qualifying orders the earliest makes it so.
 */
export async function storeChanges(items: PlannedOrder[], now: Date, settings: Settings, pace: Pace = noPace): Promise<Map<number, StoreChange>> {
  const changes = new Map<number, StoreChange>();
  for (const item of items) {
    if (item.status !== 'new') continue;
    await pace();
    const { store, facts } = item;
    let c = changes.get(store.id);
    if (!c) {
      c = { store, lastOrderAt: store.lastOrderAt ?? facts.orderedAt, raisesLastOrder: false, grade: 'D', customerBy: null };
      changes.set(store.id, c);
    }
    if (!store.lastOrderAt || facts.orderedAt > store.lastOrderAt) c.raisesLastOrder = true;
    if (facts.orderedAt > c.lastOrderAt) c.lastOrderAt = facts.orderedAt;
    const inProtection =
      !store.isCustomer &&
      store.ownerId !== null &&
      store.claimedAt !== null &&
      store.protectedUntil !== null &&
      facts.orderedAt >= store.claimedAt &&
      facts.orderedAt <= store.protectedUntil;
    if (inProtection && (!c.customerBy || facts.orderedAt < c.customerBy.at)) c.customerBy = { orderNo: facts.orderNo, at: facts.orderedAt };
  }
  for (const c of changes.values()) {
    await pace();
    c.grade = computeGrade({ lastOrderAt: c.lastOrderAt, lastVisitAt: c.store.lastVisitAt }, now, settings);
  }
  return changes;
}

/**
 * Writes the new orders of a plan without problems and what they change on their stores, in a few
 * statements per thousand orders (an import brings tens of thousands). Must run in the transaction
 * that made the plan.
 */
export async function writeOrders(
  tx: Tx,
  plan: OrderPlan,
  o: { actorId: number | null; now: Date; auditAfter?: Record<string, unknown>; auditEach?: boolean },
): Promise<RecordedOrder[]> {
  if (plan.problems.length) throw new Error('writeOrders: the plan has problems');
  const settings = await loadSettings(tx);
  const changes = await storeChanges(plan.items, o.now, settings);
  const fresh = plan.items.filter((i): i is Extract<PlannedOrder, { status: 'new' }> => i.status === 'new');

  const ids = new Map<string, number>();
  const dialect = dialectOf(tx);
  for (const part of chunks(fresh, BULK_CHUNK)) {
    const rows = await insertRows<{ id: number | bigint; orderNo: string }>(tx, dialect, {
      table: 'Order',
      columns: orderColumns,
      rows: part.map(({ facts, store }) => [facts.orderNo, store.id, store.ownerId, facts.amount, facts.orderedAt]),
      same: [{ column: { name: 'createdAt', type: 'date' }, value: o.now }],
      returning: ['id', 'orderNo'],
    });
    for (const r of rows) ids.set(r.orderNo, Number(r.id));
  }

  // The latest order date is read back from the orders themselves (the store's latest is the maximum
  // of its orders): one statement for a thousand stores instead of one each.
  const all = [...changes.values()];
  for (const part of chunks(all.filter((c) => c.raisesLastOrder).map((c) => c.store.id))) {
    await tx.$executeRaw`UPDATE "Store" SET "lastOrderAt" = (SELECT max(o."orderedAt") FROM "Order" o WHERE o."storeId" = "Store"."id"), "updatedAt" = ${o.now}
      WHERE "id" IN (${Prisma.join(part)})`;
  }
  const byGrade = new Map<Grade, number[]>();
  for (const c of all) {
    if (c.grade === c.store.grade) continue;
    const ids = byGrade.get(c.grade);
    if (ids) ids.push(c.store.id);
    else byGrade.set(c.grade, [c.store.id]);
  }
  for (const [grade, storeIds] of byGrade) {
    for (const part of chunks(storeIds)) {
      await tx.$executeRaw`UPDATE "Store" SET "grade" = ${grade}, "updatedAt" = ${o.now} WHERE "id" IN (${Prisma.join(part)})`;
    }
  }
  for (const part of chunks(all.filter((c) => c.customerBy).map((c) => c.store.id))) {
    await tx.$executeRaw`UPDATE "Store" SET "isCustomer" = ${true}, "updatedAt" = ${o.now},
      "customerSince" = (SELECT min(o."orderedAt") FROM "Order" o WHERE o."storeId" = "Store"."id" AND o."orderedAt" >= "Store"."claimedAt" AND o."orderedAt" <= "Store"."protectedUntil")
      WHERE "id" IN (${Prisma.join(part)}) AND "isCustomer" = ${false}`;
  }

  const results = plan.items.map((item): RecordedOrder => {
    if (item.status === 'problem') throw new Error('unreachable');
    const { facts, store } = item;
    if (item.status === 'unchanged') {
      const id = item.existing?.id ?? ids.get(facts.orderNo)!;
      return { id, orderNo: facts.orderNo, storeId: store.id, storeCode: store.code, amount: facts.amount, orderedAt: facts.orderedAt, created: false, becameCustomer: false };
    }
    const becameCustomer = changes.get(store.id)?.customerBy?.orderNo === facts.orderNo;
    return { id: ids.get(facts.orderNo)!, orderNo: facts.orderNo, storeId: store.id, storeCode: store.code, amount: facts.amount, orderedAt: facts.orderedAt, created: true, becameCustomer };
  });
  // An import audits itself in one row: fifty thousand rows of it would bury the audit log.
  if (o.auditEach === false) return results;
  const audits: AuditEntry[] = results
    .filter((r) => r.created)
    .map((r) => ({
      actorId: o.actorId,
      action: 'order.record',
      entity: 'order',
      entityId: r.id,
      after: { orderNo: r.orderNo, storeCode: r.storeCode, storeId: r.storeId, amount: r.amount, orderedAt: r.orderedAt, becameCustomer: r.becameCustomer, ...o.auditAfter },
      at: o.now,
    }));
  for (const part of chunks(audits, 2000)) await auditMany(tx, part);
  return results;
}

/** The problems of a plan as issues, each at `path(index).field`. */
export function planIssues(plan: OrderPlan, path: (index: number) => string): Issue[] {
  return plan.problems.map((p) => ({ path: `${path(p.index)}.${p.field}`.replace(/^\./, ''), key: p.key, params: p.params }));
}

/**
 * Records orders from the order system, all or none; idempotent by order number: an order sent
 * again with the same data is reported as not created, with other data it is a conflict.
 * Throws InvalidInputError (422) or, when every problem is a taken order number, a conflict (409),
 * with every problem as an issue at `path(index).field`.
 */
export async function recordOrders(
  deps: Deps,
  inputs: OrderInput[],
  o: { actorId?: number | null; path?: (index: number) => string; auditAfter?: Record<string, unknown> } = {},
): Promise<RecordedOrder[]> {
  const path = o.path ?? ((i: number) => `orders[${i}]`);
  const issues: Issue[] = [];
  const orders = inputs.map((input, i) => {
    const r = orderSchema.safeParse(input);
    if (r.success) return r.data;
    issues.push(...issuesFromZod(r.error).map((x) => ({ ...x, path: [path(i), x.path].filter(Boolean).join('.') })));
    return null;
  });
  if (issues.length) throw new InvalidInputError('order.batch_invalid', { count: issues.length }, issues);
  const now = deps.clock.now();
  const attempt = () =>
    inTransaction(deps.db, async (tx) => {
      const plan = await planOrders(tx, orders as OrderFacts[], { now, label: path });
      if (plan.problems.length) throw planError(plan, path);
      return writeOrders(tx, plan, { actorId: o.actorId ?? null, now, auditAfter: o.auditAfter });
    });
  try {
    return await attempt();
  } catch (e) {
    // The same order sent twice at once: the later insert loses on the unique order number, and
    // a second look finds the order recorded.
    if (!isUniqueViolation(e)) throw e;
    return attempt();
  }
}

function planError(plan: OrderPlan, path: (index: number) => string): DomainError {
  const issues = planIssues(plan, path);
  const allConflicts = plan.problems.every((p) => p.conflict);
  return new DomainError(allConflicts ? 'conflict' : 'invalid', 'order.batch_invalid', { count: issues.length }, issues);
}

/**
 * Records one order (see recordOrders). An unknown store code is a NotFoundError and a taken order
 * number a ConflictError, as for any single record.
 */
export async function recordOrder(deps: Deps, input: OrderInput, actorId: number | null = null) {
  const v = parse(orderSchema, input);
  try {
    const [r] = await recordOrders(deps, [v], { actorId, path: () => '' });
    return { order: r!, created: r!.created, becameCustomer: r!.becameCustomer };
  } catch (e) {
    if (!(e instanceof DomainError) || e.key !== 'order.batch_invalid') throw e;
    const first = e.issues[0]!;
    if (first.key === 'store.not_found_code') throw new NotFoundError(first.key, first.params);
    if (first.key === 'order.conflict') throw new ConflictError(first.key, first.params);
    throw e;
  }
}
