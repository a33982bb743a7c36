import type { SlackApp } from '../../slack-app.ts';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { failureText } from '../../reply.ts';
import { openOpportunityModal } from '../actions/opportunity.ts';
import { opportunityListReply } from '../actions/requests.ts';

/** What asks for my list rather than a store named "list". */
const LIST_WORDS = new Set(['list', 'ls', '列表']);

export const isListRequest = (text: string): boolean => LIST_WORDS.has(text.trim().toLowerCase());

/**
 * `/opp [store]` — the opportunity modal, the store preselected when the text finds one.
 * `/opp list` (`/opp 列表`) — my opportunities, with what I can do with each.
 */
export function registerOpp(app: SlackApp, deps: BotDeps): void {
  app.command(ids.commands.opp, async ({ command, ack, context, respond, client }) => {
    const w = who(context);
    const { actor, reader } = w;
    if (actor.role === 'admin') {
      await ack({ response_type: 'ephemeral', text: t(reader, 'opportunity.admin_cannot_own') });
      return;
    }
    await ack();
    try {
      if (isListRequest(command.text)) await respond({ response_type: 'ephemeral', ...(await opportunityListReply(deps, w)) });
      else await openOpportunityModal(client, deps, actor, reader, command.trigger_id, { text: command.text });
    } catch (e) {
      await respond({ response_type: 'ephemeral', text: failureText(reader, e) }).catch((err) => console.error('/opp: could not answer', err));
    }
  });
}
