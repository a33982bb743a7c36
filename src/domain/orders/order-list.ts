import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { ForbiddenError } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { assertActive } from '../org/scope.ts';
import { parse } from '../validation.ts';
import { storeCodeSchema } from './orders.ts';

const filterSchema = z.object({
  storeCode: z.string().trim().max(40).optional(),
  page: z.number().int().min(1).max(100_000).default(1),
  pageSize: z.number().int().min(1).max(200).default(50),
});

export interface OrderListRow {
  id: number;
  orderNo: string;
  storeId: number;
  storeCode: string;
  storeName: string;
  amount: number;
  orderedAt: Date;
  personName: string | null;
  createdAt: Date;
}

/** The most recent orders first (admins: orders are the company's, not a team's), optionally of one store. */
export async function listOrders(deps: Deps, actor: Actor, input: z.input<typeof filterSchema>): Promise<{ total: number; rows: OrderListRow[]; page: number; pageSize: number }> {
  assertActive(actor);
  if (actor.role !== 'admin') throw new ForbiddenError('order.needs_admin');
  const f = parse(filterSchema, input);
  const where = f.storeCode ? { store: { code: f.storeCode } } : {};
  const [total, rows] = await Promise.all([
    deps.db.order.count({ where }),
    deps.db.order.findMany({
      where,
      orderBy: [{ orderedAt: 'desc' }, { id: 'desc' }],
      skip: (f.page - 1) * f.pageSize,
      take: f.pageSize,
      include: { store: { select: { code: true, name: true } }, person: { select: { name: true } } },
    }),
  ]);
  return {
    total,
    page: f.page,
    pageSize: f.pageSize,
    rows: rows.map((o) => ({
      id: o.id,
      orderNo: o.orderNo,
      storeId: o.storeId,
      storeCode: o.store.code,
      storeName: o.store.name,
      amount: o.amount,
      orderedAt: o.orderedAt,
      personName: o.person?.name ?? null,
      createdAt: o.createdAt,
    })),
  };
}

/** The orders API's read: by store and/or since an instant, oldest first, a page at a time. */
export const apiOrderQuerySchema = z.object({
  storeCode: storeCodeSchema.optional(),
  /** Orders placed at or after this instant. */
  since: z.date().optional(),
  page: z.number().int().min(1).max(100_000).default(1),
  pageSize: z.number().int().min(1).max(500).default(100),
});

export interface ApiOrderRow {
  orderNo: string;
  storeCode: string;
  amount: number;
  orderedAt: Date;
  recordedAt: Date;
}

/** Not an actor's view: the caller is the order system, allowed by its token's scope. */
export async function queryOrders(deps: Deps, input: z.input<typeof apiOrderQuerySchema>): Promise<{ total: number; page: number; pageSize: number; rows: ApiOrderRow[] }> {
  const f = parse(apiOrderQuerySchema, input);
  const where = { ...(f.storeCode ? { store: { code: f.storeCode } } : {}), ...(f.since ? { orderedAt: { gte: f.since } } : {}) };
  const [total, rows] = await Promise.all([
    deps.db.order.count({ where }),
    deps.db.order.findMany({
      where,
      orderBy: [{ orderedAt: 'asc' }, { id: 'asc' }],
      skip: (f.page - 1) * f.pageSize,
      take: f.pageSize,
      select: { orderNo: true, amount: true, orderedAt: true, createdAt: true, store: { select: { code: true } } },
    }),
  ]);
  return {
    total,
    page: f.page,
    pageSize: f.pageSize,
    rows: rows.map((o) => ({ orderNo: o.orderNo, storeCode: o.store.code, amount: o.amount, orderedAt: o.orderedAt, recordedAt: o.createdAt })),
  };
}
