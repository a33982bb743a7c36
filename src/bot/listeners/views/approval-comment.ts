import type { App } from '@slack/bolt';
import { decide } from '../../../domain/approvals/engine.ts';
import { once } from '../../../domain/once.ts';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { submissionKey } from '../../once.ts';
import { failurePlain, modalErrors } from '../../respond.ts';
import { submittedValues } from '../../schemas.ts';
import { COMMENT_ACTION, COMMENT_BLOCK, parseCommentMeta } from '../../views/approval-card.ts';

/**
 * The comment of a Return or Reject, submitted: the domain decides. Anything it refuses (no comment,
 * already decided by someone — named —, not this person's step) shows under the comment and nothing
 * is written; a double submission takes effect once.
 */
export function registerApprovalCommentView(app: App, deps: BotDeps): void {
  app.view(ids.views.decisionComment, async ({ ack, view, context }) => {
    const { actor, reader } = who(context);
    const meta = parseCommentMeta(view.private_metadata);
    if (!meta) {
      await ack();
      return;
    }
    const comment = submittedValues(view)[COMMENT_BLOCK]?.[COMMENT_ACTION]?.value ?? '';
    let ran: boolean;
    try {
      ran = (await once(deps, submissionKey(view), () => decide(deps, actor, meta.stepId, { decision: meta.decision, comment }))).ran;
    } catch (e) {
      const errors = modalErrors(reader, e, [COMMENT_BLOCK], COMMENT_BLOCK) ?? { [COMMENT_BLOCK]: failurePlain(reader, e) };
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    if (ran) context.homeStale = true;
  });
}
