import type { SlackApp } from '../app.ts';
import type { BotDeps } from '../deps.ts';
import { registerCrm } from './commands/crm.ts';
import { registerVisitCommand } from './commands/visit.ts';
import { registerLogVisitSubmission } from './views/log-visit.ts';
import { registerLogAsVisitShortcut } from './shortcuts/log-as-visit.ts';
import { registerLogVisitButtons } from './actions/log-visit.ts';
import { registerOpp } from './commands/opp.ts';
import { registerOpportunityView } from './views/opportunity.ts';
import { registerOpportunityActions } from './actions/opportunity.ts';
import { registerFollowUpActions } from './actions/followups.ts';
import { registerSnoozeView } from './views/snooze.ts';
import { registerAppHome } from './events/app-home.ts';
import { registerStoreOptions } from './options/stores.ts';
import { registerStoreCommand } from './commands/store.ts';
import { registerClaimCommand } from './commands/claim.ts';
import { registerClaimActions } from './actions/claim.ts';
import { registerStoreCardActions } from './actions/store-card.ts';
import { registerStoreForms } from './views/store-forms.ts';
import { registerCreateStore } from './views/create-store.ts';

/** Every listener of the app, by surface; each module binds its Slack ids (src/bot/ids.ts). */
export function registerListeners(app: SlackApp, deps: BotDeps): void {
  registerCrm(app, deps);
  registerVisitCommand(app, deps);
  registerLogVisitSubmission(app, deps);
  registerLogAsVisitShortcut(app, deps);
  registerLogVisitButtons(app, deps);
  registerOpp(app, deps);
  registerOpportunityView(app, deps);
  registerOpportunityActions(app, deps);
  registerFollowUpActions(app, deps);
  registerSnoozeView(app, deps);
  registerAppHome(app, deps);
  registerStoreOptions(app, deps);
  registerStoreCommand(app, deps);
  registerClaimCommand(app, deps);
  registerClaimActions(app, deps);
  registerStoreCardActions(app, deps);
  registerStoreForms(app, deps);
  registerCreateStore(app, deps);
}
