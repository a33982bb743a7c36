import { z } from 'zod';
import { inTransaction, isUniqueViolation, type Tx } from '../../db/client.ts';
import { audit } from '../audit/audit.ts';
import type { Deps } from '../deps.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { assertActive } from '../org/scope.ts';
import { loadSettings } from '../settings/settings.ts';
import { idSchema } from '../stores/fields.ts';
import { parse } from '../validation.ts';
import { applyApproved, mirrorReportStatus, type Subject } from './effects.ts';
import { COMMENT_MAX, decisions, openKeyOf, stepStatusOf, thresholdOf, type Decision, type Flow } from './flows.ts';
import { addApprovers, standInsFor } from './delegates.ts';
import { refreshCards, sendCards, tellRequester, type RequestEvent } from './notices.ts';
import { routeAbove, routeFrom, type Route } from './routing.ts';

// The one approval engine. A request moves through steps up the requester's org unit; each step has
// approvers and takes exactly one decision: the step's row changes from pending with a conditional
// UPDATE, so of two approvers (or one double click, or a Slack retry) exactly one wins and the other
// is told who decided. Every move writes its cards and notices to the outbox in the same transaction.

export interface OpenRequest {
  flow: Flow;
  requester: Actor;
  storeId: number;
  opportunityId: number | null;
  amount: number | null;
  fields: Record<string, unknown>;
}

/** Creates a request and its first step, inside the caller's transaction (the report comes with its opportunity). */
export async function openRequest(tx: Tx, r: OpenRequest, now: Date): Promise<{ requestId: number; stepId: number }> {
  const openKey = openKeyOf(r.flow, r);
  const already = await tx.approvalRequest.findUnique({ where: { openKey }, select: { id: true, flow: true } });
  if (already) throw new ConflictError('approval.already_open', { id: already.id, flow: already.flow });
  const route = await mustRoute(routeFrom(tx, r.requester.unitId, [r.requester.id]));
  let requestId: number;
  try {
    const created = await tx.approvalRequest.create({
      data: {
        flow: r.flow,
        status: 'pending',
        requesterId: r.requester.id,
        storeId: r.storeId,
        opportunityId: r.opportunityId,
        amount: r.amount,
        fields: JSON.stringify(r.fields),
        openKey,
        createdAt: now,
        updatedAt: now,
      },
      select: { id: true },
    });
    requestId = created.id;
  } catch (e) {
    // Two submissions at once: the unique key lets one in.
    if (isUniqueViolation(e)) throw new ConflictError('approval.already_open', { id: null, flow: r.flow });
    throw e;
  }
  const stepId = await createStep(tx, requestId, 1, 1, route, r.requester, now);
  await mirrorReportStatus(tx, subjectOf({ id: requestId, ...r, requesterId: r.requester.id, fields: JSON.stringify(r.fields) }), 'pending');
  await tellRequester(tx, r.requester.id, requestId, stepId, 'submitted', now);
  await audit(tx, { actorId: r.requester.id, action: `approval.${r.flow}.submit`, entity: 'approval', entityId: requestId, after: { ...r.fields, amount: r.amount, storeId: r.storeId, opportunityId: r.opportunityId }, at: now });
  return { requestId, stepId };
}

async function mustRoute(p: Promise<Route | null>): Promise<Route> {
  const route = await p;
  if (!route) throw new ConflictError('approval.no_approver');
  return route;
}

/** A new step for the route's people, and for the delegates of those of them who are away (src/domain/approvals/delegates.ts). */
async function createStep(tx: Tx, requestId: number, round: number, level: number, route: Route, requester: { id: number; unitId: number | null }, now: Date): Promise<number> {
  const step = await tx.approvalStep.create({ data: { requestId, round, level, unitId: route.unitId, status: 'pending', createdAt: now }, select: { id: true } });
  await tx.approvalApprover.createMany({ data: route.personIds.map((personId) => ({ stepId: step.id, personId, via: 'route', addedAt: now })) });
  await tx.approvalRequest.update({ where: { id: requestId }, data: { currentStepId: step.id, updatedAt: now } });
  await sendCards(tx, requestId, step.id, route.personIds, now);
  const stands = await standInsFor(tx, route.personIds, requester, now);
  const added = await addApprovers(tx, { id: step.id, requestId }, stands, 'delegate', 'delegate', now);
  for (const d of stands.filter((x) => added.includes(x.personId))) {
    await audit(tx, { actorId: null, action: 'approval.delegate', entity: 'approval', entityId: requestId, after: { stepId: step.id, delegateId: d.personId, onBehalfOfId: d.onBehalfOfId }, at: now });
  }
  return step.id;
}

type RequestRow = { id: number; flow: string; requesterId: number; storeId: number; opportunityId: number | null; fields: string };
const subjectOf = (r: RequestRow): Subject => ({
  requestId: r.id,
  flow: r.flow as Flow,
  requesterId: r.requesterId,
  storeId: r.storeId,
  opportunityId: r.opportunityId,
  fields: JSON.parse(r.fields) as Record<string, unknown>,
});

async function loadStep(tx: Tx, stepId: number) {
  const step = await tx.approvalStep.findUnique({
    where: { id: stepId },
    include: {
      request: true,
      approvers: { select: { personId: true, active: true, via: true, onBehalfOfId: true } },
      decidedBy: { select: { id: true, name: true } },
    },
  });
  if (!step) throw new NotFoundError('approval.not_found', { id: stepId });
  return step;
}
type LoadedStep = Awaited<ReturnType<typeof loadStep>>;

/** Why a step can no longer be acted on: who ended it, how and when. */
function closedStepError(step: LoadedStep): ConflictError {
  if (step.status === 'withdrawn' || step.status === 'cancelled') return new ConflictError(`approval.already_${step.status}`, { at: step.decidedAt });
  return new ConflictError(`approval.already_${step.status}`, { by: step.decidedBy?.name ?? '', at: step.decidedAt });
}

/**
 * May this step's approvers end the request here? Not when the amount reaches the flow's threshold on
 * the first level and there is a level above to send it to.
 */
export async function mustSendUp(tx: Tx, step: { level: number; unitId: number | null }, request: { flow: string; amount: number | null; requesterId: number }): Promise<boolean> {
  if (step.level > 1) return false;
  const threshold = thresholdOf(request.flow as Flow, await loadSettings(tx));
  if (threshold === null || request.amount === null || request.amount < threshold) return false;
  return (await routeAbove(tx, step.unitId, [request.requesterId])) !== null;
}

/** The decisions the current step's approvers have. */
export async function decisionsFor(tx: Tx, step: { level: number; unitId: number | null }, request: { flow: string; amount: number | null; requesterId: number }): Promise<Decision[]> {
  return (await mustSendUp(tx, step, request)) ? ['send_up', 'return', 'reject'] : ['approve', 'return', 'reject'];
}

export const decideSchema = z
  .object({
    decision: z.enum(decisions),
    comment: z.string().trim().max(COMMENT_MAX).optional().transform((s) => (s ? s : undefined)),
  })
  .superRefine((v, ctx) => {
    if ((v.decision === 'return' || v.decision === 'reject') && !v.comment) {
      ctx.addIssue({ code: 'custom', path: ['comment'], params: { key: 'approval.comment_required' } });
    }
  });

export interface DecisionResult {
  requestId: number;
  stepId: number;
  decision: Decision;
  status: string;
  nextStepId: number | null;
}

/**
 * An approver decides the current step. Return and reject need a comment. Approve ends the request
 * and applies it (a transfer moves the store, a sign closes the opportunity as won…); send up opens the
 * next level's step; return hands it back to the requester for changes; reject ends it.
 */
export async function decide(deps: Deps, actor: Actor, stepId: number, input: z.input<typeof decideSchema>): Promise<DecisionResult> {
  parse(idSchema, stepId);
  assertActive(actor);
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const step = await loadStep(tx, stepId);
    const request = step.request;
    if (request.requesterId === actor.id) throw new ForbiddenError('approval.own_request');
    if (step.status !== 'pending') throw closedStepError(step);
    const mine = step.approvers.find((a) => a.personId === actor.id && a.active);
    if (!mine) throw new ForbiddenError('approval.not_your_step');
    // Input is checked after who may act: a late click is told who decided, whatever it carried.
    const v = parse(decideSchema, input);
    // An approver who joined by escalation is the level above already: they approve rather than send it up to themselves.
    const sendUp = mine.via === 'escalated' ? false : await mustSendUp(tx, step, request);
    if (v.decision === 'approve' && sendUp) throw new ConflictError('approval.must_send_up');
    if (v.decision === 'send_up' && !sendUp) throw new ConflictError('approval.cannot_send_up');

    // A delegate decides for the one they stand in for: the cards say "on behalf of".
    const onBehalfOfId = mine.via === 'delegate' ? mine.onBehalfOfId : null;
    const won = await tx.approvalStep.updateMany({
      where: { id: stepId, status: 'pending' },
      data: { status: stepStatusOf[v.decision], decidedById: actor.id, onBehalfOfId, comment: v.comment ?? null, decidedAt: now },
    });
    if (won.count === 0) throw closedStepError(await loadStep(tx, stepId));

    const subject = subjectOf(request);
    let status = request.status;
    let nextStepId: number | null = null;
    let event: RequestEvent;
    switch (v.decision) {
      case 'approve':
        await applyApproved(tx, subject, actor, now);
        status = 'approved';
        event = 'approved';
        await closeRequest(tx, request.id, status, now);
        break;
      case 'reject':
        status = 'rejected';
        event = 'rejected';
        await closeRequest(tx, request.id, status, now);
        await mirrorReportStatus(tx, subject, status);
        break;
      case 'return':
        status = 'returned';
        event = 'returned';
        await tx.approvalRequest.update({ where: { id: request.id }, data: { status, returnedFields: request.fields, updatedAt: now } });
        await mirrorReportStatus(tx, subject, status);
        break;
      case 'send_up': {
        const route = await mustRoute(routeAbove(tx, step.unitId, [request.requesterId]));
        const requester = await tx.person.findUniqueOrThrow({ where: { id: request.requesterId }, select: { id: true, unitId: true } });
        nextStepId = await createStep(tx, request.id, step.round, step.level + 1, route, requester, now);
        event = 'sent_up';
        break;
      }
    }
    // Read again: someone who joined the step while this decision was made (an escalation) sees the outcome too.
    const everyone = await tx.approvalApprover.findMany({ where: { stepId }, select: { personId: true } });
    await refreshCards(tx, request.id, stepId, everyone.map((a) => a.personId), 'decided', now);
    await refreshEarlierLevels(tx, request.id, step.round, stepId, now);
    await tellRequester(tx, request.requesterId, request.id, stepId, event, now);
    await audit(tx, {
      actorId: actor.id,
      action: `approval.${v.decision}`,
      entity: 'approval',
      entityId: request.id,
      before: { status: request.status, stepId },
      after: { status, comment: v.comment ?? null, nextStepId },
      at: now,
    });
    return { requestId: request.id, stepId, decision: v.decision, status, nextStepId };
  });
}

/** The cards of the levels below show the whole record too: they are redrawn with each later decision. */
async function refreshEarlierLevels(tx: Tx, requestId: number, round: number, stepId: number, now: Date): Promise<void> {
  const earlier = await tx.approvalStep.findMany({
    where: { requestId, round, id: { lt: stepId } },
    select: { id: true, approvers: { select: { personId: true } } },
  });
  for (const s of earlier) await refreshCards(tx, requestId, s.id, s.approvers.map((a) => a.personId), `after:${stepId}`, now);
}

async function closeRequest(tx: Tx, requestId: number, status: string, now: Date): Promise<void> {
  await tx.approvalRequest.update({ where: { id: requestId }, data: { status, openKey: null, closedAt: now, updatedAt: now } });
}

/** The requester's own request, checked for its state; not-found for anyone else (it is not theirs to see). */
async function ownRequest(tx: Tx, actor: Actor, requestId: number, wanted: string) {
  const request = await tx.approvalRequest.findUnique({ where: { id: requestId } });
  if (!request || request.requesterId !== actor.id) throw new NotFoundError('approval.not_found', { id: requestId });
  if (request.status !== wanted) throw new ConflictError(`approval.not_${wanted}`, { status: request.status });
  return request;
}

/** The requester takes back a pending request; the approvers' cards say so. */
export async function withdrawRequest(deps: Deps, actor: Actor, requestId: number): Promise<void> {
  parse(idSchema, requestId);
  assertActive(actor);
  const now = deps.clock.now();
  await inTransaction(deps.db, async (tx) => {
    const request = await ownRequest(tx, actor, requestId, 'pending');
    const stepId = request.currentStepId!;
    const ended = await tx.approvalStep.updateMany({ where: { id: stepId, status: 'pending' }, data: { status: 'withdrawn', decidedAt: now } });
    // Decided in the same moment by an approver: that decision stands.
    if (ended.count === 0) throw closedStepError(await loadStep(tx, stepId));
    await closeRequest(tx, requestId, 'withdrawn', now);
    await mirrorReportStatus(tx, subjectOf(request), 'withdrawn');
    const approvers = await tx.approvalApprover.findMany({ where: { stepId }, select: { personId: true } });
    await refreshCards(tx, requestId, stepId, approvers.map((a) => a.personId), 'decided', now);
    await tellRequester(tx, actor.id, requestId, stepId, 'withdrawn', now);
    await audit(tx, { actorId: actor.id, action: 'approval.withdraw', entity: 'approval', entityId: requestId, before: { status: 'pending' }, after: { status: 'withdrawn' }, at: now });
  });
}

/** The requester gives up a returned request instead of resubmitting it. */
export async function voidRequest(deps: Deps, actor: Actor, requestId: number): Promise<void> {
  parse(idSchema, requestId);
  assertActive(actor);
  const now = deps.clock.now();
  await inTransaction(deps.db, async (tx) => {
    const request = await ownRequest(tx, actor, requestId, 'returned');
    const done = await tx.approvalRequest.updateMany({ where: { id: requestId, status: 'returned' }, data: { status: 'voided', openKey: null, closedAt: now, updatedAt: now } });
    if (done.count === 0) throw new ConflictError('approval.not_returned', { status: 'changed' });
    await mirrorReportStatus(tx, subjectOf(request), 'voided');
    await tellRequester(tx, actor.id, requestId, request.currentStepId!, 'voided', now);
    await audit(tx, { actorId: actor.id, action: 'approval.void', entity: 'approval', entityId: requestId, before: { status: 'returned' }, after: { status: 'voided' }, at: now });
  });
}

/**
 * A returned request goes again, with the requester's changes, from step 1 of a new round. The
 * history of the earlier rounds stays; the cards show what changed since the return.
 */
export async function reopenReturned(
  tx: Tx,
  actor: Actor,
  request: { id: number; status: string; currentStepId: number | null },
  next: { fields: Record<string, unknown>; amount: number | null },
  now: Date,
): Promise<{ stepId: number }> {
  const moved = await tx.approvalRequest.updateMany({
    where: { id: request.id, status: 'returned' },
    data: { status: 'pending', fields: JSON.stringify(next.fields), amount: next.amount, round: { increment: 1 }, updatedAt: now },
  });
  if (moved.count === 0) throw new ConflictError('approval.not_returned', { status: 'changed' });
  const { round, flow, requesterId, storeId, opportunityId, fields } = await tx.approvalRequest.findUniqueOrThrow({ where: { id: request.id } });
  const route = await mustRoute(routeFrom(tx, actor.unitId, [actor.id]));
  const stepId = await createStep(tx, request.id, round, 1, route, actor, now);
  await mirrorReportStatus(tx, subjectOf({ id: request.id, flow, requesterId, storeId, opportunityId, fields }), 'pending');
  await tellRequester(tx, actor.id, request.id, stepId, 'resubmitted', now);
  await audit(tx, { actorId: actor.id, action: 'approval.resubmit', entity: 'approval', entityId: request.id, after: { ...next.fields, amount: next.amount, round }, at: now });
  return { stepId };
}

export const reassignSchema = z.object({ toPersonId: idSchema });

/** An admin hands a pending step to someone else (an approver away, a wrong route). */
export async function reassignStep(deps: Deps, actor: Actor, stepId: number, input: z.input<typeof reassignSchema>): Promise<{ to: { id: number; name: string } }> {
  parse(idSchema, stepId);
  const v = parse(reassignSchema, input);
  assertActive(actor);
  if (actor.role !== 'admin') throw new ForbiddenError('approval.reassign_admin_only');
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const step = await loadStep(tx, stepId);
    if (step.status !== 'pending') throw closedStepError(step);
    const to = await tx.person.findUnique({ where: { id: v.toPersonId }, select: { id: true, name: true, active: true, role: true } });
    if (!to) throw new NotFoundError('person.not_found', { id: v.toPersonId });
    if (!to.active) throw new ConflictError('person.inactive_target', { name: to.name });
    if (to.id === step.request.requesterId) throw new ConflictError('approval.requester_cannot_approve', { name: to.name });
    if (to.role === 'rep') throw new ConflictError('approval.rep_cannot_approve', { name: to.name });
    const current = step.approvers.filter((a) => a.active).map((a) => a.personId);
    if (current.length === 1 && current[0] === to.id) throw new ConflictError('approval.already_approver', { name: to.name });
    await moveStep(tx, step.request.id, stepId, current, [to.id], 'reassigned', now);
    await audit(tx, { actorId: actor.id, action: 'approval.reassign', entity: 'approval', entityId: step.request.id, before: { stepId, approvers: current }, after: { approvers: [to.id] }, at: now });
    return { to: { id: to.id, name: to.name } };
  });
}

/** Hands a step from some approvers to others; the old cards say where it went, the new ones get a card. */
async function moveStep(tx: Tx, requestId: number, stepId: number, fromIds: number[], toIds: number[], via: 'reassigned' | 'handover', now: Date): Promise<void> {
  const leaving = fromIds.filter((id) => !toIds.includes(id));
  await tx.approvalApprover.updateMany({ where: { stepId, personId: { in: leaving } }, data: { active: false } });
  const fresh: number[] = [];
  for (const personId of toIds) {
    const existing = await tx.approvalApprover.findUnique({ where: { stepId_personId: { stepId, personId } } });
    if (existing?.active) continue;
    if (existing) await tx.approvalApprover.update({ where: { stepId_personId: { stepId, personId } }, data: { active: true, via, addedAt: now } });
    else await tx.approvalApprover.create({ data: { stepId, personId, via, addedAt: now } });
    fresh.push(personId);
  }
  const tag = `${via}:${now.getTime()}`;
  await refreshCards(tx, requestId, stepId, leaving, tag, now);
  await sendCards(tx, requestId, stepId, fresh, now);
}

/**
 * A leaver's pending steps (called in the transaction that closes the account): where nobody else of
 * the step is left, the step moves to the lead of the unit above. The leaver's own open requests end.
 */
export async function handOverApprovals(tx: Tx, leaverId: number, now: Date): Promise<{ moved: number; voided: number }> {
  const held = await tx.approvalApprover.findMany({
    where: { personId: leaverId, active: true, step: { status: 'pending' } },
    select: { stepId: true, step: { select: { unitId: true, request: { select: { id: true, requesterId: true } } } } },
  });
  for (const h of held) {
    const others = await tx.approvalApprover.findMany({ where: { stepId: h.stepId, active: true, personId: { not: leaverId } }, select: { personId: true } });
    const exclude = [leaverId, h.step.request.requesterId];
    const to = others.length ? [] : ((await routeAbove(tx, h.step.unitId, exclude)) ?? (await routeFrom(tx, null, exclude)))?.personIds ?? [];
    await moveStep(tx, h.step.request.id, h.stepId, [leaverId], to, 'handover', now);
  }
  const own = await tx.approvalRequest.findMany({ where: { requesterId: leaverId, status: { in: ['pending', 'returned'] } } });
  for (const r of own) {
    await closeRequest(tx, r.id, 'voided', now);
    await mirrorReportStatus(tx, subjectOf(r), 'voided');
    if (r.status === 'pending' && r.currentStepId) {
      await tx.approvalStep.updateMany({ where: { id: r.currentStepId, status: 'pending' }, data: { status: 'cancelled', decidedAt: now } });
      const approvers = await tx.approvalApprover.findMany({ where: { stepId: r.currentStepId }, select: { personId: true } });
      await refreshCards(tx, r.id, r.currentStepId, approvers.map((a) => a.personId), 'decided', now);
    }
  }
  return { moved: held.length, voided: own.length };
}
