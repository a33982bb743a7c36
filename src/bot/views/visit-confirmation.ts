import type { LogVisitResult } from '../../domain/visits/visits.ts';
import { formatDateTime } from '../../domain/time/zone.ts';
import type { Reader } from '../../i18n/index.ts';
import { t, tCode } from '../i18n/index.ts';
import { ids } from '../ids.ts';
import { actions, button, capBlocks, context, cut, divider, esc, limits, section, type Block } from '../blocks/kit.ts';
import { storeCardBlocks, type CardViewer, type StoreCardData } from './store-card.ts';

interface VisitConfirmationInput {
  result: LogVisitResult;
  /** What was submitted (the result has the visit's id, time and method only). */
  summary: string;
  outcome?: string | null;
  stage?: string | null;
  nextFollowUpAt?: Date | null;
  /** The store card after the visit; null when it could not be read (the message still confirms). */
  card: StoreCardData | null;
  viewer: CardViewer;
  now: Date;
}

/** Quotes a text in mrkdwn, line by line. */
const quote = (text: string) =>
  esc(text)
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');

/**
 * The confirmation of a logged visit, sent to the rep: what was logged, then the store card (with its
 * Claim button when the store is public and the rep may claim it).
 */
export function visitConfirmation(reader: Reader, c: VisitConfirmationInput): { text: string; blocks: Block[] } {
  const { result } = c;
  const storeName = result.store.name;
  const when = formatDateTime(result.visit.at, reader.timezone);
  const details = [
    ...(c.outcome ? [t(reader, 'visit.confirm.outcome', { outcome: esc(cut(c.outcome, 500)) })] : []),
    ...(c.stage ? [t(reader, 'visit.confirm.stage', { stage: tCode(reader, 'visit.stage.', c.stage) })] : []),
    ...(c.nextFollowUpAt ? [t(reader, 'visit.confirm.next', { when: c.nextFollowUpAt })] : []),
  ];
  const notes = [
    ...(result.visit.cold && !result.claimable ? [t(reader, 'visit.confirm.cold')] : []),
    ...(result.claimable ? [t(reader, 'visit.confirm.claimable')] : []),
  ];
  const blocks: Block[] = [
    section(t(reader, 'visit.confirm.head', { store: esc(cut(storeName, 150)) })),
    context([t(reader, 'visit.confirm.when', { method: tCode(reader, 'visit.method.', result.visit.method), when })]),
    section(quote(cut(c.summary.trim(), 2000))),
    ...(details.length ? [section(details.join('\n'))] : []),
    ...(notes.length ? [context(notes)] : []),
    divider(),
  ];
  if (c.card) {
    blocks.push(...storeCardBlocks(reader, c.card, c.viewer, c.now));
  } else if (result.claimable) {
    blocks.push(actions([button(t(reader, 'card.btn.claim'), ids.actions.claim, { value: String(result.store.id), style: 'primary' })]));
  }
  return {
    text: cut(t(reader, 'visit.confirm.text', { store: esc(cut(storeName, 150)) }), 3000),
    blocks: capBlocks(blocks, limits.messageBlocks, (n) => t(reader, 'common.more', { count: n })),
  };
}
