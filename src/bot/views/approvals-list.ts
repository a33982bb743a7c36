import type { ApprovalBox, ApprovalSummary } from '../../domain/approvals/queries.ts';
import { formatDateTime } from '../../domain/time/zone.ts';
import type { Reader } from '../../i18n/index.ts';
import { formatMoney } from '../../i18n/money.ts';
import { actions, button, context, cut, divider, esc, header, limits, section, type Block } from '../blocks/kit.ts';
import { t, tCode } from '../i18n/index.ts';
import { ids } from '../ids.ts';

// `/crm approvals`: waiting for me (to-do), decided by me (done), my requests. Each box shows a page
// of ten with a "More" button; the buttons carry every box's offset, so a page redraws the whole
// message in place.

export const APPROVALS_PAGE = 10;
export const boxes: readonly ApprovalBox[] = ['todo', 'done', 'mine'];

export type Offsets = Record<ApprovalBox, number>;
export interface BoxPage {
  items: ApprovalSummary[];
  total: number;
}

export const firstPages: Offsets = { todo: 0, done: 0, mine: 0 };

const encodeOffsets = (o: Offsets): string => `${o.todo}.${o.done}.${o.mine}`;

export function parseOffsets(value: string | undefined): Offsets | null {
  const m = /^(\d{1,6})\.(\d{1,6})\.(\d{1,6})$/.exec(value ?? '');
  return m ? { todo: Number(m[1]), done: Number(m[2]), mine: Number(m[3]) } : null;
}

const names = (people: { name: string }[]) => people.map((p) => esc(cut(p.name, 80))).join(', ');

/** What the line says of the item's state: the decision (done) or the request's state (mine). */
function stateOf(reader: Reader, box: ApprovalBox, s: ApprovalSummary): string {
  if (box === 'done') {
    const decision = tCode(reader, 'appr.decision.', s.stepStatus ?? 'pending');
    return s.comment ? t(reader, 'appr.list.with_comment', { state: decision, comment: esc(cut(s.comment.replace(/\s+/g, ' '), 150)) }) : decision;
  }
  if (s.status === 'pending') return t(reader, 'appr.list.waiting', { names: s.waitingFor.length ? names(s.waitingFor) : t(reader, 'common.none') });
  const state = t(reader, `appr.status.${s.status}`);
  return s.comment ? t(reader, 'appr.list.with_comment', { state, comment: esc(cut(s.comment.replace(/\s+/g, ' '), 150)) }) : state;
}

function itemBlock(reader: Reader, box: ApprovalBox, s: ApprovalSummary): Block {
  const base = {
    flow: t(reader, `appr.flow.${s.flow}`),
    store: esc(cut(s.opportunityName ? `${s.store.name} · ${s.opportunityName}` : s.store.name, 150)),
    amount: s.amount !== null ? ` · ${formatMoney(s.amount, reader.locale)}` : '',
    at: formatDateTime(s.at, reader.timezone),
  };
  const text = box === 'todo'
    ? t(reader, 'appr.list.todo_line', { ...base, requester: esc(cut(s.requester.name, 80)) })
    : box === 'done'
      ? t(reader, 'appr.list.done_line', { ...base, decision: stateOf(reader, box, s) })
      : t(reader, 'appr.list.mine_line', { ...base, state: stateOf(reader, box, s) });
  const open = button(t(reader, 'appr.btn.open'), ids.actions.openApproval, { value: String(s.requestId) });
  return section(text, open, `approvals:${box}:${s.stepId ?? 'r'}:${s.requestId}`);
}

/** "More (n left)", or back to the first page once the last was shown. */
function pagingBlock(reader: Reader, box: ApprovalBox, page: BoxPage, offsets: Offsets): Block | null {
  const skip = offsets[box];
  const left = page.total - skip - page.items.length;
  if (left > 0) {
    return actions([button(t(reader, 'appr.list.more', { count: left }), ids.actions.approvalsPage, { value: encodeOffsets({ ...offsets, [box]: skip + APPROVALS_PAGE }) })], `approvals_page:${box}`);
  }
  if (skip > 0) return actions([button(t(reader, 'appr.list.first'), ids.actions.approvalsPage, { value: encodeOffsets({ ...offsets, [box]: 0 }) })], `approvals_page:${box}`);
  return null;
}

function boxBlocks(reader: Reader, box: ApprovalBox, page: BoxPage, offsets: Offsets): Block[] {
  const paging = pagingBlock(reader, box, page, offsets);
  return [
    section(t(reader, `appr.list.${box}`, { total: page.total })),
    ...(page.items.length ? page.items.slice(0, APPROVALS_PAGE).map((s) => itemBlock(reader, box, s)) : [context([t(reader, `appr.list.empty.${box}`)])]),
    ...(paging ? [paging] : []),
  ];
}

/** The whole `/crm approvals` message: three boxes of at most ten (3 × 12 + 4 blocks, under Slack's 50). */
export function approvalsMessage(reader: Reader, pages: Record<ApprovalBox, BoxPage>, offsets: Offsets): { text: string; blocks: Block[] } {
  const blocks: Block[] = [header(t(reader, 'appr.list.header'))];
  boxes.forEach((box, i) => {
    if (i > 0) blocks.push(divider());
    blocks.push(...boxBlocks(reader, box, pages[box], offsets));
  });
  return { text: t(reader, 'appr.list.text', { todo: pages.todo.total, mine: pages.mine.total }), blocks: blocks.slice(0, limits.messageBlocks) };
}
