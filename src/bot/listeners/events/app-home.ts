import type { App } from '@slack/bolt';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { publishHome } from '../../screens/home.ts';

/**
 * App Home: published when the person opens it (and on Refresh, and after any listener that set
 * `context.homeStale`: src/bot/screens/home.ts).
 */
export function registerAppHome(app: App, deps: BotDeps): void {
  app.event('app_home_opened', async ({ event, context, client }) => {
    if (event.tab !== 'home') return; // the Messages tab has nothing to draw
    await publishHome(client, deps, who(context), event.user);
  });
}
