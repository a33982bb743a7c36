import type { SlackApp } from '../app.ts';
import type { BotDeps } from '../deps.ts';
import { registerCrm } from './commands/crm.ts';
import { registerStoreOptions } from './options/stores.ts';

/** Every listener of the app, by surface; each module binds its Slack ids (src/bot/ids.ts). */
export function registerListeners(app: SlackApp, deps: BotDeps): void {
  registerCrm(app, deps);
  registerStoreOptions(app, deps);
}
