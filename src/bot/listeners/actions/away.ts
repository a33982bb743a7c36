import type { App } from '@slack/bolt';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { checked } from '../../schemas.ts';
import { openAwayModal } from '../../screens/away.ts';

/** App Home's Away…: the away modal, as `/crm away` opens it. */
export function registerAwayActions(app: App, deps: BotDeps): void {
  app.action(ids.actions.homeAway, async (args) => {
    await args.ack();
    const trigger = checked(args).body.trigger_id;
    if (trigger) await openAwayModal(args.client, deps, who(args.context), trigger);
  });
}
