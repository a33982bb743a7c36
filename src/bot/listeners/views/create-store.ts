import type { App } from '@slack/bolt';
import { once } from '../../../domain/once.ts';
import { createStore } from '../../../domain/stores/stores.ts';
import { cut, esc } from '../../blocks/kit.ts';
import { textValue } from '../../blocks/state.ts';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { submissionKey } from '../../once.ts';
import { errorsFor, failureText } from '../../respond.ts';
import { submittedValues } from '../../schemas.ts';
import { cardModalView } from '../../screens/store-card.ts';
import { duplicatesModal, parseCreateMeta, type NewStoreInput } from '../../views/create-store.ts';
import { messageModal } from '../../views/store-forms.ts';

/**
 * The create-store modal. The form's submission runs the duplicate check: with candidates, the modal
 * becomes the list of them ("Use this one" / "Create anyway") and nothing is created; without, the
 * store is created. "Create anyway" creates it with what was typed. Either way the modal then shows
 * the new store's card.
 */
export function registerCreateStore(app: App, deps: BotDeps): void {
  app.view(ids.views.createStore, async ({ ack, view, context }) => {
    const w = who(context);
    const meta = parseCreateMeta(view.private_metadata);
    const values = submittedValues(view);
    const phone = textValue(values, 'phone');
    const address = textValue(values, 'address');
    const typed: NewStoreInput =
      meta.step === 'confirm'
        ? { name: meta.name, ...(meta.phone ? { phone: meta.phone } : {}), ...(meta.address ? { address: meta.address } : {}) }
        : { name: textValue(values, 'name') ?? '', ...(phone ? { phone } : {}), ...(address ? { address } : {}) };
    try {
      const r = await once(deps, submissionKey(view), () => createStore(deps, w.actor, { ...typed, ...(meta.step === 'confirm' ? { confirmDuplicate: true } : {}) }));
      if (!r.ran) {
        await ack();
        return;
      }
      if ('duplicates' in r.value) {
        await ack({ response_action: 'update', view: duplicatesModal(w.reader, typed, r.value.duplicates) });
        return;
      }
      context.homeStale = true;
      const created = r.value.created;
      const notice = `✅ ${t(w.reader, 'create.created', { name: esc(cut(created.name, 150)), code: created.code })}`;
      let next;
      try {
        next = await cardModalView(deps, w, created.id, notice);
      } catch {
        next = messageModal(w.reader, t(w.reader, 'form.title.create'), notice);
      }
      await ack({ response_action: 'update', view: next });
    } catch (e) {
      if (meta.step === 'form') {
        await ack({ response_action: 'errors', errors: errorsFor(w.reader, e, ['name', 'phone', 'address'], 'name') });
      } else {
        // The candidates view has no inputs to hang an error on: say it in the modal.
        await ack({ response_action: 'update', view: messageModal(w.reader, t(w.reader, 'form.title.create'), failureText(w.reader, e)) });
      }
    }
  });
}
