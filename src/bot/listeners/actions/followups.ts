import type { WebClient } from '@slack/web-api';
import type { SlackApp } from '../../slack-app.ts';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { once } from '../../once.ts';
import { failureText } from '../../reply.ts';
import { loadMyDay, MY_DAY_BLOCK, parseSnoozeValue, snoozeModal, snoozeTarget, todayMessage } from '../../views/today.ts';
import { completeFollowUp, snoozeFollowUp } from '../../../domain/followups/followups.ts';
import type { Actor } from '../../../domain/org/roles.ts';
import { esc, cut } from '../../blocks/kit.ts';
import { formatDateTime } from '../../../domain/time/zone.ts';
import type { Reader } from '../../../i18n/index.ts';

type SlackView = Parameters<WebClient['views']['open']>[0]['view'];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

/** Was the click on a follow-up of a /crm today message (which is then redrawn in place)? */
export const fromMyDayMessage = (body: Body, blockId: string | undefined): boolean =>
  body.container?.type === 'message' && typeof body.response_url === 'string' && (blockId ?? '').startsWith(`${MY_DAY_BLOCK}:`);

/** Redraws a /crm today message through its response_url, with a notice on top. */
export async function redrawMyDay(deps: BotDeps, actor: Actor, reader: Reader, responseUrl: string, notice: string): Promise<void> {
  const day = await loadMyDay(deps, actor);
  const message = todayMessage(reader, day, notice);
  const res = await fetch(responseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ replace_original: true, response_type: 'ephemeral', ...message }),
  });
  if (!res.ok) console.warn(`my day: response_url answered ${res.status}`);
}

/** A short answer to the person: in the message's thread of responses, else by DM. */
async function tell(client: WebClient, body: Body, text: string): Promise<void> {
  if (typeof body.response_url === 'string') {
    await fetch(body.response_url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }) });
  } else {
    await client.chat.postMessage({ channel: body.user.id, text });
  }
}

const storeOf = async (deps: BotDeps, followUpId: number) =>
  (await deps.db.followUp.findUnique({ where: { id: followUpId }, select: { store: { select: { name: true } } } }))?.store.name ?? '';

/**
 * Done and Snooze on a follow-up (my day, App Home). Done takes effect once: a double click or a
 * retry finds it done already and answers nothing more. Snooze offers tomorrow / in 3 days / next
 * Monday at 09:00, or a modal to pick a time.
 */
export function registerFollowUpActions(app: SlackApp, deps: BotDeps): void {
  app.action(ids.actions.followUpDone, async ({ ack, body, action, context, client }) => {
    await ack();
    const { actor, reader } = who(context);
    const id = Number('value' in action ? action.value : NaN);
    if (!Number.isInteger(id) || id <= 0) return;
    try {
      const r = await completeFollowUp(deps, actor, id);
      if (!r.changed) return; // already done: the first click answered
      context.homeStale = true;
      const blockId = 'block_id' in action ? action.block_id : undefined;
      if (fromMyDayMessage(body as Body, blockId)) {
        const notice = t(reader, 'followup.done_notice', { store: esc(cut(await storeOf(deps, id), 80)) });
        await redrawMyDay(deps, actor, reader, (body as Body).response_url, notice);
      }
    } catch (e) {
      await tell(client, body as Body, failureText(reader, e));
    }
  });

  app.action(ids.actions.followUpSnooze, async ({ ack, body, action, context, client }) => {
    await ack();
    const { actor, reader } = who(context);
    // A select or an overflow carries the choice in selected_option; a button in value.
    const a = action as { selected_option?: { value?: string } | null; value?: string };
    const raw = a.selected_option?.value ?? a.value ?? '';
    const picked = parseSnoozeValue(raw);
    if (!picked) return;
    const b = body as Body;
    const blockId = 'block_id' in action ? action.block_id : undefined;
    const myDay = fromMyDayMessage(b, blockId);
    if (picked.choice === 'pick') {
      // The trigger id expires in 3 seconds: the modal opens before anything else.
      await client.views.open({
        trigger_id: b.trigger_id,
        view: snoozeModal(reader, { f: picked.id, ...(myDay ? { r: b.response_url as string } : {}) }, deps.clock.now()) as unknown as SlackView,
      });
      return;
    }
    const now = deps.clock.now();
    const until = snoozeTarget(picked.choice, now, reader.timezone);
    try {
      // The same snooze twice (a retry, a second pick of the same choice) takes effect once.
      const r = await once(deps.db, `followup.snooze:${picked.id}:${until.toISOString()}`, now, () => snoozeFollowUp(deps, actor, picked.id, until));
      if (!r.ran) return;
      context.homeStale = true;
      if (myDay) {
        const notice = t(reader, 'followup.snoozed_notice', { store: esc(cut(await storeOf(deps, picked.id), 80)), when: formatDateTime(until, reader.timezone) });
        await redrawMyDay(deps, actor, reader, b.response_url, notice);
      }
    } catch (e) {
      await tell(client, b, failureText(reader, e));
    }
  });
}
