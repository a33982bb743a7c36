import type { App } from '@slack/bolt';
import { once } from '../../../domain/once.ts';
import { logVisit, type LogVisitInput } from '../../../domain/visits/visits.ts';
import { cut } from '../../blocks/kit.ts';
import { who } from '../../context.ts';
import { readWhenField } from '../../dates.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { submissionKey } from '../../once.ts';
import { failurePlain, modalErrors } from '../../respond.ts';
import { submittedValues } from '../../schemas.ts';
import { readVisitForm, visitIds, visitInputBlocks, type WhenInput } from '../../views/visit-modal.ts';

/** What a "when" field showed, for its error message: the typed text, else the picked date and time. */
const shown = (w: WhenInput) => cut(w.text ?? [w.date, w.time].filter(Boolean).join(' '), 100);

/**
 * The log-visit modal's submission: dates read in the person's language and time zone, the visit
 * logged once however often Slack delivers it, field errors inline; then the modal closes and the
 * confirmation with the store card arrives as a DM (written to the outbox with the visit).
 */
export function registerLogVisitSubmission(app: App, deps: BotDeps): void {
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
      outcome = await once(deps, submissionKey(view), () => logVisit(deps, actor, input));
    } catch (e) {
      const placed = modalErrors(reader, e, visitInputBlocks, visitIds.blocks.storeId);
      await ack({ response_action: 'errors', errors: placed ?? { [visitIds.blocks.storeId]: failurePlain(reader, e) } });
      return;
    }
    await ack();
    // A second delivery of the same submission (a retry, a double click) only closes the modal.
    if (outcome.ran) context.homeStale = true;
  });
}
