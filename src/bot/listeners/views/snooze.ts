import type { App } from '@slack/bolt';
import { snoozeFollowUp } from '../../../domain/followups/followups.ts';
import { followUpStoreName } from '../../../domain/followups/my-day.ts';
import { once } from '../../../domain/once.ts';
import { formatDateTime } from '../../../domain/time/zone.ts';
import { cut, esc } from '../../blocks/kit.ts';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { submissionKey } from '../../once.ts';
import { failurePlain, modalErrors } from '../../respond.ts';
import { submittedValues } from '../../schemas.ts';
import { redrawMyDay } from '../../screens/my-day.ts';
import { pickedInstant } from '../../dates.ts';
import { parseSnoozeMetadata, snoozeActions, snoozeBlocks } from '../../views/today.ts';

/** The "pick a time" modal of Snooze: a time in the past is an inline error; a double submit snoozes once. */
export function registerSnoozeView(app: App, deps: BotDeps): void {
  app.view(ids.views.snooze, async ({ ack, view, context }) => {
    const w = who(context);
    const { actor, reader } = w;
    const meta = parseSnoozeMetadata(view.private_metadata);
    if (!meta) {
      await ack({ response_action: 'errors', errors: { [snoozeBlocks.date]: t(reader, 'common.error') } });
      return;
    }
    const values = submittedValues(view);
    const until = pickedInstant(
      values[snoozeBlocks.date]?.[snoozeActions.date]?.selected_date,
      values[snoozeBlocks.time]?.[snoozeActions.time]?.selected_time,
      reader.timezone,
    );
    if (!until) {
      await ack({ response_action: 'errors', errors: { [snoozeBlocks.date]: t(reader, 'snooze.pick_both') } });
      return;
    }
    let ran: boolean;
    try {
      ran = (await once(deps, submissionKey(view), () => snoozeFollowUp(deps, actor, meta.f, until))).ran;
    } catch (e) {
      const errors = modalErrors(reader, e, [snoozeBlocks.date, snoozeBlocks.time], snoozeBlocks.date) ?? { [snoozeBlocks.date]: failurePlain(reader, e) };
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    if (!ran) return;
    context.homeStale = true;
    if (meta.r) {
      const notice = t(reader, 'followup.snoozed_notice', { store: esc(cut(await followUpStoreName(deps, meta.f), 80)), when: formatDateTime(until, reader.timezone) });
      await redrawMyDay(deps, w, meta.r, notice);
    }
  });
}
