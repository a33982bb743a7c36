import type { SlackApp } from '../../slack-app.ts';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { once, submissionKey } from '../../once.ts';
import { failureText } from '../../reply.ts';
import { cut, esc } from '../../blocks/kit.ts';
import { duplicatesModal, parseCreateMeta, type NewStoreInput } from '../../views/create-store.ts';
import { messageModal } from '../../views/store-forms.ts';
import { asView, cardModalView } from '../actions/store-card.ts';
import { errorsFor, textValue, type ViewValues } from './store-forms.ts';
import { createStore } from '../../../domain/stores/stores.ts';
import { submittedValues } from '../../schemas.ts';

/**
 * The create-store modal. The form's submission runs the duplicate check: with candidates, the modal
 * becomes the list of them ("Use this one" / "Create anyway") and nothing is created; without, the
 * store is created. "Create anyway" creates it with what was typed. Either way the modal then shows
 * the new store's card.
 */
export function registerCreateStore(app: SlackApp, deps: BotDeps): void {
  app.view(ids.views.createStore, async ({ ack, view, context }) => {
    const w = who(context);
    const meta = parseCreateMeta(view.private_metadata);
    const values: ViewValues = submittedValues(view);
    const typed: NewStoreInput =
      meta.step === 'confirm'
        ? { name: meta.name, ...(meta.phone ? { phone: meta.phone } : {}), ...(meta.address ? { address: meta.address } : {}) }
        : {
            name: textValue(values, 'name') ?? '',
            ...(textValue(values, 'phone') ? { phone: textValue(values, 'phone')! } : {}),
            ...(textValue(values, 'address') ? { address: textValue(values, 'address')! } : {}),
          };
    try {
      const r = await once(deps.db, submissionKey(view), deps.clock.now(), () =>
        createStore(deps, w.actor, { ...typed, ...(meta.step === 'confirm' ? { confirmDuplicate: true } : {}) }),
      );
      if (!r.ran) {
        await ack();
        return;
      }
      if ('duplicates' in r.value) {
        await ack({ response_action: 'update', view: asView(duplicatesModal(w.reader, typed, r.value.duplicates)) });
        return;
      }
      context.homeStale = true;
      const created = r.value.created;
      const notice = `✅ ${t(w.reader, 'create.created', { name: esc(cut(created.name, 150)), code: created.code })}`;
      let next;
      try {
        next = await cardModalView(deps, w, created.id, notice);
      } catch {
        next = asView(messageModal(w.reader, t(w.reader, 'form.title.create'), notice));
      }
      await ack({ response_action: 'update', view: next });
    } catch (e) {
      if (meta.step === 'form') {
        await ack({ response_action: 'errors', errors: errorsFor(w.reader, e, ['name', 'phone', 'address'], 'name') });
      } else {
        // The candidates view has no inputs to hang an error on: say it in the modal.
        await ack({ response_action: 'update', view: asView(messageModal(w.reader, t(w.reader, 'form.title.create'), failureText(w.reader, e))) });
      }
    }
  });
}
