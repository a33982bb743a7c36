import type { StoreHit } from '../../domain/stores/search.ts';
import type { Reader } from '../../i18n/index.ts';
import { t, tCode } from '../i18n/index.ts';
import { ids } from '../ids.ts';
import { actions, button, capBlocks, context, cut, esc, header, limits, section, type Block } from '../blocks/kit.ts';

// What /store answers besides a single store's card: a short list to pick from, or "none" with
// an offer to create the store.

/** At most this many matches are listed; more say "type more". */
export const pickListMax = 20;

export function pickListText(reader: Reader, text: string): string {
  return t(reader, 'find.title', { text: cut(text, 100) });
}

function hitText(reader: Reader, h: StoreHit): string {
  const facts = [
    h.owner ? t(reader, 'find.row_owner', { name: esc(cut(h.owner.name, 80)) }) : t(reader, 'card.public'),
    ...(h.status !== 'active' ? [tCode(reader, 'card.status.', h.status)] : []),
    ...(h.phone ? [esc(cut(h.phone, 30))] : []),
  ];
  const lines = [`*${esc(cut(h.name, 150))}* · \`${esc(h.code)}\``];
  if (h.why) lines.push(`_${esc(cut(h.why, 150))}_`);
  if (h.address) lines.push(esc(cut(h.address.replace(/\s+/g, ' '), 200)));
  lines.push(facts.join(' · '));
  return lines.join('\n');
}

/** Several matches: each with an Open button (value: the store id). */
export function storePickBlocks(reader: Reader, text: string, hits: StoreHit[], more: boolean): Block[] {
  const shown = hits.slice(0, pickListMax);
  const rows = shown.map((h) => section(hitText(reader, h), button(t(reader, 'find.btn_open'), ids.actions.openStore, { value: String(h.id) }), `store_pick:${h.id}`));
  const tail = more || hits.length > shown.length ? [context([t(reader, 'find.more')])] : [];
  const blocks = [header(pickListText(reader, text)), ...rows];
  return [...capBlocks(blocks, limits.messageBlocks - tail.length, (n) => t(reader, 'common.more', { count: n })), ...tail];
}

/** No match: says so and offers to create the store (the button carries the text as the name). */
export function noStoreBlocks(reader: Reader, text: string): Block[] {
  return [
    section(t(reader, 'find.none', { text: esc(cut(text, 100)) })),
    section(t(reader, 'find.create_hint')),
    actions([button(t(reader, 'find.btn_create'), ids.actions.createStore, { value: cut(text, 100), style: 'primary' })], 'store_none'),
  ];
}
