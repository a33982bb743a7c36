import type { App } from '@slack/bolt';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { answer, ephemeral } from '../../respond.ts';
import { openOpportunityModal } from '../../screens/opportunity-modal.ts';
import { opportunityListReply } from '../../screens/requests.ts';

/** What asks for my list rather than a store named "list". */
const LIST_WORDS = new Set(['list', 'ls', '列表']);

const isListRequest = (text: string): boolean => LIST_WORDS.has(text.trim().toLowerCase());

/**
 * `/opp [store]` — the opportunity modal, the store preselected when the text finds one.
 * `/opp list` (`/opp 列表`) — my opportunities, with what I can do with each.
 */
export function registerOpp(app: App, deps: BotDeps): void {
  app.command(ids.commands.opp, async ({ command, ack, context, respond, client }) => {
    const w = who(context);
    const { actor, reader } = w;
    if (actor.role === 'admin') {
      await ack({ response_type: 'ephemeral', text: t(reader, 'opportunity.admin_cannot_own') });
      return;
    }
    await answer({ ack: () => ack(), reader, to: ephemeral(respond) }, async () => {
      if (isListRequest(command.text)) return opportunityListReply(deps, w);
      await openOpportunityModal(client, deps, actor, reader, command.trigger_id, { text: command.text });
    });
  });
}
