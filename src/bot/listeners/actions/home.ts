import type { App } from '@slack/bolt';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { publishHome } from '../../screens/home.ts';

/** App Home's Refresh: the Home is published again. */
export function registerHomeActions(app: App, deps: BotDeps): void {
  app.action(ids.actions.homeRefresh, async ({ ack, body, context, client }) => {
    await ack();
    await publishHome(client, deps, who(context), body.user.id);
  });
}
