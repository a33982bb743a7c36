import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps.ts';
import { registerApprovalCommentView } from './approval-comment.ts';
import { registerAwayView } from './away.ts';
import { registerCreateStore } from './create-store.ts';
import { registerLogVisitSubmission } from './log-visit.ts';
import { registerOpportunityView } from './opportunity.ts';
import { registerRequestForms } from './requests.ts';
import { registerSnoozeView } from './snooze.ts';
import { registerStoreForms } from './store-forms.ts';

/** Modal submissions (view_submission), by the feature they belong to. */
export function registerViews(app: App, deps: BotDeps): void {
  registerLogVisitSubmission(app, deps);
  registerOpportunityView(app, deps);
  registerSnoozeView(app, deps);
  registerStoreForms(app, deps);
  registerCreateStore(app, deps);
  registerRequestForms(app, deps);
  registerApprovalCommentView(app, deps);
  registerAwayView(app, deps);
}
