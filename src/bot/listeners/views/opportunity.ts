import type { App } from '@slack/bolt';
import { once } from '../../../domain/once.ts';
import { createOpportunity } from '../../../domain/opportunities/opportunities.ts';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { submissionKey } from '../../once.ts';
import { failurePlain, modalErrors } from '../../respond.ts';
import { submittedValues } from '../../schemas.ts';
import { oppFields, readOpportunity } from '../../views/opportunity-modal.ts';

/**
 * Saving the opportunity modal. Bad input comes back as inline errors under its inputs and nothing
 * is written; a retried or double submission takes effect once; on success the modal closes. The
 * confirmation is the report's "submitted" notice (src/bot/outbox/approval-notices.ts), written with
 * the opportunity in one transaction: it says what was registered and whose approval it waits for.
 */
export function registerOpportunityView(app: App, deps: BotDeps): void {
  app.view(ids.views.opportunity, async ({ ack, view, context }) => {
    const { actor, reader } = who(context);
    const { input, amountUnreadable } = readOpportunity(submittedValues(view));
    let ran: boolean;
    try {
      ran = (await once(deps, submissionKey(view), () => createOpportunity(deps, actor, input))).ran;
    } catch (e) {
      const errors = modalErrors(reader, e, oppFields, 'storeId') ?? { storeId: failurePlain(reader, e) };
      if (amountUnreadable) errors.amount = t(reader, 'opp.amount_format');
      await ack({ response_action: 'errors', errors });
      return;
    }
    // A second delivery of the same submission only closes the modal.
    await ack();
    if (ran) context.homeStale = true;
  });
}
