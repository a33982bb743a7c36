import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps.ts';
import { registerApprovalActions } from './approvals.ts';
import { registerAwayActions } from './away.ts';
import { registerClaimActions } from './claim.ts';
import { registerFollowUpActions } from './followups.ts';
import { registerHomeActions } from './home.ts';
import { registerLogVisitButtons } from './log-visit.ts';
import { registerOpportunityActions } from './opportunity.ts';
import { registerRequestActions } from './requests.ts';
import { registerStoreCardActions } from './store-card.ts';

/** Buttons and menus (block_actions), by the feature they belong to. */
export function registerActions(app: App, deps: BotDeps): void {
  registerLogVisitButtons(app, deps);
  registerOpportunityActions(app, deps);
  registerFollowUpActions(app, deps);
  registerHomeActions(app, deps);
  registerClaimActions(app, deps);
  registerStoreCardActions(app, deps);
  registerRequestActions(app, deps);
  registerApprovalActions(app, deps);
  registerAwayActions(app, deps);
}
