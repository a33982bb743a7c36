import { formatDate } from '../../domain/time/zone.ts';
import type { Reader } from '../../i18n/index.ts';
import { formatMoney } from '../../i18n/money.ts';
import { actions, button, capBlocks, context, cut, divider, esc, header, limits, section, type Block, type Button } from '../blocks/kit.ts';
import { t, tCode } from '../i18n/index.ts';
import { ids } from '../ids.ts';
import { requestUi } from './request-modals.ts';

// `/opp list`: my opportunities, the open ones first (nearest expected close first) with what I can
// do with each, then the recently closed ones with how they ended.

/** Block ids of the list start with this: a button there redraws the list after its change. */
export const OPP_LIST_BLOCK = 'opp_list';

export interface ListedOpportunity {
  id: number;
  name: string;
  amount: number;
  expectedCloseAt: Date;
  stage: string;
  reportStatus: string;
  wonAmount: number | null;
  wonAt: Date | null;
  contractNo: string | null;
  lostReason: string | null;
  store: { name: string; code: string };
}

export interface OpportunityList {
  open: ListedOpportunity[];
  /** Open ones not shown (the list is cut). */
  moreOpen: number;
  closed: ListedOpportunity[];
}

/** How many of each a message shows: two blocks per open one keeps it under Slack's 50. */
export const LIST_OPEN_MAX = 15;
export const LIST_CLOSED_MAX = 5;

const reportState = (reader: Reader, status: string): string => tCode(reader, 'req.report.', status);

function nameLine(reader: Reader, o: ListedOpportunity): string {
  return t(reader, 'req.list.name', { name: esc(cut(o.name, 100)), store: esc(cut(o.store.name, 100)) });
}

function openText(reader: Reader, o: ListedOpportunity): string {
  return [
    nameLine(reader, o),
    t(reader, 'req.list.facts', { stage: tCode(reader, 'opp.stage.', o.stage), amount: formatMoney(o.amount, reader.locale), close: formatDate(o.expectedCloseAt, reader.timezone) }),
    t(reader, 'req.list.report', { state: reportState(reader, o.reportStatus) }),
  ].join('\n');
}

function closedText(reader: Reader, o: ListedOpportunity): string {
  const outcome =
    o.stage === 'won'
      ? t(reader, 'req.list.won', {
          amount: formatMoney(o.wonAmount ?? o.amount, reader.locale),
          date: o.wonAt ? formatDate(o.wonAt, reader.timezone) : null,
          contractNo: o.contractNo ? esc(cut(o.contractNo, 64)) : null,
        })
      : t(reader, 'req.list.lost', { reason: o.lostReason ? esc(cut(o.lostReason.replace(/\s+/g, ' '), 300)) : null });
  return `${nameLine(reader, o)}\n${outcome}`;
}

/**
 * What I may do with an open opportunity. Won… needs the report approved and Lost… a report that
 * is not waiting (the domain refuses both otherwise, so the buttons are not offered).
 */
function openButtons(reader: Reader, o: ListedOpportunity): Button[] {
  const value = String(o.id);
  return [
    button(t(reader, 'req.btn.change_stage'), requestUi.actions.openChangeStage, { value }),
    ...(o.reportStatus === 'approved' ? [button(t(reader, 'req.btn.won'), ids.actions.openSign, { value, style: 'primary' })] : []),
    ...(o.reportStatus !== 'pending' && o.reportStatus !== 'returned' ? [button(t(reader, 'req.btn.lost'), ids.actions.openTerminate, { value })] : []),
  ];
}

function opportunityListBlocks(reader: Reader, list: OpportunityList, notice?: string): Block[] {
  const blocks: Block[] = [...(notice ? [section(notice, undefined, `${OPP_LIST_BLOCK}_notice`)] : []), header(t(reader, 'req.list.title'))];
  if (!list.open.length && !list.closed.length) return [...blocks, section(t(reader, 'req.list.none'))];
  if (list.open.length) {
    blocks.push(section(t(reader, 'req.list.open', { count: list.open.length + list.moreOpen })));
    for (const o of list.open.slice(0, LIST_OPEN_MAX)) {
      blocks.push(section(openText(reader, o), undefined, `${OPP_LIST_BLOCK}:${o.id}`), actions(openButtons(reader, o), `${OPP_LIST_BLOCK}_actions:${o.id}`));
    }
    if (list.moreOpen > 0) blocks.push(context([t(reader, 'req.list.more_open', { count: list.moreOpen })]));
  }
  if (list.closed.length) {
    blocks.push(divider(), section(t(reader, 'req.list.closed')));
    for (const o of list.closed.slice(0, LIST_CLOSED_MAX)) blocks.push(section(closedText(reader, o), undefined, `${OPP_LIST_BLOCK}_closed:${o.id}`));
  }
  return capBlocks(blocks, limits.messageBlocks, (n) => t(reader, 'common.more', { count: n }));
}

/** The list as a message (for a response_url). */
export function opportunityListMessage(reader: Reader, list: OpportunityList, notice?: string): { text: string; blocks: Block[] } {
  const text = notice ?? t(reader, 'req.list.text', { open: list.open.length + list.moreOpen, closed: list.closed.length });
  return { text: cut(text, 3000), blocks: opportunityListBlocks(reader, list, notice) };
}
