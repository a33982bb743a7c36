import type { Tx } from '../../db/client.ts';
import { audit } from '../audit/audit.ts';
import { ConflictError } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { extendInTx, transferInTx } from '../pools/pools.ts';
import type { ExtendFields, Flow, SignFields, TerminateFields, TransferFields } from './flows.ts';

// What a final approval does, in the transaction of the decision: if it cannot be done (the store
// changed hands meanwhile, the receiver is at the cap) the decision is refused and nothing is written.

export interface Subject {
  requestId: number;
  flow: Flow;
  requesterId: number;
  storeId: number;
  opportunityId: number | null;
  fields: Record<string, unknown>;
}

/** The report's state is mirrored on the opportunity, so lists and cards need no join. */
export async function mirrorReportStatus(tx: Tx, s: Subject, status: string): Promise<void> {
  if (s.flow !== 'report' || s.opportunityId === null) return;
  await tx.opportunity.update({ where: { id: s.opportunityId }, data: { reportStatus: status } });
}

async function closeOpportunity(tx: Tx, s: Subject, approver: Actor, now: Date, outcome: 'won' | 'lost'): Promise<void> {
  const id = s.opportunityId!;
  const before = await tx.opportunity.findUniqueOrThrow({ where: { id }, select: { stage: true, storeId: true, ownerId: true } });
  if (before.stage === 'won' || before.stage === 'lost') throw new ConflictError('opportunity.closed', { stage: before.stage });
  let note: string;
  if (outcome === 'won') {
    const f = s.fields as unknown as SignFields;
    await tx.opportunity.update({ where: { id }, data: { stage: 'won', wonAmount: f.wonAmount, wonAt: new Date(f.wonAt), contractNo: f.contractNo } });
    note = f.note ? `${f.contractNo} — ${f.note}` : f.contractNo;
    // PRODUCT.md: a won opportunity makes the store its owner's customer; it no longer auto-returns.
    await tx.store.updateMany({
      where: { id: before.storeId, ownerId: before.ownerId, isCustomer: false },
      data: { isCustomer: true, customerSince: new Date(f.wonAt) },
    });
  } else {
    const f = s.fields as unknown as TerminateFields;
    await tx.opportunity.update({ where: { id }, data: { stage: 'lost', lostReason: f.reason } });
    note = f.reason;
  }
  await tx.opportunityStageChange.create({ data: { opportunityId: id, fromStage: before.stage, toStage: outcome, note, byId: approver.id, at: now } });
  await audit(tx, { actorId: approver.id, action: `opportunity.${outcome}`, entity: 'opportunity', entityId: id, before: { stage: before.stage }, after: { stage: outcome, requestId: s.requestId }, at: now });
}

/** The store must still be the requester's: a request about a store that changed hands is stale. */
async function assertStillOwned(tx: Tx, s: Subject): Promise<void> {
  const store = await tx.store.findUnique({ where: { id: s.storeId }, select: { ownerId: true, code: true } });
  if (store?.ownerId !== s.requesterId) throw new ConflictError('approval.store_changed', { code: store?.code ?? String(s.storeId) });
}

export async function applyApproved(tx: Tx, s: Subject, approver: Actor, now: Date): Promise<void> {
  switch (s.flow) {
    case 'report':
      return mirrorReportStatus(tx, s, 'approved');
    case 'sign':
      return closeOpportunity(tx, s, approver, now, 'won');
    case 'terminate':
      return closeOpportunity(tx, s, approver, now, 'lost');
    case 'transfer': {
      await assertStillOwned(tx, s);
      const f = s.fields as unknown as TransferFields;
      await transferInTx(tx, approver, { storeIds: [s.storeId], toPersonId: f.toPersonId, reason: f.reason }, now);
      return;
    }
    case 'extend': {
      await assertStillOwned(tx, s);
      const f = s.fields as unknown as ExtendFields;
      await extendInTx(tx, approver, s.storeId, { days: f.days, reason: f.reason }, now);
      return;
    }
  }
}
