import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps.ts';
import { registerPeopleOptions } from './people.ts';
import { registerStoreOptions } from './stores.ts';

/** Type-ahead of external selects (block_suggestion). */
export function registerOptions(app: App, deps: BotDeps): void {
  registerStoreOptions(app, deps);
  registerPeopleOptions(app, deps);
}
