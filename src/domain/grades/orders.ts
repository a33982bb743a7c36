import { z } from 'zod';
import { inTransaction, isUniqueViolation } from '../../db/client.ts';
import { audit } from '../audit/audit.ts';
import type { Deps } from '../deps.ts';
import { NotFoundError } from '../errors.ts';
import { loadSettings } from '../settings/settings.ts';
import { parse } from '../validation.ts';
import { computeGrade } from './grades.ts';

export const orderSchema = z.object({
  orderNo: z.string().trim().min(1).max(64),
  storeCode: z.string().trim().min(1).max(40),
  amount: z.number().int().min(0).max(10_000_000_000),
  orderedAt: z.date(),
});
export type OrderInput = z.input<typeof orderSchema>;

/**
 * Records an order from the company's order system; idempotent by order number. An order inside the
 * owner's protection makes the store that owner's customer: it no longer auto-returns.
 */
export async function recordOrder(deps: Deps, input: OrderInput, actorId: number | null = null) {
  const v = parse(orderSchema, input);
  const now = deps.clock.now();
  try {
    return await record(deps, v, actorId, now);
  } catch (e) {
    // The same order sent twice at once: the second insert loses on the unique order number.
    if (!isUniqueViolation(e)) throw e;
    const order = await deps.db.order.findUniqueOrThrow({ where: { orderNo: v.orderNo } });
    return { order, created: false, becameCustomer: false };
  }
}

async function record(deps: Deps, v: z.output<typeof orderSchema>, actorId: number | null, now: Date) {
  return inTransaction(deps.db, async (tx) => {
    const existing = await tx.order.findUnique({ where: { orderNo: v.orderNo } });
    if (existing) return { order: existing, created: false, becameCustomer: false };
    const store = await tx.store.findUnique({ where: { code: v.storeCode } });
    if (!store) throw new NotFoundError('store.not_found_code', { code: v.storeCode });
    const settings = await loadSettings(tx);
    const order = await tx.order.create({
      data: { orderNo: v.orderNo, storeId: store.id, personId: store.ownerId, amount: v.amount, orderedAt: v.orderedAt },
    });
    const lastOrderAt = !store.lastOrderAt || v.orderedAt > store.lastOrderAt ? v.orderedAt : store.lastOrderAt;
    const becameCustomer =
      !store.isCustomer &&
      store.ownerId !== null &&
      store.claimedAt !== null &&
      store.protectedUntil !== null &&
      v.orderedAt >= store.claimedAt &&
      v.orderedAt <= store.protectedUntil;
    await tx.store.update({
      where: { id: store.id },
      data: {
        lastOrderAt,
        grade: computeGrade({ lastOrderAt, lastVisitAt: store.lastVisitAt }, now, settings),
        ...(becameCustomer ? { isCustomer: true, customerSince: v.orderedAt } : {}),
      },
    });
    await audit(tx, { actorId, action: 'order.record', entity: 'order', entityId: order.id, after: { ...v, storeId: store.id, becameCustomer }, at: now });
    return { order, created: true, becameCustomer };
  });
}
