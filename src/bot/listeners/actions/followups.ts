import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { completeFollowUp, snoozeFollowUp } from '../../../domain/followups/followups.ts';
import { followUpStoreName } from '../../../domain/followups/my-day.ts';
import { once } from '../../../domain/once.ts';
import { formatDateTime } from '../../../domain/time/zone.ts';
import { cut, esc, type Block } from '../../blocks/kit.ts';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { answer, beside, openModal } from '../../respond.ts';
import { checked, type BlockActionsBody } from '../../schemas.ts';
import { redrawMyDay } from '../../screens/my-day.ts';
import { dmFollowUpOf, markFollowUp } from '../../views/followup-dm.ts';
import { MY_DAY_BLOCK, parseSnoozeValue, snoozeModal, snoozeTarget } from '../../views/today.ts';

/** A DM with follow-ups (a reminder, the digest) the click was on: it is redrawn in place, the clicked line saying what was done. */
function dmMessageOf(body: BlockActionsBody, blockId: string | undefined): { channel: string; ts: string; text: string; blocks: unknown[] } | null {
  if (body.container?.type !== 'message' || dmFollowUpOf(blockId) === null) return null;
  const channel = body.container.channel_id ?? body.channel?.id;
  const ts = body.container.message_ts ?? body.message?.ts;
  const blocks = body.message?.blocks;
  return channel && ts && blocks ? { channel, ts, text: body.message?.text ?? '', blocks } : null;
}

/** Redraws a DM with the clicked follow-up's buttons replaced by `line`; a failure is logged (the change is made). */
async function redrawDm(client: WebClient, dm: NonNullable<ReturnType<typeof dmMessageOf>>, followUpId: number, line: string): Promise<void> {
  try {
    await client.chat.update({ channel: dm.channel, ts: dm.ts, text: dm.text, blocks: markFollowUp(dm.blocks, followUpId, line) as Block[] });
  } catch (e) {
    console.error('follow-up DM: could not redraw:', e);
  }
}

/** The response_url of a /crm today message the click was on (which is then redrawn in place), or null. */
function myDayMessageUrl(body: BlockActionsBody, blockId: string | undefined): string | null {
  return body.container?.type === 'message' && body.response_url && (blockId ?? '').startsWith(`${MY_DAY_BLOCK}:`) ? body.response_url : null;
}

/**
 * Done and Snooze on a follow-up (my day, App Home, a reminder or the digest in a DM). Done takes
 * effect once: a double click or a retry finds it done already and answers nothing more. Snooze offers
 * an hour (a reminder's), tomorrow / in 3 days / next Monday at 09:00, or a modal to pick a time. A
 * failure is told beside the click.
 */
export function registerFollowUpActions(app: App, deps: BotDeps): void {
  app.action(ids.actions.followUpDone, async (args) => {
    const { body, action } = checked(args);
    const w = who(args.context);
    const id = Number(action.value ?? NaN);
    await answer({ ack: args.ack, reader: w.reader, to: beside(args.client, body, w.reader) }, async () => {
      if (!Number.isInteger(id) || id <= 0) return;
      const r = await completeFollowUp(deps, w.actor, id);
      if (!r.changed) return; // already done: the first click answered
      args.context.homeStale = true;
      const url = myDayMessageUrl(body, action.block_id);
      const dm = dmMessageOf(body, action.block_id);
      if (!url && !dm) return;
      const line = t(w.reader, 'followup.done_notice', { store: esc(cut(await followUpStoreName(deps, id), 80)) });
      if (url) await redrawMyDay(deps, w, url, line);
      if (dm) await redrawDm(args.client, dm, id, line);
    });
  });

  // Snooze: the menu (my day, the digest), or a reminder's Snooze 1 h and Tomorrow buttons.
  app.action(new RegExp(`^(${ids.actions.followUpSnooze}|${ids.actions.followUpSnoozeTomorrow})$`), async (args) => {
    await args.ack();
    const { body, action } = checked(args);
    const w = who(args.context);
    // A select or an overflow carries the choice in selected_option; a button in value.
    const picked = parseSnoozeValue(action.selected_option?.value ?? action.value ?? '');
    if (!picked) return;
    const url = myDayMessageUrl(body, action.block_id);
    const dm = dmMessageOf(body, action.block_id);
    if (picked.choice === 'pick') {
      // The trigger id expires in 3 seconds: the modal opens before anything else.
      if (body.trigger_id) await openModal(args.client, body.trigger_id, snoozeModal(w.reader, { f: picked.id, ...(url ? { r: url } : {}) }, deps.clock.now()));
      return;
    }
    const until = snoozeTarget(picked.choice, deps.clock.now(), w.reader.timezone);
    await answer({ reader: w.reader, to: beside(args.client, body, w.reader) }, async () => {
      // The same snooze twice (a retry, a second pick of the same choice) takes effect once.
      const r = await once(deps, `followup.snooze:${picked.id}:${until.toISOString()}`, () => snoozeFollowUp(deps, w.actor, picked.id, until));
      if (!r.ran) return;
      args.context.homeStale = true;
      if (!url && !dm) return;
      const notice = t(w.reader, 'followup.snoozed_notice', { store: esc(cut(await followUpStoreName(deps, picked.id), 80)), when: formatDateTime(until, w.reader.timezone) });
      if (url) await redrawMyDay(deps, w, url, notice);
      if (dm) await redrawDm(args.client, dm, picked.id, notice);
    });
  });
}
