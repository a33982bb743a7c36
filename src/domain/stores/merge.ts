import { inTransaction } from '../../db/client.ts';
import { audit } from '../audit/audit.ts';
import type { Deps } from '../deps.ts';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { idSchema } from './fields.ts';
import { parse } from '../validation.ts';
import { nextOpenFollowUp } from '../visits/visits.ts';

/**
 * An admin merges a duplicate into a survivor: visits, contacts, follow-ups, orders and history move
 * to the survivor, which keeps its owner (or takes the duplicate's when it had none); the duplicate is
 * marked deleted and points at the survivor.
 */
export async function mergeStores(deps: Deps, actor: Actor, survivorId: number, duplicateId: number) {
  parse(idSchema, survivorId);
  parse(idSchema, duplicateId);
  if (actor.role !== 'admin') throw new ForbiddenError('store.merge_needs_admin');
  if (survivorId === duplicateId) throw new InvalidInputError('store.merge_same');
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const [survivor, dup] = await Promise.all([
      tx.store.findUnique({ where: { id: survivorId } }),
      tx.store.findUnique({ where: { id: duplicateId } }),
    ]);
    if (!survivor || survivor.status === 'deleted') throw new NotFoundError('store.not_found', { id: survivorId });
    if (!dup || dup.status === 'deleted') throw new NotFoundError('store.not_found', { id: duplicateId });
    if (survivor.ownerId !== null && dup.ownerId !== null && survivor.ownerId !== dup.ownerId) {
      throw new ConflictError('store.merge_two_owners', { a: survivor.code, b: dup.code });
    }
    const move = { where: { storeId: dup.id }, data: { storeId: survivor.id } };
    await tx.visit.updateMany(move);
    await tx.followUp.updateMany(move);
    await tx.order.updateMany(move);
    await tx.claimHistory.updateMany(move);
    if (await tx.contact.count({ where: { storeId: survivor.id, isPrimary: true } })) {
      await tx.contact.updateMany({ where: { storeId: dup.id }, data: { isPrimary: false } });
    }
    await tx.contact.updateMany(move);
    const latest = (a: Date | null, b: Date | null) => (!a ? b : !b ? a : a > b ? a : b);
    const takeOwner = survivor.ownerId === null && dup.ownerId !== null;
    const after = await tx.store.update({
      where: { id: survivor.id },
      data: {
        phone: survivor.phone ?? dup.phone,
        phoneKey: survivor.phoneKey ?? dup.phoneKey,
        address: survivor.address ?? dup.address,
        lastVisitAt: latest(survivor.lastVisitAt, dup.lastVisitAt),
        lastOrderAt: latest(survivor.lastOrderAt, dup.lastOrderAt),
        nextFollowUpAt: await nextOpenFollowUp(tx, survivor.id),
        isCustomer: survivor.isCustomer || dup.isCustomer,
        ...(takeOwner ? { ownerId: dup.ownerId, claimedAt: dup.claimedAt, protectedUntil: dup.protectedUntil, customerSince: dup.customerSince } : {}),
      },
    });
    const retired = await tx.store.updateMany({
      where: { id: dup.id, status: { not: 'deleted' } },
      data: { status: 'deleted', mergedIntoId: survivor.id, ownerId: null, claimedAt: null, protectedUntil: null, isCustomer: false },
    });
    if (retired.count === 0) throw new ConflictError('pool.changed_meanwhile', { code: dup.code });
    await tx.claimHistory.create({
      data: { storeId: survivor.id, action: 'merge', fromOwnerId: dup.ownerId, toOwnerId: after.ownerId, actorId: actor.id, reason: `merged ${dup.code}`, at: now },
    });
    await audit(tx, { actorId: actor.id, action: 'store.merge', entity: 'store', entityId: survivor.id, before: { survivor, duplicate: dup }, after, at: now });
    return after;
  });
}
