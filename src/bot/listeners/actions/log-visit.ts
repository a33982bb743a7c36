import type { SlackApp } from '../../slack-app.ts';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { openVisitModal, storeChoice } from '../commands/visit.ts';

/**
 * "Log visit" on a store card (the button's value is the store id) and on App Home (no store):
 * opens the log-visit modal, with the store preselected when the person may see it.
 */
export function registerLogVisitButtons(app: SlackApp, deps: BotDeps): void {
  for (const actionId of [ids.actions.logVisit, ids.actions.homeLogVisit]) {
    app.action(actionId, async ({ ack, body, action, context, client, respond }) => {
      await ack();
      const { actor, reader } = who(context);
      const user = body.user.id;
      const tell = (text: string) =>
        respond ? respond({ response_type: 'ephemeral', replace_original: false, text }) : client.chat.postMessage({ channel: user, text });
      if (actor.role === 'admin') {
        await tell(t(reader, 'visit.admin_cannot_visit')).catch(() => undefined);
        return;
      }
      const value = 'value' in action && typeof action.value === 'string' ? action.value.trim() : '';
      const store = /^\d{1,15}$/.test(value) ? await storeChoice(deps, actor, Number(value)) : null;
      const triggerId = 'trigger_id' in body ? body.trigger_id : undefined;
      if (!triggerId) return;
      // A card inside a modal: the visit modal goes on top of it.
      const push = body.type === 'block_actions' && body.view?.type === 'modal';
      await openVisitModal(client, triggerId, reader, { store, push }, tell);
    });
  }
}
