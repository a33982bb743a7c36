import type { App } from '@slack/bolt';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { openVisitModal, storeFromText } from '../../screens/visit-modal.ts';
import { messageToSummary } from '../../views/visit-modal.ts';

/** A store code in a message (`CRM202611220001`) preselects that store. */
const STORE_CODE = /\bCRM\d{12}\b/i;

/** The "Log as visit" message shortcut: the log-visit modal with the message's text as the summary. */
export function registerLogAsVisitShortcut(app: App, deps: BotDeps): void {
  app.shortcut(ids.shortcuts.logAsVisit, async ({ shortcut, ack, context, client, respond }) => {
    await ack();
    const { actor, reader } = who(context);
    const tell = (text: string) =>
      respond ? respond({ response_type: 'ephemeral', replace_original: false, text }) : client.chat.postMessage({ channel: shortcut.user.id, text });
    if (actor.role === 'admin') {
      await tell(t(reader, 'visit.admin_cannot_visit')).catch(() => undefined);
      return;
    }
    const summary = messageToSummary(shortcut.type === 'message_action' ? shortcut.message.text : '');
    const code = STORE_CODE.exec(summary)?.[0];
    const found = code ? await storeFromText(deps, actor, code.toUpperCase()) : null;
    await openVisitModal(client, shortcut.trigger_id, reader, { summary, store: found?.store ?? null }, tell);
  });
}
