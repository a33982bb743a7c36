import type { SlackApp } from '../../slack-app.ts';
import { who, type Who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t, tCode } from '../../i18n/index.ts';
import { once, submissionKey } from '../../once.ts';
import { failurePlain, modalErrors } from '../../reply.ts';
import { cut, esc } from '../../blocks/kit.ts';
import { parseFormMeta, type FormMeta } from '../../views/store-forms.ts';
import { cardMessage, cardModalView, postResponse } from '../actions/store-card.ts';
import { extendProtection, releaseStore, transferStores } from '../../../domain/pools/pools.ts';
import { addContact } from '../../../domain/stores/contacts.ts';
import { setStoreStatus } from '../../../domain/stores/stores.ts';
import { formatDateTime } from '../../../domain/time/zone.ts';
import type { Reader } from '../../../i18n/index.ts';
import { submittedValues, type StateValue, type StateValues } from '../../schemas.ts';

// Submissions of the store card's forms. Each change runs once per submission (Slack may deliver one
// twice), shows bad input inline under its field (`response_action: errors`), and on success closes
// the form and redraws the card where it was (its message, or the modal under the form).

/** The submitted state, in the shape checked at the edge (src/bot/schemas.ts). */
export type ViewValues = StateValues;

const first = (values: ViewValues, block: string): StateValue | undefined => Object.values(values[block] ?? {})[0];

/** A text input's value, or undefined when empty. */
export function textValue(values: ViewValues, block: string): string | undefined {
  const v = first(values, block)?.value;
  return typeof v === 'string' && v.trim() ? v : undefined;
}
export function selectedValue(values: ViewValues, block: string): string | undefined {
  const v = first(values, block)?.selected_option?.value;
  return typeof v === 'string' && v ? v : undefined;
}
export const isChecked = (values: ViewValues, block: string): boolean => (first(values, block)?.selected_options ?? []).length > 0;

/** A number typed in a number or text input: NaN when it is not one (the domain then says "must be a number"). */
function numberValue(values: ViewValues, block: string): number | undefined {
  const v = textValue(values, block);
  return v === undefined ? undefined : /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : Number.NaN;
}

/** Inline errors for any failure: domain issues under their fields, anything else under `fallback`. */
export function errorsFor(reader: Reader, e: unknown, blocks: string[], fallback: string): Record<string, string> {
  const errors = modalErrors(reader, e, blocks, fallback) ?? { [fallback]: failurePlain(reader, e) };
  // Slack shows at most a short line under an input.
  for (const k of Object.keys(errors)) errors[k] = cut(errors[k]!, 2000);
  return errors;
}

interface FormSpec {
  blocks: string[];
  fallback: string;
  /** Makes the change; returns the line that tells the person it was done. */
  run: (w: Who, meta: FormMeta, values: ViewValues) => Promise<string>;
}

export function registerStoreForms(app: SlackApp, deps: BotDeps): void {
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
        const r = await once(deps.db, submissionKey(view), deps.clock.now(), () => spec.run(w, meta, submittedValues(view)));
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
      const picked = selectedValue(values, 'toPersonId');
      const toPersonId = picked !== undefined && /^\d{1,12}$/.test(picked) ? Number(picked) : undefined;
      const [s] = await transferStores(deps, w.actor, { storeIds: [meta.s], toPersonId: toPersonId as number, reason: textValue(values, 'reason') ?? '' });
      const to = first(values, 'toPersonId')?.selected_option?.text?.text ?? '';
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
