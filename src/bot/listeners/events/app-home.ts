import type { SlackApp } from '../../slack-app.ts';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { refreshHomeAfterChange, publishHome } from '../../home.ts';
import { ids } from '../../ids.ts';

/**
 * App Home: published when the person opens it and when it taps Refresh; republished after any
 * listener that set `context.homeStale` (the global middleware registered here).
 */
export function registerAppHome(app: SlackApp, deps: BotDeps): void {
  app.use(refreshHomeAfterChange(deps));

  app.event('app_home_opened', async ({ event, context, client }) => {
    if (event.tab !== 'home') return; // the Messages tab has nothing to draw
    const { actor, reader } = who(context);
    await publishHome(client, deps, actor, reader, event.user);
  });

  app.action(ids.actions.homeRefresh, async ({ ack, body, context, client }) => {
    await ack();
    const { actor, reader } = who(context);
    await publishHome(client, deps, actor, reader, body.user.id);
  });
}
