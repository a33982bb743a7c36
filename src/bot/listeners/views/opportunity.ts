import type { SlackApp } from '../../app.ts';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { once, submissionKey } from '../../once.ts';
import { failureText, modalErrors } from '../../reply.ts';
import { createdMessage, oppFields, readOpportunity } from '../../views/opportunity-modal.ts';
import { createOpportunity } from '../../../domain/opportunities/opportunities.ts';

/**
 * Saving the opportunity modal. Bad input comes back as inline errors under its inputs and nothing
 * is written; a retried or double submission takes effect once; on success the modal closes and a
 * DM confirms what was registered.
 */
export function registerOpportunityView(app: SlackApp, deps: BotDeps): void {
  app.view(ids.views.opportunity, async ({ ack, view, body, context, client }) => {
    const { actor, reader } = who(context);
    const { input, amountUnreadable } = readOpportunity(view.state.values);
    let result: Awaited<ReturnType<typeof once<Awaited<ReturnType<typeof createOpportunity>>>>>;
    try {
      result = await once(deps.db, submissionKey(view), deps.clock.now(), () => createOpportunity(deps, actor, input));
    } catch (e) {
      const errors = modalErrors(reader, e, [...oppFields], 'storeId') ?? { storeId: failureText(reader, e) };
      if (amountUnreadable) errors.amount = t(reader, 'opp.amount_format');
      await ack({ response_action: 'errors', errors });
      return;
    }
    // A second delivery of the same submission: the first one answers; this one only closes.
    await ack();
    if (!result.ran) return;
    context.homeStale = true;
    const o = result.value;
    const dm = createdMessage(reader, o);
    await client.chat.postMessage({ channel: body.user.id, text: dm.text, blocks: dm.blocks });
  });
}
