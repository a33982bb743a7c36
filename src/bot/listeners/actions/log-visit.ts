import type { App } from '@slack/bolt';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { checked } from '../../schemas.ts';
import { openVisitModal, storeChoice } from '../../screens/visit-modal.ts';
import { visitIds } from '../../views/visit-modal.ts';

/**
 * "Log visit" on a store card (the button's value is the store id) and on App Home (no store):
 * opens the log-visit modal, with the store preselected when the person may see it.
 */
export function registerLogVisitButtons(app: App, deps: BotDeps): void {
  for (const actionId of [ids.actions.logVisit, ids.actions.homeLogVisit]) {
    app.action(actionId, async (args) => {
      await args.ack();
      const { body, action } = checked(args);
      const { client, respond } = args;
      const { actor, reader } = who(args.context);
      const tell = (text: string) =>
        respond ? respond({ response_type: 'ephemeral', replace_original: false, text }) : client.chat.postMessage({ channel: body.user.id, text });
      if (actor.role === 'admin') {
        await tell(t(reader, 'visit.admin_cannot_visit')).catch(() => undefined);
        return;
      }
      const value = typeof action.value === 'string' ? action.value.trim() : '';
      const store = /^\d{1,15}$/.test(value) ? await storeChoice(deps, actor, Number(value)) : null;
      if (!body.trigger_id) return;
      // A card inside a modal: the visit modal goes on top of it.
      await openVisitModal(client, body.trigger_id, reader, { store, push: body.view?.type === 'modal' }, tell);
    });
  }

  // The modal's date and time pickers live in actions blocks: Slack tells of each change; only the
  // submission matters.
  const pickers = [visitIds.actions.atDate, visitIds.actions.atTime, visitIds.actions.nextDate, visitIds.actions.nextTime];
  app.action(new RegExp(`^(${pickers.join('|')})$`), async ({ ack }) => {
    await ack();
  });
}
