import type { DigestFollowUp, DigestPayload } from '../../domain/followups/digest.ts';
import { formatDate, formatDateTime, formatTime } from '../../domain/time/zone.ts';
import type { Reader } from '../../i18n/index.ts';
import { actions, button, capBlocks, context, cut, divider, esc, header, limits, option, section, type Block, type BlockMessage } from '../blocks/kit.ts';
import { t, tCode } from '../i18n/index.ts';
import { ids } from '../ids.ts';
import { linesSection, snoozeValue } from './today.ts';

// Follow-ups in a DM: a reminder at the due time, and the morning digest. Their buttons are my day's
// (Done, Snooze: src/bot/listeners/actions/followups.ts); a click redraws the DM in place, the clicked
// follow-up's buttons becoming the line that says what was done. Pure builders within Slack's limits.

/** Actions blocks of follow-ups in a DM carry this prefix: a click there redraws that message. */
export const DM_FOLLOWUP_BLOCK = 'dmfollowup';
const blockIdOf = (followUpId: number): string => `${DM_FOLLOWUP_BLOCK}:${followUpId}`;

const storeName = (name: string) => esc(cut(name.replace(/\s+/g, ' '), 80));

/** Done, Snooze 1 h and Tomorrow 09:00: a reminder's buttons. */
function reminderActions(reader: Reader, followUpId: number): Block {
  return actions(
    [
      button(t(reader, 'followup.btn.done'), ids.actions.followUpDone, { value: String(followUpId), style: 'primary' }),
      button(t(reader, 'followup.snooze.hour'), ids.actions.followUpSnooze, { value: snoozeValue(followUpId, 'hour') }),
      button(t(reader, 'followup.btn.tomorrow'), ids.actions.followUpSnoozeTomorrow, { value: snoozeValue(followUpId, 'tomorrow') }),
    ],
    blockIdOf(followUpId),
  );
}

/** Done and a Snooze menu (an hour, tomorrow, in 3 days): a digest line's buttons. */
function digestActions(reader: Reader, followUpId: number): Block {
  return actions(
    [
      button(t(reader, 'followup.btn.done'), ids.actions.followUpDone, { value: String(followUpId), style: 'primary' }),
      {
        type: 'static_select',
        action_id: ids.actions.followUpSnooze,
        placeholder: { type: 'plain_text', text: cut(t(reader, 'followup.snooze.placeholder'), limits.placeholder), emoji: true },
        options: [
          option(t(reader, 'followup.snooze.hour'), snoozeValue(followUpId, 'hour')),
          option(t(reader, 'followup.snooze.tomorrow'), snoozeValue(followUpId, 'tomorrow')),
          option(t(reader, 'followup.snooze.in3days'), snoozeValue(followUpId, 'in3days')),
        ],
      },
    ],
    blockIdOf(followUpId),
  );
}

export interface ReminderFacts {
  id: number;
  dueAt: Date;
  note: string | null;
  store: { code: string; name: string };
}

/** The DM at a follow-up's due time. */
export function reminderMessage(reader: Reader, f: ReminderFacts): BlockMessage {
  const headline = t(reader, 'reminder.headline', { when: formatDateTime(f.dueAt, reader.timezone), store: storeName(f.store.name), code: esc(f.store.code) });
  const blocks: Block[] = [section(headline)];
  if (f.note?.trim()) blocks.push(context([esc(cut(f.note.trim().replace(/\s+/g, ' '), 500))]));
  blocks.push(reminderActions(reader, f.id));
  return { text: cut(t(reader, 'reminder.text', { store: cut(f.store.name, 80) }), 3000), blocks };
}

function digestItem(reader: Reader, f: DigestFollowUp, today: string, overdue: boolean): Block[] {
  const due = new Date(f.dueAt);
  const tz = reader.timezone;
  const when = overdue || formatDate(due, tz) !== today ? formatDateTime(due, tz) : formatTime(due, tz);
  const lines = [t(reader, overdue ? 'today.item_overdue' : 'today.item_today', { store: storeName(f.store.name), when })];
  const extra = [f.note ? esc(cut(f.note.replace(/\s+/g, ' '), 200)) : '', f.snoozes > 0 ? `_${t(reader, 'today.snoozed_times', { count: f.snoozes })}_` : ''].filter(Boolean).join(' · ');
  if (extra) lines.push(extra);
  return [section(lines.join('\n')), digestActions(reader, f.id)];
}

/**
 * The morning digest: overdue and due follow-ups (each with Done and Snooze), stores whose protection
 * ends soon, approvals waiting, yesterday's figures. Within a message's 50 blocks.
 */
export function digestMessage(reader: Reader, name: string, d: DigestPayload): BlockMessage {
  const tz = reader.timezone;
  const blocks: Block[] = [header(t(reader, 'digest.header', { name: cut(name, 60), date: d.localDate }))];
  const lists = [
    { key: 'today.overdue' as const, items: d.overdue, total: d.overdueTotal, overdue: true },
    { key: 'today.due_today' as const, items: d.dueToday, total: d.dueTodayTotal, overdue: false },
  ];
  for (const l of lists) {
    if (l.total === 0) continue;
    blocks.push(section(t(reader, l.key, { count: l.total })));
    for (const f of l.items) blocks.push(...digestItem(reader, f, d.localDate, l.overdue));
    if (l.total > l.items.length) blocks.push(context([t(reader, 'today.more', { count: l.total - l.items.length })]));
    blocks.push(divider());
  }
  if (d.endingTotal > 0) {
    const lines = d.ending.map((s) =>
      t(reader, 'today.ending_line', { store: storeName(s.name), code: esc(s.code), left: t(reader, 'today.ends_today', { until: formatDateTime(new Date(s.protectedUntil), tz) }) }),
    );
    blocks.push(section(t(reader, 'today.ending', { count: d.endingTotal })), linesSection(reader, lines, d.endingTotal), divider());
  }
  if (d.approvalsTotal > 0) {
    const lines = d.approvals.map((a) =>
      t(reader, 'digest.approval_line', { flow: tCode(reader, 'appr.flow.', a.flow), store: storeName(a.store), requester: esc(cut(a.requester, 60)), since: formatDateTime(new Date(a.since), tz) }),
    );
    blocks.push(section(t(reader, 'digest.approvals', { count: d.approvalsTotal })), linesSection(reader, lines, d.approvalsTotal), context([t(reader, 'digest.approvals_hint')]), divider());
  }
  // A lead's figures are their team's (their org subtree's), and say so.
  if (d.yesterday.visits + d.yesterday.claims > 0) blocks.push(context([t(reader, d.yesterday.team ? 'digest.yesterday_team' : 'digest.yesterday', { visits: d.yesterday.visits, claims: d.yesterday.claims })]));
  if (blocks.at(-1)?.type === 'divider') blocks.pop();
  const text = t(reader, 'digest.text', { overdue: d.overdueTotal, today: d.dueTodayTotal, ending: d.endingTotal, approvals: d.approvalsTotal });
  return { text, blocks: capBlocks(blocks, limits.messageBlocks, (n) => t(reader, 'today.more', { count: n })) };
}

/**
 * The blocks of a DM after a click on one of its follow-ups: that follow-up's buttons give way to
 * `line` ("✓ Done: …"); everything else stays as it was. Unknown blocks are kept as they came.
 */
export function markFollowUp(blocks: readonly unknown[], followUpId: number, line: string): unknown[] {
  const id = blockIdOf(followUpId);
  return blocks.map((b) => (b && typeof b === 'object' && (b as { block_id?: unknown }).block_id === id ? { ...context([line]), block_id: id } : b));
}

/** The follow-up a DM block belongs to, from its block id; null when the block is not one of these. */
export function dmFollowUpOf(blockId: string | undefined): number | null {
  const m = new RegExp(`^${DM_FOLLOWUP_BLOCK}:(\\d{1,15})$`).exec(blockId ?? '');
  return m ? Number(m[1]) : null;
}
