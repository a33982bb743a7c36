import type { SlackApp } from '../../slack-app.ts';
import { who } from '../../context.ts';
import { readWhenField } from '../../dates.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { cut } from '../../blocks/kit.ts';
import { once, submissionKey } from '../../once.ts';
import { failurePlain, modalErrors } from '../../reply.ts';
import { readVisitForm, visitIds, visitInputBlocks, type WhenInput } from '../../views/visit-modal.ts';
import { logVisit, type LogVisitInput } from '../../../domain/visits/visits.ts';
import { submittedValues } from '../../schemas.ts';

/** What a "when" field showed, for its error message: the typed text, else the picked date and time. */
const shown = (w: WhenInput) => cut(w.text ?? [w.date, w.time].filter(Boolean).join(' '), 100);

/**
 * The log-visit modal's submission: dates read in the person's language and time zone, the visit
 * logged once however often Slack delivers it, field errors inline; then the modal closes and the
 * confirmation with the store card arrives as a DM.
 */
export function registerLogVisitSubmission(app: SlackApp, deps: BotDeps): void {
  // The date and time pickers live in actions blocks: Slack tells of each change; only the
  // submission matters.
  const pickers = [visitIds.actions.atDate, visitIds.actions.atTime, visitIds.actions.nextDate, visitIds.actions.nextTime];
  app.action(new RegExp(`^(${pickers.join('|')})$`), async ({ ack }) => {
    await ack();
  });

  app.view(ids.views.logVisit, async ({ ack, view, context }) => {
    const { actor, reader } = who(context);
    const now = deps.clock.now();
    const form = readVisitForm(submittedValues(view));

    const errors: Record<string, string> = {};
    if (form.storeId === null) errors.storeId = t(reader, 'visit.error.no_store');
    const at = readWhenField(form.at, reader, now, 'visit');
    if (at.kind === 'unreadable') errors.at = t(reader, 'visit.error.unreadable', { text: shown(form.at) });
    const next = readWhenField(form.next, reader, now, 'followUp');
    if (next.kind === 'unreadable') errors.nextFollowUpAt = t(reader, 'visit.error.unreadable', { text: shown(form.next) });
    else if (next.kind === 'ok' && next.date <= now) {
      errors.nextFollowUpAt = t(reader, 'visit.error.followup_past', { text: shown(form.next), when: next.date });
    }
    if (Object.keys(errors).length) {
      await ack({ response_action: 'errors', errors });
      return;
    }

    const input = {
      storeId: form.storeId!,
      method: form.method ?? '',
      summary: form.summary,
      ...(at.kind === 'ok' ? { at: at.date } : {}),
      ...(form.outcome ? { outcome: form.outcome } : {}),
      ...(form.stage ? { stage: form.stage } : {}),
      ...(next.kind === 'ok' ? { nextFollowUpAt: next.date } : {}),
    } as LogVisitInput; // method and stage are checked by the domain, with issues under their blocks
    let outcome;
    try {
      outcome = await once(deps.db, submissionKey(view), now, () => logVisit(deps, actor, input));
    } catch (e) {
      const placed = modalErrors(reader, e, visitInputBlocks, visitIds.blocks.storeId);
      await ack({ response_action: 'errors', errors: placed ?? { [visitIds.blocks.storeId]: failurePlain(reader, e) } });
      return;
    }
    await ack();
    // A second delivery of the same submission (a retry, a double click) only closes the modal.
    if (!outcome.ran) return;
    context.homeStale = true;

    // The confirmation DM (with the store card) was written to the outbox with the visit.
  });
}
