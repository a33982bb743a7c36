import { getStore } from '../../domain/stores/stores.ts';
import { visitConfirmation } from '../views/visit-confirmation.ts';
import type { Renderer, Renderers } from './delivery.ts';
import { recipientOf } from './recipient.ts';

// Confirmations of a person's own changes that come as a DM (the visit they logged), rendered when
// sent from what was written, in the person's language.

const visitLogged: Renderer = async (deps, row) => {
  const { db } = deps;
  const visitId = Number(row.payload.visitId);
  const visit = await db.visit.findUnique({ where: { id: visitId }, include: { store: true } });
  if (!visit || row.recipientId === null) return { method: 'skip', reason: 'the visit is gone' };
  const { actor, reader } = await recipientOf(db, row.recipientId);
  // Claim only while the store is still public: it may have been claimed since the visit.
  const claimable = row.payload.claimable === true && visit.store.ownerId === null;
  const card = await getStore(deps, actor, visit.storeId).catch(() => null);
  const message = visitConfirmation(reader, {
    result: { visit: { id: visit.id, at: visit.at, method: visit.method, cold: visit.cold }, store: visit.store, claimable, followUpId: null },
    summary: visit.summary,
    outcome: visit.outcome,
    stage: visit.stage,
    nextFollowUpAt: visit.nextFollowUpAt,
    card,
    viewer: { actor, canClaim: claimable },
    now: deps.clock.now(),
  });
  return { method: 'post', text: message.text, blocks: message.blocks };
};

export const confirmationRenderers = { 'visit.logged': visitLogged } satisfies Partial<Renderers>;
