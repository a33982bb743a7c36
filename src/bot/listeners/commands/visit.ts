import type { App } from '@slack/bolt';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { openVisitModal, storeFromText } from '../../screens/visit-modal.ts';

/** `/visit [store]`: opens the log-visit modal, with the store preselected when the text names one. */
export function registerVisitCommand(app: App, deps: BotDeps): void {
  app.command(ids.commands.visit, async ({ command, ack, context, client, respond }) => {
    const { actor, reader } = who(context);
    if (actor.role === 'admin') {
      await ack({ response_type: 'ephemeral', text: t(reader, 'visit.admin_cannot_visit') });
      return;
    }
    await ack();
    const text = command.text.trim();
    const found = text ? await storeFromText(deps, actor, text) : null;
    await openVisitModal(
      client,
      command.trigger_id,
      reader,
      { store: found?.store ?? null, search: found && !found.store ? { text, found: found.found } : null },
      (message) => respond({ response_type: 'ephemeral', text: message }),
    );
  });
}
