import { z } from 'zod';
import { inTransaction } from '../../db/client.ts';
import { audit, auditMany } from '../audit/audit.ts';
import { addDaysUtc } from '../clock.ts';
import type { Deps } from '../deps.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { leadsUnit, scopeFor } from '../org/scope.ts';
import { checkCanReceive } from '../stores/stores.ts';
import { idSchema } from '../stores/fields.ts';
import { handOverApprovals } from '../approvals/engine.ts';
import { parse } from '../validation.ts';

export const handoverSchema = z.object({
  personId: idSchema,
  /** null: every store goes to the public pool. */
  toPersonId: idSchema.nullable(),
});

/**
 * A leaver's stores go to the public pool or to a named rep in one step, then the account is closed.
 * Their open follow-ups move with the stores (or are cancelled); units they led lose their lead.
 */
export async function deactivateWithHandover(deps: Deps, actor: Actor, input: z.input<typeof handoverSchema>) {
  const v = parse(handoverSchema, input);
  if (actor.role !== 'admin' && actor.role !== 'manager') throw new ForbiddenError('person.deactivate_needs_manager');
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const { settings, scope } = await scopeFor(tx, actor);
    const leaver = await tx.person.findUnique({ where: { id: v.personId } });
    // Outside the actor's team reads as not found, so that ids cannot be probed for names.
    if (!leaver || !leadsUnit(scope, leaver.unitId)) throw new NotFoundError('person.not_found', { id: v.personId });
    if (leaver.id === actor.id) throw new ConflictError('person.cannot_deactivate_self');
    if (!leaver.active) throw new ConflictError('person.already_inactive', { name: leaver.name });
    if (v.toPersonId === leaver.id) throw new ConflictError('person.handover_to_self');
    // Closing the account first and conditionally: a second, simultaneous handover finds it closed.
    const closed = await tx.person.updateMany({ where: { id: leaver.id, active: true }, data: { active: false, deactivatedAt: now } });
    if (closed.count === 0) throw new ConflictError('person.already_inactive', { name: leaver.name });
    const stores = await tx.store.findMany({ where: { ownerId: leaver.id }, select: { id: true, isCustomer: true, protectedUntil: true } });
    if (v.toPersonId !== null) {
      await checkCanReceive(tx, scope, settings, v.toPersonId, stores.filter((s) => !s.isCustomer).length);
    }
    const ids = stores.map((s) => s.id);
    const to = v.toPersonId;
    const protectedUntil = to === null ? null : addDaysUtc(now, settings.protectionDays);
    await tx.store.updateMany({
      where: { id: { in: ids }, ownerId: leaver.id },
      data: to === null
        ? { ownerId: null, claimedAt: null, protectedUntil: null, isCustomer: false, customerSince: null }
        : { ownerId: to, claimedAt: now, protectedUntil },
    });
    await tx.claimHistory.createMany({
      data: stores.map((s) => ({ storeId: s.id, action: 'handover', fromOwnerId: leaver.id, toOwnerId: to, actorId: actor.id, reason: 'leaver', protectedUntil, at: now })),
    });
    await tx.followUp.updateMany({
      where: { personId: leaver.id, status: 'open' },
      data: to === null ? { status: 'cancelled' } : { personId: to },
    });
    await tx.orgUnit.updateMany({ where: { leadId: leaver.id }, data: { leadId: null } });
    // After the lead is cleared: a step the leader held alone goes to the lead of the unit above.
    const approvals = await handOverApprovals(tx, leaver.id, now);
    const after = await tx.person.findUniqueOrThrow({ where: { id: leaver.id } });
    await auditMany(tx, stores.map((s) => ({ actorId: actor.id, action: 'store.handover', entity: 'store', entityId: s.id, before: { ownerId: leaver.id }, after: { ownerId: to }, at: now })));
    await audit(tx, { actorId: actor.id, action: 'person.deactivate', entity: 'person', entityId: leaver.id, before: { active: true }, after: { active: false, handedTo: to, stores: ids.length, approvals }, at: now });
    return { person: after, stores: ids.length, toPersonId: to, approvals };
  });
}
