import type { types } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { SlackApp } from '../../slack-app.ts';
import { who, type Who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { once } from '../../once.ts';
import { failureText } from '../../reply.ts';
import { approvalRecordModal, decisionCommentModal, type CommentDecision } from '../../views/approval-card.ts';
import { APPROVALS_PAGE, approvalsMessage, boxes, parseOffsets, type BoxPage, type Offsets } from '../../views/approvals-list.ts';
import { decide, voidRequest, withdrawRequest } from '../../../domain/approvals/engine.ts';
import type { Decision } from '../../../domain/approvals/flows.ts';
import { getApproval, listApprovals, type ApprovalBox } from '../../../domain/approvals/queries.ts';

// The approval card's buttons, the requester's (withdraw, void) and `/crm approvals` (open, page).
// A decision is made by the domain; the cards are redrawn by the outbox, which the domain wrote to
// in the same transaction. A click that cannot take effect is answered to the clicker only.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;
type ButtonArgs = { ack: () => Promise<void>; body: unknown; action: unknown; context: Record<string, unknown>; client: WebClient };

/** A positive id from a button's value; null for anything else. */
export function idOf(action: unknown): number | null {
  const v = (action as { value?: unknown }).value;
  return typeof v === 'string' && /^\d{1,12}$/.test(v) && Number(v) > 0 ? Number(v) : null;
}

/** Says something to the one who clicked, where they clicked: ephemeral beside the card, else by DM. */
export async function tellClicker(client: WebClient, body: Body, text: string): Promise<void> {
  const user = body.user?.id as string;
  const channel = (body.channel?.id ?? body.container?.channel_id) as string | undefined;
  try {
    if (body.container?.type === 'message' && channel) await client.chat.postEphemeral({ channel, user, text });
    else if (typeof body.response_url === 'string') {
      await fetch(body.response_url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }) });
    } else await client.chat.postMessage({ channel: user, text });
  } catch (e) {
    console.error('approvals: could not answer the click', e);
  }
}

const warn = (text: string) => `⚠️ ${text}`;

/**
 * Approve, Approve & send up: decided at once. The domain settles clicks that meet (a double click, two
 * approvers at once): one decides, every later click is told who did and when. A redelivery of the
 * same click (same action_ts) is only acknowledged.
 */
async function decideNow(deps: BotDeps, args: ButtonArgs, decision: Decision): Promise<void> {
  await args.ack();
  const w = who(args.context);
  const stepId = idOf(args.action);
  if (!stepId) return;
  const click = (args.action as { action_ts?: string }).action_ts ?? '';
  try {
    const r = await once(deps.db, `approval.decide:${stepId}:${w.actor.id}:${click}`, deps.clock.now(), () => decide(deps, w.actor, stepId, { decision }));
    if (r.ran) args.context.homeStale = true;
  } catch (e) {
    await tellClicker(args.client, args.body as Body, warn(failureText(w.reader, e)));
  }
}

/** Return, Reject: the comment modal opens first (the trigger id lasts 3 seconds); its submission decides. */
async function askComment(args: ButtonArgs, decision: CommentDecision): Promise<void> {
  await args.ack();
  const w = who(args.context);
  const stepId = idOf(args.action);
  const trigger = (args.body as Body).trigger_id as string | undefined;
  if (!stepId || !trigger) return;
  try {
    await args.client.views.open({ trigger_id: trigger, view: decisionCommentModal(w.reader, { stepId, decision }) as unknown as types.View });
  } catch (e) {
    await tellClicker(args.client, args.body as Body, warn(failureText(w.reader, e)));
  }
}

/** The requester's Withdraw and Void: each takes effect once; a refusal is told to the clicker. */
async function ownRequestAction(deps: BotDeps, args: ButtonArgs, kind: 'withdraw' | 'void'): Promise<void> {
  await args.ack();
  const w = who(args.context);
  const requestId = idOf(args.action);
  if (!requestId) return;
  const run = kind === 'withdraw' ? () => withdrawRequest(deps, w.actor, requestId) : () => voidRequest(deps, w.actor, requestId);
  try {
    const r = await once(deps.db, `approval.${kind}:${requestId}`, deps.clock.now(), run);
    if (r.ran) args.context.homeStale = true;
  } catch (e) {
    await tellClicker(args.client, args.body as Body, warn(failureText(w.reader, e)));
  }
}

/** The three boxes of `/crm approvals` at these offsets. */
export async function approvalsListMessage(deps: BotDeps, w: Who, offsets: Offsets) {
  const load = (box: ApprovalBox) => listApprovals(deps, w.actor, { box, take: APPROVALS_PAGE, skip: offsets[box] });
  const [todo, done, mine] = await Promise.all(boxes.map(load));
  const pages: Record<ApprovalBox, BoxPage> = { todo: todo!, done: done!, mine: mine! };
  const m = approvalsMessage(w.reader, pages, offsets);
  return { text: m.text, blocks: m.blocks as unknown as types.KnownBlock[] };
}

export function registerApprovalActions(app: SlackApp, deps: BotDeps): void {
  const on = (actionId: string, handler: (args: ButtonArgs) => Promise<void>) =>
    app.action(actionId, async (args) => handler(args as unknown as ButtonArgs));

  on(ids.actions.approve, (a) => decideNow(deps, a, 'approve'));
  on(ids.actions.approveSendUp, (a) => decideNow(deps, a, 'send_up'));
  on(ids.actions.returnRequest, (a) => askComment(a, 'return'));
  on(ids.actions.rejectRequest, (a) => askComment(a, 'reject'));
  on(ids.actions.withdraw, (a) => ownRequestAction(deps, a, 'withdraw'));
  on(ids.actions.voidRequest, (a) => ownRequestAction(deps, a, 'void'));

  // `/crm approvals` → Open: the whole record, for whoever may see it.
  on(ids.actions.openApproval, async (a) => {
    await a.ack();
    const w = who(a.context);
    const requestId = idOf(a.action);
    const trigger = (a.body as Body).trigger_id as string | undefined;
    if (!requestId || !trigger) return;
    try {
      const record = await getApproval(deps, w.actor, requestId);
      await a.client.views.open({ trigger_id: trigger, view: approvalRecordModal(w.reader, record) as unknown as types.View });
    } catch (e) {
      await tellClicker(a.client, a.body as Body, warn(failureText(w.reader, e)));
    }
  });

  // "More" in one box of `/crm approvals`: the message is redrawn in place.
  on(ids.actions.approvalsPage, async (a) => {
    await a.ack();
    const w = who(a.context);
    const offsets = parseOffsets((a.action as { value?: string }).value);
    const url = (a.body as Body).response_url as string | undefined;
    if (!offsets || !url) return;
    try {
      const m = await approvalsListMessage(deps, w, offsets);
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ replace_original: true, response_type: 'ephemeral', ...m }) });
    } catch (e) {
      await tellClicker(a.client, a.body as Body, warn(failureText(w.reader, e)));
    }
  });
}
