import type { App } from '@slack/bolt';
import { once } from '../../../domain/once.ts';
import { extendProtection, releaseStore, transferStores } from '../../../domain/pools/pools.ts';
import { addContact } from '../../../domain/stores/contacts.ts';
import { setStoreStatus } from '../../../domain/stores/stores.ts';
import { formatDateTime } from '../../../domain/time/zone.ts';
import { cut, esc } from '../../blocks/kit.ts';
import { isChecked, numberValue, selectedId, selectedValue, stateOf, textValue } from '../../blocks/state.ts';
import { who, type Who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t, tCode } from '../../i18n/index.ts';
import { submissionKey } from '../../once.ts';
import { errorsFor, postResponse } from '../../respond.ts';
import { submittedValues, type StateValues } from '../../schemas.ts';
import { cardMessage, cardModalView } from '../../screens/store-card.ts';
import { parseFormMeta, type FormMeta } from '../../views/store-forms.ts';

// Submissions of the store card's forms. Each change runs once per submission (Slack may deliver one
// twice), shows bad input inline under its field (`response_action: errors`), and on success closes
// the form and redraws the card where it was (its message, or the modal under the form).

interface FormSpec {
  blocks: string[];
  fallback: string;
  /** Makes the change; returns the line that tells the person it was done. */
  run: (w: Who, meta: FormMeta, values: StateValues) => Promise<string>;
}

export function registerStoreForms(app: App, deps: BotDeps): void {
  const handle = (callbackId: string, spec: FormSpec) =>
    app.view(callbackId, async ({ ack, view, context, client, body }) => {
      const w = who(context);
      const meta = parseFormMeta(view.private_metadata);
      if (!meta) {
        await ack({ response_action: 'errors', errors: { [spec.fallback]: t(w.reader, 'common.error') } });
        return;
      }
      let done: string;
      try {
        const r = await once(deps, submissionKey(view), () => spec.run(w, meta, submittedValues(view)));
        if (!r.ran) {
          await ack();
          return;
        }
        done = `✅ ${r.value}`;
      } catch (e) {
        await ack({ response_action: 'errors', errors: errorsFor(w.reader, e, spec.blocks, spec.fallback) });
        return;
      }
      context.homeStale = true;
      await ack();
      // Redraw the card with the outcome where the person left it.
      try {
        if (meta.r) await postResponse(meta.r, { replace_original: meta.x === 1, response_type: 'ephemeral', ...(await cardMessage(deps, w, meta.s, done)) });
        else if (meta.pv) await client.views.update({ view_id: meta.pv, view: await cardModalView(deps, w, meta.s, done) });
        else await client.chat.postMessage({ channel: body.user.id, text: done });
      } catch (e) {
        // The change is made; a store the person can no longer see just gets the line.
        if (meta.r) await postResponse(meta.r, { replace_original: false, response_type: 'ephemeral', text: done });
        else await client.chat.postMessage({ channel: body.user.id, text: done }).catch(() => console.error('store form: could not answer', e));
      }
    });

  handle(ids.views.addContact, {
    blocks: ['name', 'title', 'phone', 'email', 'isPrimary'],
    fallback: 'name',
    run: async (w, meta, values) => {
      const c = await addContact(deps, w.actor, {
        storeId: meta.s,
        name: textValue(values, 'name') ?? '',
        title: textValue(values, 'title'),
        phone: textValue(values, 'phone'),
        email: textValue(values, 'email'),
        isPrimary: isChecked(values, 'isPrimary'),
      });
      return t(w.reader, 'form.done.contact', { name: esc(cut(c.name, 80)) });
    },
  });

  handle(ids.views.release, {
    blocks: ['reason'],
    fallback: 'reason',
    run: async (w, meta, values) => {
      const s = await releaseStore(deps, w.actor, meta.s, textValue(values, 'reason') ?? '');
      return t(w.reader, 'form.done.release', { name: esc(cut(s.name, 150)) });
    },
  });

  handle(ids.views.transfer, {
    blocks: ['toPersonId', 'reason'],
    fallback: 'toPersonId',
    run: async (w, meta, values) => {
      const toPersonId = selectedId(values, 'toPersonId');
      const [s] = await transferStores(deps, w.actor, { storeIds: [meta.s], toPersonId: toPersonId as number, reason: textValue(values, 'reason') ?? '' });
      const to = stateOf(values, 'toPersonId')?.selected_option?.text?.text ?? '';
      return t(w.reader, 'form.done.transfer', { name: esc(cut(s!.name, 150)), to: esc(cut(to, 80)) });
    },
  });

  handle(ids.views.extend, {
    blocks: ['days', 'reason'],
    fallback: 'days',
    run: async (w, meta, values) => {
      const s = await extendProtection(deps, w.actor, meta.s, { days: numberValue(values, 'days') as number, reason: textValue(values, 'reason') ?? '' });
      return t(w.reader, 'form.done.extend', { name: esc(cut(s.name, 150)), until: s.protectedUntil ? formatDateTime(s.protectedUntil, w.reader.timezone) : null });
    },
  });

  handle(ids.views.setStatus, {
    blocks: ['status', 'reason'],
    fallback: 'reason',
    run: async (w, meta, values) => {
      const s = await setStoreStatus(deps, w.actor, meta.s, selectedValue(values, 'status') ?? '', textValue(values, 'reason') ?? '');
      return t(w.reader, 'form.done.status', { name: esc(cut(s.name, 150)), status: tCode(w.reader, 'card.status.', s.status) });
    },
  });
}
