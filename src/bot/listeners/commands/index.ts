import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps.ts';
import { registerClaimCommand } from './claim.ts';
import { registerCrm } from './crm.ts';
import { registerOpp } from './opp.ts';
import { registerStoreCommand } from './store.ts';
import { registerVisitCommand } from './visit.ts';

/** The slash commands (manifest.yml): /crm, /visit, /opp, /store, /claim. */
export function registerCommands(app: App, deps: BotDeps): void {
  registerCrm(app, deps);
  registerVisitCommand(app, deps);
  registerOpp(app, deps);
  registerStoreCommand(app, deps);
  registerClaimCommand(app, deps);
}
