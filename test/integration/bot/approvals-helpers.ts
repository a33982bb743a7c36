import { expect } from 'vitest';
import { ids } from '../../../src/bot/ids.ts';
import { decisionBlockId } from '../../../src/bot/views/approval-card.ts';
import { oppActions } from '../../../src/bot/views/opportunity-modal.ts';
import type { RequestEvent } from '../../../src/domain/approvals/notices.ts';
import { createOpportunity } from '../../../src/domain/opportunities/opportunities.ts';
import { actorBySlackId } from '../../../src/domain/people/people.ts';
import { outboxKeyOf, type StoredMessage } from '../../../src/slack-standin/standin.ts';
import { textOf, type Json, type SlackWorld } from '../../support/slack.ts';

// What the approval tests share: opening a request, finding the DMs the outbox delivered (by the
// dedupe key in their metadata), and clicking a card's buttons as Slack sends the click.

/** The outbox paces one message per second per DM: a card and its update take a few seconds. */
export const WAIT_MS = 12_000;

export const personId = async (s: SlackWorld, slackId: string): Promise<number> => (await s.w.db.person.findUniqueOrThrow({ where: { slackId } })).id;

/** A report request, the way the rep makes one: /opp, then the modal's submission. */
export async function reportViaSlack(s: SlackWorld, user: string, o: { store: string; name: string; amount: string }) {
  for (const v of s.standin.openViews(user)) v.closed = true;
  await s.command(user, '/opp', '');
  const view = await s.standin.waitFor(() => {
    const top = s.openView(user);
    return top && top.view.callback_id === ids.views.opportunity ? top.view : undefined;
  });
  const store = (await s.w.store(o.store)).id;
  const reply = await s.submit(user, view, {
    storeId: { [oppActions.storeId]: { type: 'external_select', selected_option: { text: { type: 'plain_text', text: 'store' }, value: String(store) } } },
    name: { [oppActions.name]: { type: 'plain_text_input', value: o.name } },
    amount: { [oppActions.amount]: { type: 'plain_text_input', value: o.amount } },
    expectedCloseAt: { [oppActions.expectedCloseAt]: { type: 'datepicker', selected_date: '2026-12-31' } },
    stage: { [oppActions.stage]: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 's' }, value: 'proposal' } } },
    competitors: { [oppActions.competitors]: { type: 'plain_text_input', value: null } },
    notes: { [oppActions.notes]: { type: 'plain_text_input', value: null } },
  });
  expect(reply.body).toBeNull();
  return requestOf(s, o.name);
}

/** A report request made straight through the domain (the Slack path is tested once). */
export async function reportDirect(s: SlackWorld, user: string, o: { store: string; name: string; amount: number }) {
  const actor = (await actorBySlackId(s.w.db, user))!;
  await createOpportunity(s.w.deps, actor, { storeId: (await s.w.store(o.store)).id, name: o.name, amount: o.amount, expectedCloseAt: '2026-12-31', stage: 'proposal' });
  s.running.bot!.dispatcher.kick();
  return requestOf(s, o.name);
}

/** The request of an opportunity, with its current step. */
export async function requestOf(s: SlackWorld, opportunityName: string) {
  const o = await s.w.db.opportunity.findFirstOrThrow({ where: { name: opportunityName } });
  const r = await s.w.db.approvalRequest.findFirstOrThrow({ where: { opportunityId: o.id }, orderBy: { id: 'desc' } });
  return { opportunityId: o.id, requestId: r.id, stepId: r.currentStepId!, status: r.status };
}

/** The card of a step as an approver sees it in its DM (the same object is updated in place). */
export async function cardOf(s: SlackWorld, user: string, stepId: number): Promise<StoredMessage> {
  const key = `approval.card:${stepId}:${await personId(s, user)}`;
  return s.standin.waitFor(() => s.standin.dmsTo(user).find((m) => outboxKeyOf(m) === key), WAIT_MS);
}

/** The requester's notice of one transition. */
export async function noticeOf(s: SlackWorld, user: string, requestId: number, stepId: number, event: RequestEvent): Promise<StoredMessage> {
  const key = `approval.update:${requestId}:${stepId}:${event}`;
  return s.standin.waitFor(() => s.standin.dmsTo(user).find((m) => outboxKeyOf(m) === key), WAIT_MS);
}

/** Resolves once the card shows this text (after its chat.update). */
export const cardSays = (s: SlackWorld, card: StoredMessage, text: string) => s.standin.waitFor(() => textOf(card.blocks).includes(text) && card, WAIT_MS);

export const buttonsOf = (m: StoredMessage): Json[] => ((m.blocks ?? []) as Json[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements as Json[]);

/** A click on a button of a message in a DM, as Slack sends it. */
export function clickOn(s: SlackWorld, user: string, m: StoredMessage, actionId: string, value: string, blockId = 'b') {
  return s.action(user, { action_id: actionId, value, block_id: blockId }, { message: { channel: m.channel, ts: m.ts, blocks: m.blocks } });
}

/** A click on a decision button of a card. */
export const decideOn = (s: SlackWorld, user: string, card: StoredMessage, actionId: string, stepId: number) => clickOn(s, user, card, actionId, String(stepId), decisionBlockId(stepId));

/** The comment modal a Return / Reject click opened for this person. */
export const commentModal = (s: SlackWorld, user: string) =>
  s.standin.waitFor(() => {
    const top = s.openView(user);
    return top && top.view.callback_id === ids.views.decisionComment ? top.view : undefined;
  });

export const commentValues = (text: string | null): Json => ({ comment: { approval_comment_text: { type: 'plain_text_input', value: text } } });

/** The latest ephemeral message a person got, once it says this. */
export const ephemeralSaying = (s: SlackWorld, user: string, text: string) => s.standin.waitFor(() => s.standin.ephemeralsFor(user).find((m) => (m.text ?? '').includes(text)), WAIT_MS);

/** What approvals wrote: decisions and their audit rows. */
export async function approvalWrites(s: SlackWorld) {
  return {
    decided: await s.w.db.approvalStep.count({ where: { decidedById: { not: null } } }),
    audits: await s.w.db.auditLog.count({ where: { entity: 'approval' } }),
    outbox: await s.w.db.outbox.count({ where: { kind: { startsWith: 'approval.' } } }),
  };
}
