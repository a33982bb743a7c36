import type { SlackApp } from '../../app.ts';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { failureText } from '../../reply.ts';
import { openOpportunityModal } from '../actions/opportunity.ts';

/** `/opp [store]` — the opportunity modal, the store preselected when the text finds one. */
export function registerOpp(app: SlackApp, deps: BotDeps): void {
  app.command(ids.commands.opp, async ({ command, ack, context, respond, client }) => {
    const { actor, reader } = who(context);
    if (actor.role === 'admin') {
      await ack({ response_type: 'ephemeral', text: t(reader, 'opportunity.admin_cannot_own') });
      return;
    }
    await ack();
    try {
      await openOpportunityModal(client, deps, actor, reader, command.trigger_id, { text: command.text });
    } catch (e) {
      await respond({ response_type: 'ephemeral', text: failureText(reader, e) });
    }
  });
}
