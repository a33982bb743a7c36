import type { ClaimablePage } from '../../domain/pools/claimable.ts';
import { formatDate, formatDateTime } from '../../domain/time/zone.ts';
import type { Reader } from '../../i18n/index.ts';
import { t } from '../i18n/index.ts';
import { ids } from '../ids.ts';
import { actions, button, capBlocks, context, cut, esc, header, limits, section, type Block } from '../blocks/kit.ts';

// The /claim list: claimable public stores, a page at a time, each with a Claim button, and the
// person's pool usage. Pure: the same page renders the same blocks.

/** Block ids of the list: a row is `claim_row:<store id>`; a Claim click from such a row updates the list in place. */
export const claimRowPrefix = 'claim_row:';
export const claimNavBlock = 'claim_nav';

/** The list's state: the search text and the page (0-based). */
interface ClaimListState {
  q: string;
  p: number;
}

/** What a Claim button carries: the store, and the list to redraw when it came from the list. */
interface ClaimRef {
  s: number;
  q?: string;
  p?: number;
}

export interface Notice {
  kind: 'ok' | 'warn';
  text: string;
}

/** A notice as one line: ✅ or ⚠️, then its text. */
export const noticeLine = (n: Notice): string => `${n.kind === 'ok' ? '✅' : '⚠️'} ${n.text}`;

const MAX_TEXT = 100;
const MAX_PAGE = 1000;

const isPage = (p: unknown): p is number => typeof p === 'number' && Number.isInteger(p) && p >= 0 && p <= MAX_PAGE;
const isText = (q: unknown): q is string => typeof q === 'string' && q.length <= MAX_TEXT * 4;

export const encodeClaimRef = (ref: ClaimRef): string => JSON.stringify({ s: ref.s, ...(ref.q !== undefined ? { q: ref.q } : {}), ...(ref.p !== undefined ? { p: ref.p } : {}) });

/** A Claim button's value: a bare store id (store card, visit confirmation) or a list reference. */
export function parseClaimRef(value: unknown): ClaimRef | null {
  if (typeof value !== 'string') return null;
  if (/^\d{1,12}$/.test(value)) return Number(value) > 0 ? { s: Number(value) } : null;
  try {
    const o = JSON.parse(value) as Record<string, unknown>;
    if (typeof o.s !== 'number' || !Number.isInteger(o.s) || o.s <= 0) return null;
    return { s: o.s, ...(isText(o.q) ? { q: o.q } : {}), ...(isPage(o.p) ? { p: o.p } : {}) };
  } catch {
    return null;
  }
}

export const encodeListState = (s: ClaimListState): string => JSON.stringify({ q: s.q, p: s.p });

export function parseListState(value: unknown): ClaimListState | null {
  if (typeof value !== 'string') return null;
  try {
    const o = JSON.parse(value) as Record<string, unknown>;
    return isText(o.q) && isPage(o.p) ? { q: o.q, p: o.p } : null;
  } catch {
    return null;
  }
}

/** The notification text of the list message (shown where blocks are not). */
export function claimListText(reader: Reader, page: ClaimablePage): string {
  return t(reader, 'claim.text', { held: page.usage.held, cap: page.usage.cap });
}

function rowText(reader: Reader, s: ClaimablePage['stores'][number]): string {
  const lines = [`*${esc(cut(s.name, 150))}* · \`${esc(s.code)}\``];
  if (s.address) lines.push(esc(cut(s.address.replace(/\s+/g, ' '), 200)));
  lines.push(t(reader, 'claim.row_meta', { grade: s.grade, lastVisit: s.lastVisitAt ? formatDate(s.lastVisitAt, reader.timezone) : t(reader, 'common.none') }));
  if (s.cooldownUntil) lines.push(t(reader, 'claim.row_cooldown', { until: formatDateTime(s.cooldownUntil, reader.timezone) }));
  return lines.join('\n');
}

/** The list message: header, usage, an optional notice (the outcome of a claim), the rows, paging. */
export function claimListBlocks(reader: Reader, page: ClaimablePage, notice?: Notice): Block[] {
  const { usage } = page;
  const text = cut(page.text, MAX_TEXT);
  const blocks: Block[] = [
    header(t(reader, 'claim.title')),
    context([
      t(reader, 'claim.usage', { held: usage.held, cap: usage.cap }),
      text ? t(reader, 'claim.matching', { text: esc(text) }) : t(reader, 'claim.all'),
    ]),
  ];
  if (notice) blocks.push(section(noticeLine(notice), undefined, 'claim_notice'));
  if (usage.held >= usage.cap) blocks.push(context([t(reader, 'claim.usage_full')]));
  if (!page.stores.length) {
    blocks.push(section(text ? t(reader, 'claim.none_matching', { text: esc(text) }) : t(reader, 'claim.none')));
  }
  for (const s of page.stores) {
    blocks.push(
      section(
        rowText(reader, s),
        button(t(reader, 'claim.btn'), ids.actions.claim, { value: encodeClaimRef({ s: s.id, q: text, p: page.page }), style: 'primary' }),
        `${claimRowPrefix}${s.id}`,
      ),
    );
  }
  const from = page.page * page.pageSize + 1;
  const to = page.page * page.pageSize + page.stores.length;
  const footer =
    page.total !== null
      ? page.total > 0
        ? t(reader, 'claim.range', { from, to, total: page.total })
        : null
      : page.stores.length
        ? t(reader, 'claim.page', { page: page.page + 1 })
        : null;
  const nav = [
    ...(page.page > 0 ? [button(t(reader, 'claim.prev'), ids.actions.claimPage, { value: encodeListState({ q: text, p: page.page - 1 }) })] : []),
    ...(page.more ? [button(t(reader, 'claim.next'), ids.actions.claimPage, { value: encodeListState({ q: text, p: page.page + 1 }) })] : []),
  ];
  // The footer and the paging buttons come last, and are kept even if a row had to go.
  const tail: Block[] = [...(footer ? [context([footer])] : []), ...(nav.length ? [actions(nav, claimNavBlock)] : [])];
  return [...capBlocks(blocks, limits.messageBlocks - tail.length, (n) => t(reader, 'common.more', { count: n })), ...tail];
}
