import type { App } from '@slack/bolt';
import type { BotDeps } from '../deps.ts';
import { registerActions } from './actions/index.ts';
import { registerCommands } from './commands/index.ts';
import { registerEvents } from './events/index.ts';
import { registerOptions } from './options/index.ts';
import { registerShortcuts } from './shortcuts/index.ts';
import { registerViews } from './views/index.ts';

/**
 * Every listener of the app, by surface: each folder binds its Slack ids (src/bot/ids.ts) in its own
 * index.ts. Listeners never import each other: what two of them share is a screen (src/bot/screens)
 * or a way to answer (src/bot/respond.ts).
 */
export function registerListeners(app: App, deps: BotDeps): void {
  registerCommands(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
  registerOptions(app, deps);
  registerEvents(app, deps);
  registerShortcuts(app, deps);
}
