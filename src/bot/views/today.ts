import { DAY_MS } from '../../domain/clock.ts';
import type { FollowUpItem, MyDay } from '../../domain/followups/my-day.ts';
import { formatDate, formatDateTime, formatTime, zonedParts, zonedTimeToUtc } from '../../domain/time/zone.ts';
import type { Reader } from '../../i18n/index.ts';
import { actions, button, capBlocks, context, cut, divider, esc, header, input, limits, modal, option, section, type Block, type ModalView } from '../blocks/kit.ts';
import { t } from '../i18n/index.ts';
import { ids } from '../ids.ts';
import { idField, metadataCodec, urlField } from '../blocks/metadata.ts';
import { overdueBy } from './durations.ts';

// "My day" (src/domain/followups/my-day.ts) as /crm today shows it and as the top of App Home shows
// it. The builders are pure and keep Slack's limits for any amount of data.

/** Lists on a surface are cut at this many lines of text. */
const LIST_LINES = 25;

// ---- snooze choices ------------------------------------------------------------------------------

/** Every choice a snooze button or menu may carry; `hour` is a reminder's Snooze 1 h. */
const snoozeChoices = ['hour', 'tomorrow', 'in3days', 'monday', 'pick'] as const;
export type SnoozeChoice = (typeof snoozeChoices)[number];
/** The choices of the Snooze menu, in its order. */
const menuChoices = ['tomorrow', 'in3days', 'monday', 'pick'] as const satisfies readonly SnoozeChoice[];

/**
 * When a quick snooze choice lands: an hour from now (to the next whole minute, so that a double click
 * snoozes once), or 09:00 local on tomorrow, in 3 days, or next Monday.
 */
export function snoozeTarget(choice: Exclude<SnoozeChoice, 'pick'>, now: Date, tz: string): Date {
  if (choice === 'hour') return new Date(Math.ceil((now.getTime() + 3_600_000) / 60_000) * 60_000);
  const p = zonedParts(now, tz);
  const days = choice === 'tomorrow' ? 1 : choice === 'in3days' ? 3 : (8 - p.weekday) % 7 || 7;
  return zonedTimeToUtc({ year: p.year, month: p.month, day: p.day + days, hour: 9 }, tz);
}

/** The value of a snooze option: `<follow-up id>:<choice>`. */
export const snoozeValue = (followUpId: number, choice: SnoozeChoice): string => `${followUpId}:${choice}`;
export function parseSnoozeValue(value: string): { id: number; choice: SnoozeChoice } | null {
  const [id, choice] = value.split(':');
  const n = Number(id);
  if (!Number.isInteger(n) || n <= 0 || !(snoozeChoices as readonly string[]).includes(choice ?? '')) return null;
  return { id: n, choice: choice as SnoozeChoice };
}

// ---- blocks --------------------------------------------------------------------------------------

/** Actions blocks of follow-ups on a my-day surface carry this prefix: a click there refreshes the surface. */
export const MY_DAY_BLOCK = 'myday';
const followUpBlockId = (id: number): string => `${MY_DAY_BLOCK}:followup:${id}`;

const storeName = (name: string) => esc(cut(name.replace(/\s+/g, ' '), 80));

/**
 * A follow-up's first line wherever follow-ups are listed: the store and when it is due; once its
 * time has passed (an earlier day, or earlier today), a red marker and how long it is overdue.
 */
export function followUpLine(reader: Reader, f: { dueAt: Date; store: { name: string } }, now: Date): string {
  const tz = reader.timezone;
  const late = f.dueAt < now;
  const when = late || formatDate(f.dueAt, tz) !== formatDate(now, tz) ? formatDateTime(f.dueAt, tz) : formatTime(f.dueAt, tz);
  if (late) return t(reader, 'today.item_late', { store: storeName(f.store.name), overdue: overdueBy(reader, f.dueAt, now), when });
  return t(reader, 'today.item_today', { store: storeName(f.store.name), when });
}

/** One follow-up: what and when, then Done and a Snooze menu. Two blocks. */
function followUpBlocks(reader: Reader, f: FollowUpItem, now: Date): Block[] {
  const tz = reader.timezone;
  const lines = [followUpLine(reader, f, now)];
  const extra = [f.note ? esc(cut(f.note.replace(/\s+/g, ' '), 200)) : '', f.snoozes > 0 ? `_${t(reader, 'today.snoozed_times', { count: f.snoozes })}_` : '']
    .filter(Boolean)
    .join(' · ');
  if (extra) lines.push(extra);
  const monday = snoozeTarget('monday', now, tz).getTime();
  const choices = menuChoices.filter((c) => !(c === 'monday' && (monday === snoozeTarget('tomorrow', now, tz).getTime() || monday === snoozeTarget('in3days', now, tz).getTime())));
  return [
    section(lines.join('\n')),
    actions(
      [
        button(t(reader, 'followup.btn.done'), ids.actions.followUpDone, { value: String(f.id), style: 'primary' }),
        {
          type: 'static_select',
          action_id: ids.actions.followUpSnooze,
          placeholder: { type: 'plain_text', text: cut(t(reader, 'followup.snooze.placeholder'), limits.placeholder), emoji: true },
          options: choices.map((c) => option(t(reader, `followup.snooze.${c}`), snoozeValue(f.id, c))),
        },
      ],
      followUpBlockId(f.id),
    ),
  ];
}

function protectionLeft(reader: Reader, until: Date | null, now: Date): string {
  if (!until) return t(reader, 'common.none');
  const tz = reader.timezone;
  const text = formatDateTime(until, tz);
  if (until <= now) return t(reader, 'today.ended', { until: text });
  const days = Math.floor((until.getTime() - now.getTime()) / DAY_MS);
  return days >= 1 ? t(reader, 'today.ends_in_days', { until: text, days }) : t(reader, 'today.ends_today', { until: text });
}

/** Lines joined into one section's text, cut by whole lines with "…and N more" so that it fits. */
export function linesSection(reader: Reader, lines: string[], total: number = lines.length, maxLines = LIST_LINES): Block {
  const max = limits.sectionText;
  const kept: string[] = [];
  let size = 0;
  const moreLine = (n: number) => t(reader, 'today.more', { count: n });
  for (const line of lines.slice(0, maxLines)) {
    const l = cut(line, 500);
    // Leave room for the "more" line.
    if (size + l.length + 1 > max - 40) break;
    kept.push(l);
    size += l.length + 1;
  }
  const rest = total - kept.length;
  return section(rest > 0 ? [...kept, moreLine(rest)].join('\n') : kept.join('\n'));
}

interface MyDayOptions {
  /** The most blocks these sections may use (the surface's limit minus what surrounds them). */
  maxBlocks: number;
}

/**
 * Pool usage, overdue and due follow-ups (each with Done and Snooze), stores whose protection ends
 * within 3 days. Follow-ups take two blocks each: as many as fit are shown, overdue first, and each
 * list says how many more there are.
 */
export function myDaySections(reader: Reader, day: MyDay, opts: MyDayOptions): Block[] {
  const u = day.usage;
  const usage = section(
    u.customers > 0
      ? t(reader, 'today.usage_customers', { held: u.held, cap: u.cap, customers: u.customers })
      : t(reader, 'today.usage', { held: u.held, cap: u.cap }),
  );
  const tail: Block[] = [];
  if (day.endingTotal > 0) {
    tail.push(divider());
    tail.push(section(t(reader, 'today.ending', { count: day.endingTotal })));
    tail.push(
      linesSection(
        reader,
        day.ending.map((s) => t(reader, 'today.ending_line', { store: storeName(s.name), code: esc(s.code), left: protectionLeft(reader, s.protectedUntil, day.now) })),
        day.endingTotal,
      ),
    );
  }
  if (day.upcomingTotal > 0) tail.push(context([t(reader, 'today.upcoming', { count: day.upcomingTotal })]));

  const lists = [
    { key: 'today.overdue' as const, items: day.overdue, total: day.overdueTotal },
    { key: 'today.due_today' as const, items: day.dueToday, total: day.dueTodayTotal },
  ].filter((l) => l.total > 0);
  // usage, a divider and a title per list, a possible "more" line per list, and the tail.
  const fixed = 1 + lists.length * 3 + tail.length + (lists.length === 0 ? 1 : 0);
  let room = Math.max(0, Math.floor((opts.maxBlocks - fixed) / 2));
  const blocks: Block[] = [usage];
  for (const l of lists) {
    blocks.push(divider(), section(t(reader, l.key, { count: l.total })));
    const shown = l.items.slice(0, room);
    room -= shown.length;
    for (const f of shown) blocks.push(...followUpBlocks(reader, f, day.now));
    if (l.total > shown.length) blocks.push(context([t(reader, 'today.more', { count: l.total - shown.length })]));
  }
  if (lists.length === 0) blocks.push(section(t(reader, 'today.nothing_due')));
  blocks.push(...tail);
  return capBlocks(blocks, opts.maxBlocks, (n) => t(reader, 'today.more', { count: n }));
}

/** The plain-text summary that goes with the blocks (notifications, screen readers). */
function myDayText(reader: Reader, day: MyDay): string {
  return t(reader, 'today.text', {
    overdue: day.overdueTotal,
    today: day.dueTodayTotal,
    ending: day.endingTotal,
    held: day.usage.held,
    cap: day.usage.cap,
  });
}

/** `/crm today`: one message, within 50 blocks; `notice` (e.g. "✓ Done: …") on top after a click. */
export function todayMessage(reader: Reader, day: MyDay, notice?: string): { text: string; blocks: Block[] } {
  const top: Block[] = [
    ...(notice ? [context([notice])] : []),
    { ...header(t(reader, 'today.header', { date: formatDate(day.now, reader.timezone) })), block_id: `${MY_DAY_BLOCK}:header` },
  ];
  const blocks = [...top, ...myDaySections(reader, day, { maxBlocks: limits.messageBlocks - top.length })];
  return { text: myDayText(reader, day), blocks: capBlocks(blocks, limits.messageBlocks, (n) => t(reader, 'today.more', { count: n })) };
}

// ---- the "pick a time" modal ---------------------------------------------------------------------

export const snoozeActions = { date: 'snooze_date', time: 'snooze_time' } as const;
/** Block ids: the date carries the domain's field name (`dueAt`) so that "must be in the future" lands there. */
export const snoozeBlocks = { date: 'dueAt', time: 'dueTime' } as const;

interface SnoozeMetadata {
  /** The follow-up. */
  f: number;
  /** The response_url of the /crm today message to refresh afterwards, if the click came from one. */
  r?: string;
}

export function snoozeModal(reader: Reader, meta: SnoozeMetadata, now: Date): ModalView {
  const tomorrow = snoozeTarget('tomorrow', now, reader.timezone);
  return modal({
    callbackId: ids.views.snooze,
    title: t(reader, 'snooze.modal.title'),
    submit: t(reader, 'snooze.modal.submit'),
    close: t(reader, 'snooze.modal.close'),
    privateMetadata: snoozeMetadata.encode(meta),
    blocks: [
      input(snoozeBlocks.date, t(reader, 'snooze.field.date'), { type: 'datepicker', action_id: snoozeActions.date, initial_date: formatDate(tomorrow, reader.timezone) }),
      input(snoozeBlocks.time, t(reader, 'snooze.field.time'), { type: 'timepicker', action_id: snoozeActions.time, initial_time: '09:00' }),
    ],
  });
}

// A response_url is short; should one ever not fit, the modal still works without the refresh.
const snoozeMetadata = metadataCodec<SnoozeMetadata>({ f: idField, r: urlField }, ['f']);
export const parseSnoozeMetadata = snoozeMetadata.decode;
