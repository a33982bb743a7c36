import type { App } from '@slack/bolt';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { checked } from '../../schemas.ts';
import { openOpportunityModal } from '../../screens/opportunity-modal.ts';

/** The store card's "New opportunity" and App Home's quick button: the modal, the card's store preselected. */
export function registerOpportunityActions(app: App, deps: BotDeps): void {
  for (const actionId of [ids.actions.newOpportunity, ids.actions.homeNewOpportunity]) {
    app.action(actionId, async (args) => {
      await args.ack();
      const { body, action } = checked(args);
      const { actor, reader } = who(args.context);
      const value = action.value ?? '';
      const storeId = /^\d+$/.test(value) ? Number(value) : null;
      if (!body.trigger_id) return;
      await openOpportunityModal(args.client, deps, actor, reader, body.trigger_id, { storeId });
    });
  }
}
