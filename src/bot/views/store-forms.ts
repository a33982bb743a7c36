import type { TeamMember } from '../../domain/people/team.ts';
import type { StoreHistory } from '../../domain/stores/history.ts';
import { storeStatuses } from '../../domain/stores/fields.ts';
import { formatDateTime } from '../../domain/time/zone.ts';
import type { Reader } from '../../i18n/index.ts';
import { t, tCode, type BotKey } from '../i18n/index.ts';
import { ids } from '../ids.ts';
import { capBlocks, context, cut, divider, esc, input, limits, modal, option, section, textInput, type Block, type InputElement, type ModalView, type PlainText } from '../blocks/kit.ts';
import { flagWith, idField, metadataCodec, urlField, viewIdField } from '../blocks/metadata.ts';
import { storeCardBlocks, type CardViewer, type StoreCardData } from './store-card.ts';

// The modals of the store card: add contact, release, transfer, extend, set status, history, and the
// card itself shown in a modal. Input block ids are the domain's field names (modalErrors).

/** Slack ids of this feature that src/bot/ids.ts does not hold. */
export const storeUi = {
  views: {
    /** A modal that shows something and takes no submission. */
    card: 'store_card_view',
    loading: 'store_loading',
    message: 'store_message',
  },
  actions: {
    /** Type-ahead for the new owner when a lead's team is too large for a static select. */
    transferPersonSearch: 'transfer_person_search',
  },
} as const;

/** What a form carries: the store, and where its card is, to redraw it after the change. */
export interface FormMeta {
  /** store id */
  s: number;
  /** response_url of the message with the card */
  r?: string;
  /** The card is the whole message (an ephemeral /store answer): redraw it in place; else answer beside it. */
  x?: 1;
  /** id of the modal with the card, when the form was pushed over it */
  pv?: string;
}

export const { encode: encodeFormMeta, decode: parseFormMeta } = metadataCodec<FormMeta>({ s: idField, r: urlField, x: flagWith('r'), pv: viewIdField }, ['s']);

const storeLine = (reader: Reader, s: { name: string; code: string }) => t(reader, 'form.store_line', { name: esc(cut(s.name, 150)), code: esc(s.code) });

const reasonInput = (reader: Reader, hintKey?: BotKey) =>
  input('reason', t(reader, 'form.reason'), textInput('reason', { max: 500, multiline: true }), hintKey ? { hint: t(reader, hintKey) } : {});

/** Opened at once with the trigger id; replaced by the form when its data is read. */
export function loadingModal(reader: Reader, title: string): ModalView {
  return modal({ callbackId: storeUi.views.loading, title, close: t(reader, 'common.close'), blocks: [section(t(reader, 'form.loading'))] });
}

/** A modal that only says something (a refusal, a failure). */
export function messageModal(reader: Reader, title: string, text: string): ModalView {
  return modal({ callbackId: storeUi.views.message, title, close: t(reader, 'common.close'), blocks: [section(text)] });
}

/** The store card in a modal (after create, "use this one", or a change made from such a card). */
export function storeCardModal(reader: Reader, s: StoreCardData, viewer: CardViewer, now: Date, notice?: string): ModalView {
  const blocks = [...(notice ? [section(notice, undefined, 'card_notice')] : []), ...storeCardBlocks(reader, s, viewer, now)];
  return modal({
    callbackId: storeUi.views.card,
    title: t(reader, 'form.title.store'),
    close: t(reader, 'common.close'),
    privateMetadata: encodeFormMeta({ s: s.id }),
    blocks: capBlocks(blocks, limits.viewBlocks, (n) => t(reader, 'common.more', { count: n })),
  });
}

export function addContactModal(reader: Reader, store: { name: string; code: string }, meta: FormMeta): ModalView {
  return modal({
    callbackId: ids.views.addContact,
    title: t(reader, 'form.title.add_contact'),
    submit: t(reader, 'common.save'),
    close: t(reader, 'common.cancel'),
    privateMetadata: encodeFormMeta(meta),
    blocks: [
      section(storeLine(reader, store)),
      input('name', t(reader, 'form.contact.name'), textInput('name', { max: 60 })),
      input('title', t(reader, 'form.contact.title'), textInput('title', { max: 60 }), { optional: true }),
      input('phone', t(reader, 'form.contact.phone'), textInput('phone', { max: 30 }), { optional: true }),
      input('email', t(reader, 'form.contact.email'), textInput('email', { max: 120 }), { optional: true }),
      input(
        'isPrimary',
        t(reader, 'form.contact.primary'),
        { type: 'checkboxes', action_id: 'isPrimary', options: [option(t(reader, 'form.contact.primary_option'), 'yes')] },
        { optional: true },
      ),
    ],
  });
}

export function releaseModal(reader: Reader, store: { name: string; code: string }, cooldownDays: number, meta: FormMeta): ModalView {
  return modal({
    callbackId: ids.views.release,
    title: t(reader, 'form.title.release'),
    submit: t(reader, 'form.submit.release'),
    close: t(reader, 'common.cancel'),
    privateMetadata: encodeFormMeta(meta),
    blocks: [
      section(t(reader, 'form.release.intro', { store: storeLine(reader, store) })),
      ...(cooldownDays > 0 ? [context([t(reader, 'form.release.cooldown', { days: cooldownDays })])] : []),
      reasonInput(reader, 'form.release.hint'),
    ],
  });
}

/** The new owner: a static select of the lead's people (≤ 100), or a type-ahead when there are more. */
export function transferModal(
  reader: Reader,
  store: { name: string; code: string; ownerName: string | null },
  people: TeamMember[],
  more: boolean,
  meta: FormMeta,
): ModalView {
  const placeholder: PlainText = { type: 'plain_text', text: t(reader, 'form.transfer.search') };
  const personOption = (p: TeamMember) => option(p.name, String(p.id), p.unitName ?? undefined);
  const select: InputElement =
    more || people.length > limits.options
      ? { type: 'external_select', action_id: storeUi.actions.transferPersonSearch, min_query_length: 0, placeholder }
      : { type: 'static_select', action_id: 'toPersonId', placeholder, options: people.slice(0, limits.options).map(personOption) };
  const blocks: Block[] = [
    section(t(reader, 'form.transfer.intro', { store: storeLine(reader, store), owner: store.ownerName ? esc(cut(store.ownerName, 80)) : t(reader, 'common.none') })),
  ];
  if (!people.length) {
    return modal({ callbackId: ids.views.transfer, title: t(reader, 'form.title.transfer'), close: t(reader, 'common.close'), blocks: [...blocks, section(t(reader, 'form.transfer.none'))] });
  }
  blocks.push(input('toPersonId', t(reader, 'form.transfer.to'), select), reasonInput(reader));
  return modal({
    callbackId: ids.views.transfer,
    title: t(reader, 'form.title.transfer'),
    submit: t(reader, 'form.submit.transfer'),
    close: t(reader, 'common.cancel'),
    privateMetadata: encodeFormMeta(meta),
    blocks,
  });
}

export function extendModal(reader: Reader, store: { name: string; code: string; protectedUntil: Date | null }, meta: FormMeta): ModalView {
  return modal({
    callbackId: ids.views.extend,
    title: t(reader, 'form.title.extend'),
    submit: t(reader, 'form.submit.extend'),
    close: t(reader, 'common.cancel'),
    privateMetadata: encodeFormMeta(meta),
    blocks: [
      section(
        t(reader, 'form.extend.intro', {
          store: storeLine(reader, store),
          until: store.protectedUntil ? formatDateTime(store.protectedUntil, reader.timezone) : t(reader, 'common.none'),
        }),
      ),
      input('days', t(reader, 'form.extend.days'), { type: 'number_input', action_id: 'days', is_decimal_allowed: false, min_value: '1', max_value: '365' }, { hint: t(reader, 'form.extend.hint') }),
      reasonInput(reader),
    ],
  });
}

export function setStatusModal(reader: Reader, store: { name: string; code: string; status: string }, meta: FormMeta): ModalView {
  const options = storeStatuses.map((s) => option(t(reader, `card.status.${s}`), s));
  const initial = options.find((o) => o.value === store.status);
  return modal({
    callbackId: ids.views.setStatus,
    title: t(reader, 'form.title.set_status'),
    submit: t(reader, 'common.save'),
    close: t(reader, 'common.cancel'),
    privateMetadata: encodeFormMeta(meta),
    blocks: [
      section(t(reader, 'form.status.intro', { store: storeLine(reader, store), status: tCode(reader, 'card.status.', store.status) })),
      input('status', t(reader, 'form.status.label'), { type: 'static_select', action_id: 'status', options, ...(initial ? { initial_option: initial } : {}) }, { hint: t(reader, 'form.status.hint') }),
      reasonInput(reader),
    ],
  });
}

/** Lines into as few sections as fit Slack's 3000 characters each. */
function sectionsOf(lines: string[]): Block[] {
  const out: Block[] = [];
  let current = '';
  for (const line of lines.map((l) => cut(l, 1000))) {
    if (current && current.length + 1 + line.length > limits.sectionText) {
      out.push(section(current));
      current = line;
    } else current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(section(current));
  return out;
}

function historyLine(reader: Reader, e: StoreHistory['entries'][number]): string {
  const who = (name: string | null, hidden: boolean) => (hidden ? t(reader, 'history.someone') : esc(cut(name ?? '', 80)));
  const parts = [`${formatDateTime(e.at, reader.timezone)} · *${tCode(reader, 'history.action.', e.action)}*`];
  if (e.from !== null || e.fromHidden) parts.push(t(reader, 'history.from', { name: who(e.from, e.fromHidden) }));
  if (e.to !== null || e.toHidden) parts.push(t(reader, 'history.to', { name: who(e.to, e.toHidden) }));
  if (e.bySystem) parts.push(t(reader, 'history.by', { name: t(reader, 'history.system') }));
  else if (e.by !== null || e.byHidden) parts.push(t(reader, 'history.by', { name: who(e.by, e.byHidden) }));
  if (e.reason) parts.push(t(reader, 'history.reason', { reason: esc(cut(e.reason.replace(/\s+/g, ' '), 300)) }));
  if (e.protectedUntil && e.action !== 'release' && e.action !== 'auto_return' && e.action !== 'status') {
    parts.push(t(reader, 'history.until', { until: formatDateTime(e.protectedUntil, reader.timezone) }));
  }
  return parts.join(' · ');
}

export function historyModal(reader: Reader, h: StoreHistory): ModalView {
  const visitLines = h.visits.map((v) =>
    t(reader, 'card.visit_line', {
      when: formatDateTime(v.at, reader.timezone),
      who: esc(cut(v.who, 80)),
      method: tCode(reader, 'method.', v.method),
      summary: esc(cut(v.summary.replace(/\s+/g, ' '), 300)),
    }),
  );
  const blocks: Block[] = [
    section(storeLine(reader, h.store)),
    divider(),
    section(t(reader, 'history.claims')),
    ...(h.entries.length ? sectionsOf(h.entries.map((e) => historyLine(reader, e))) : [context([t(reader, 'history.none')])]),
    ...(h.moreEntries ? [context([t(reader, 'history.more')])] : []),
    divider(),
    section(t(reader, 'history.visits')),
    ...(visitLines.length ? sectionsOf(visitLines) : [context([t(reader, 'history.no_visits')])]),
    ...(h.moreVisits ? [context([t(reader, 'history.more')])] : []),
  ];
  return modal({
    callbackId: ids.views.history,
    title: t(reader, 'form.title.history'),
    close: t(reader, 'common.close'),
    privateMetadata: encodeFormMeta({ s: h.store.id }),
    blocks: capBlocks(blocks, limits.viewBlocks, (n) => t(reader, 'common.more', { count: n })),
  });
}
