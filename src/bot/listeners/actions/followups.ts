import type { App } from '@slack/bolt';
import { completeFollowUp, snoozeFollowUp } from '../../../domain/followups/followups.ts';
import { followUpStoreName } from '../../../domain/followups/my-day.ts';
import { once } from '../../../domain/once.ts';
import { formatDateTime } from '../../../domain/time/zone.ts';
import { cut, esc } from '../../blocks/kit.ts';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { answer, beside, openModal } from '../../respond.ts';
import { checked, type BlockActionsBody } from '../../schemas.ts';
import { redrawMyDay } from '../../screens/my-day.ts';
import { MY_DAY_BLOCK, parseSnoozeValue, snoozeModal, snoozeTarget } from '../../views/today.ts';

/** The response_url of a /crm today message the click was on (which is then redrawn in place), or null. */
function myDayMessageUrl(body: BlockActionsBody, blockId: string | undefined): string | null {
  return body.container?.type === 'message' && body.response_url && (blockId ?? '').startsWith(`${MY_DAY_BLOCK}:`) ? body.response_url : null;
}

/**
 * Done and Snooze on a follow-up (my day, App Home). Done takes effect once: a double click or a
 * retry finds it done already and answers nothing more. Snooze offers tomorrow / in 3 days / next
 * Monday at 09:00, or a modal to pick a time. A failure is told beside the click.
 */
export function registerFollowUpActions(app: App, deps: BotDeps): void {
  app.action(ids.actions.followUpDone, async (args) => {
    const { body, action } = checked(args);
    const w = who(args.context);
    const id = Number(action.value ?? NaN);
    await answer({ ack: args.ack, reader: w.reader, to: beside(args.client, body) }, async () => {
      if (!Number.isInteger(id) || id <= 0) return;
      const r = await completeFollowUp(deps, w.actor, id);
      if (!r.changed) return; // already done: the first click answered
      args.context.homeStale = true;
      const url = myDayMessageUrl(body, action.block_id);
      if (url) await redrawMyDay(deps, w, url, t(w.reader, 'followup.done_notice', { store: esc(cut(await followUpStoreName(deps, id), 80)) }));
    });
  });

  app.action(ids.actions.followUpSnooze, async (args) => {
    await args.ack();
    const { body, action } = checked(args);
    const w = who(args.context);
    // A select or an overflow carries the choice in selected_option; a button in value.
    const picked = parseSnoozeValue(action.selected_option?.value ?? action.value ?? '');
    if (!picked) return;
    const url = myDayMessageUrl(body, action.block_id);
    if (picked.choice === 'pick') {
      // The trigger id expires in 3 seconds: the modal opens before anything else.
      if (body.trigger_id) await openModal(args.client, body.trigger_id, snoozeModal(w.reader, { f: picked.id, ...(url ? { r: url } : {}) }, deps.clock.now()));
      return;
    }
    const until = snoozeTarget(picked.choice, deps.clock.now(), w.reader.timezone);
    await answer({ reader: w.reader, to: beside(args.client, body) }, async () => {
      // The same snooze twice (a retry, a second pick of the same choice) takes effect once.
      const r = await once(deps, `followup.snooze:${picked.id}:${until.toISOString()}`, () => snoozeFollowUp(deps, w.actor, picked.id, until));
      if (!r.ran) return;
      args.context.homeStale = true;
      if (url) {
        const notice = t(w.reader, 'followup.snoozed_notice', { store: esc(cut(await followUpStoreName(deps, picked.id), 80)), when: formatDateTime(until, w.reader.timezone) });
        await redrawMyDay(deps, w, url, notice);
      }
    });
  });
}
