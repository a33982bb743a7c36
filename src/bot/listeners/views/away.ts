import type { App } from '@slack/bolt';
import { once } from '../../../domain/once.ts';
import { setAway, type AwayPeriod } from '../../../domain/people/away.ts';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { submissionKey } from '../../once.ts';
import { errorsFor } from '../../respond.ts';
import { submittedValues } from '../../schemas.ts';
import { awaySaidText, delegateBySlackId } from '../../screens/away.ts';
import { messageModal } from '../../views/store-forms.ts';
import { awayBlocks, readAway } from '../../views/away-modal.ts';

/**
 * The away modal, submitted: the domain checks the days and the delegate; each refusal shows under its
 * input (response_action errors) and nothing is written. Saved, the modal says so; a double submission
 * saves once.
 */
export function registerAwayView(app: App, deps: BotDeps): void {
  app.view(ids.views.away, async ({ ack, view, context }) => {
    const w = who(context);
    const v = readAway(submittedValues(view));
    const delegate = await delegateBySlackId(deps, v.delegateSlackId);
    if (!delegate) {
      await ack({ response_action: 'errors', errors: { [awayBlocks.delegate]: t(w.reader, 'away.no_person') } });
      return;
    }
    let r: { ran: true; value: AwayPeriod } | { ran: false };
    try {
      r = await once(deps, submissionKey(view), () => setAway(deps, w.actor, { from: v.from, to: v.to, delegateId: delegate.id }));
    } catch (e) {
      await ack({ response_action: 'errors', errors: errorsFor(w.reader, e, Object.values(awayBlocks), awayBlocks.delegate) });
      return;
    }
    if (!r.ran) {
      await ack();
      return;
    }
    context.homeStale = true;
    await ack({ response_action: 'update', view: messageModal(w.reader, t(w.reader, 'away.modal.title'), awaySaidText(w, r.value)) });
  });
}
