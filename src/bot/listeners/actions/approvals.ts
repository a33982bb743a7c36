import type { App } from '@slack/bolt';
import { decide, voidRequest, withdrawRequest } from '../../../domain/approvals/engine.ts';
import type { Decision } from '../../../domain/approvals/flows.ts';
import { getApproval } from '../../../domain/approvals/queries.ts';
import { remindApprovers } from '../../../domain/approvals/reminders.ts';
import { formatDateTime } from '../../../domain/time/zone.ts';
import { cut, esc } from '../../blocks/kit.ts';
import { t } from '../../i18n/index.ts';
import { once } from '../../../domain/once.ts';
import { idValue } from '../../blocks/metadata.ts';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { answer, openModal, postResponse, toClicker } from '../../respond.ts';
import { checked } from '../../schemas.ts';
import { approvalsListMessage } from '../../screens/approvals-list.ts';
import { approvalRecordModal, decisionCommentModal, type CommentDecision } from '../../views/approval-card.ts';
import { parseOffsets } from '../../views/approvals-list.ts';

// The approval card's buttons, the requester's (withdraw, void) and `/crm approvals` (open, page).
// A decision is made by the domain; the cards are redrawn by the outbox, which the domain wrote to
// in the same transaction. A click that cannot take effect is answered to the clicker only.

type ActionArgs = Parameters<Parameters<App['action']>[1]>[0];

export function registerApprovalActions(app: App, deps: BotDeps): void {
  /** Acks, then runs `work` with the id in the button's value; a failure is told to the clicker. */
  const onClick = (actionId: string, work: (args: ActionArgs, id: number) => Promise<void>) =>
    app.action(actionId, async (args) => {
      const { body, action } = checked(args);
      const id = idValue(action.value);
      await answer({ ack: args.ack, reader: who(args.context).reader, to: toClicker(args.client, body, who(args.context).reader) }, async () => {
        if (id !== null) await work(args, id);
      });
    });

  /**
   * Approve, Approve & send up: decided at once. The domain settles clicks that meet (a double click,
   * two approvers at once): one decides, every later click is told who did and when. A redelivery of
   * the same click (same action_ts) is only acknowledged.
   */
  const decideNow = (decision: Decision) => async (args: ActionArgs, stepId: number) => {
    const w = who(args.context);
    const click = checked(args).action.action_ts ?? '';
    const r = await once(deps, `approval.decide:${stepId}:${w.actor.id}:${click}`, () => decide(deps, w.actor, stepId, { decision }));
    if (r.ran) args.context.homeStale = true;
  };

  /** Return, Reject: the comment modal opens first (the trigger id lasts 3 seconds); its submission decides. */
  const askComment = (decision: CommentDecision) => async (args: ActionArgs, stepId: number) => {
    const trigger = checked(args).body.trigger_id;
    if (trigger) await openModal(args.client, trigger, decisionCommentModal(who(args.context).reader, { stepId, decision }));
  };

  /** The requester's Withdraw and Void: each takes effect once. */
  const ownRequest = (kind: 'withdraw' | 'void') => async (args: ActionArgs, requestId: number) => {
    const { actor } = who(args.context);
    const run = kind === 'withdraw' ? () => withdrawRequest(deps, actor, requestId) : () => voidRequest(deps, actor, requestId);
    const r = await once(deps, `approval.${kind}:${requestId}`, run);
    if (r.ran) args.context.homeStale = true;
  };

  onClick(ids.actions.approve, decideNow('approve'));
  onClick(ids.actions.approveSendUp, decideNow('send_up'));
  onClick(ids.actions.returnRequest, askComment('return'));
  onClick(ids.actions.rejectRequest, askComment('reject'));
  onClick(ids.actions.withdraw, ownRequest('withdraw'));

  // The requester's Remind: the approvers get a reminder, at most once every 4 hours (the domain keeps
  // the time, so a double click or a retry reminds once and the second press is told when it may again).
  app.action(ids.actions.remindApprovers, async (args) => {
    const { body, action } = checked(args);
    const requestId = idValue(action.value);
    const { actor, reader } = who(args.context);
    await answer({ ack: args.ack, reader, to: toClicker(args.client, body, who(args.context).reader) }, async () => {
      if (requestId === null) return;
      const r = await remindApprovers(deps, actor, requestId);
      return { text: t(reader, 'appr.remind.done', { names: r.to.map((p) => esc(cut(p.name, 80))).join(', '), next: formatDateTime(r.nextAt, reader.timezone) }) };
    });
  });
  onClick(ids.actions.voidRequest, ownRequest('void'));

  // `/crm approvals` → Open: the whole record, for whoever may see it.
  onClick(ids.actions.openApproval, async (args, requestId) => {
    const trigger = checked(args).body.trigger_id;
    if (!trigger) return;
    const w = who(args.context);
    await openModal(args.client, trigger, approvalRecordModal(w.reader, await getApproval(deps, w.actor, requestId)));
  });

  // "More" in one box of `/crm approvals`: the message is redrawn in place.
  app.action(ids.actions.approvalsPage, async (args) => {
    const { body, action } = checked(args);
    const w = who(args.context);
    const offsets = parseOffsets(action.value);
    const url = body.response_url;
    await answer({ ack: args.ack, reader: w.reader, to: toClicker(args.client, body, who(args.context).reader) }, async () => {
      if (!offsets || !url) return;
      await postResponse(url, { replace_original: true, response_type: 'ephemeral', ...(await approvalsListMessage(deps, w, offsets)) });
    });
  });
}
