import type { TeamDay } from '../../domain/team/today.ts';
import { formatTime } from '../../domain/time/zone.ts';
import type { Reader } from '../../i18n/index.ts';
import { formatMoney } from '../../i18n/money.ts';
import { capBlocks, cut, divider, esc, section, type Block } from '../blocks/kit.ts';
import { t } from '../i18n/index.ts';
import { overdueBy } from './durations.ts';
import { linesSection } from './today.ts';

// A supervisor's or manager's team day (src/domain/team/today.ts) as App Home shows it: visits per
// rep, the team's overdue follow-ups (red, with how long), the stores the sweep returns tonight, the
// open pipeline by stage. Pure; a list longer than its section says how many more there are.

interface TeamOptions {
  /** The most blocks these sections may use. */
  maxBlocks: number;
}

const name = (s: string, max = 60): string => esc(cut(s.replace(/\s+/g, ' '), max));

function visitsBlock(reader: Reader, day: TeamDay): Block {
  if (day.reps.length === 0) return section([t(reader, 'team.visits', { count: day.visitsToday }), t(reader, 'team.no_reps')].join('\n'));
  const lines = day.reps.map((r) =>
    r.visits === 0 ? t(reader, 'team.visits_none', { name: name(r.name) }) : t(reader, 'team.visits_line', { name: name(r.name), count: r.visits }),
  );
  return linesSection(reader, [t(reader, 'team.visits', { count: day.visitsToday }), ...lines], day.reps.length + 1);
}

function overdueBlock(reader: Reader, day: TeamDay): Block {
  if (day.overdueTotal === 0) return section(t(reader, 'team.overdue_none'));
  const lines = day.overdue.map((f) =>
    t(reader, 'team.overdue_line', { store: name(f.store.name, 80), person: name(f.person.name), overdue: overdueBy(reader, f.dueAt, day.now) }),
  );
  return linesSection(reader, [t(reader, 'team.overdue', { count: day.overdueTotal }), ...lines], day.overdueTotal + 1);
}

function returningBlock(reader: Reader, day: TeamDay): Block {
  if (day.returningTotal === 0) return section(t(reader, 'team.returning_none'));
  const lines = day.returning.map((s) => t(reader, 'team.returning_line', { store: name(s.name, 80), code: esc(s.code), owner: name(s.owner.name) }));
  return linesSection(reader, [t(reader, 'team.returning', { count: day.returningTotal, time: formatTime(day.sweepAt, reader.timezone) }), ...lines], day.returningTotal + 1);
}

function pipelineBlock(reader: Reader, day: TeamDay): Block {
  const open = day.pipeline.filter((p) => p.count > 0);
  if (open.length === 0) return section(t(reader, 'team.pipeline_none'));
  const money = (n: number) => formatMoney(n, reader.locale);
  const lines = day.pipeline.map((p) => t(reader, 'team.pipeline_line', { count: p.count, stage: t(reader, `opp.stage.${p.stage}`), amount: money(p.amount) }));
  const total = day.pipeline.reduce((n, p) => n + p.amount, 0);
  return section([t(reader, 'team.pipeline'), ...lines, t(reader, 'team.pipeline_total', { amount: money(total) })].join('\n'));
}

/** The team's day, within `maxBlocks`: four sections under one title. */
export function teamSections(reader: Reader, day: TeamDay, opts: TeamOptions): Block[] {
  const blocks: Block[] = [
    section(t(reader, 'team.header')),
    visitsBlock(reader, day),
    divider(),
    overdueBlock(reader, day),
    divider(),
    returningBlock(reader, day),
    divider(),
    pipelineBlock(reader, day),
  ];
  return capBlocks(blocks, opts.maxBlocks, (n) => t(reader, 'today.more', { count: n }));
}

