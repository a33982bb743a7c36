import { formatDate, formatTime } from '../../domain/time/zone.ts';
import type { Reader } from '../../i18n/index.ts';
import { formatMoney } from '../../i18n/money.ts';
import { actions, button, capBlocks, context, cut, divider, esc, header, limits, type Block } from '../blocks/kit.ts';
import { t, tCode } from '../i18n/index.ts';
import { ids } from '../ids.ts';
import { myDaySections, linesSection } from './today.ts';
import type { MyDay } from '../../domain/followups/my-day.ts';

// App Home: quick buttons, then my day (as /crm today), then my open opportunities. Within 100
// blocks however many follow-ups there are.

interface HomeOpportunity {
  id: number;
  name: string;
  amount: number;
  stage: string;
  expectedCloseAt: Date;
  store: { name: string };
}

/** A request waiting for my decision. */
interface HomeApproval {
  flow: string;
  store: { name: string };
  amount: number | null;
  requester: { name: string };
}

interface HomeData {
  name: string;
  day: MyDay;
  opportunities: { items: HomeOpportunity[]; total: number };
  /** Waiting for my decision (approvers only have any). */
  approvals?: { items: HomeApproval[]; total: number };
  /** My away period, in force or to come. */
  away?: { from: string; to: string; started: boolean; delegate: { name: string } };
}

/** What waits for my decision, first: an approver opens Home to find it. */
function approvalBlocks(reader: Reader, approvals: HomeData['approvals']): Block[] {
  if (!approvals || approvals.total === 0) return [];
  const lines = approvals.items.map((a) =>
    t(reader, 'home.approval_line', {
      flow: tCode(reader, 'appr.flow.', a.flow),
      store: esc(cut(a.store.name, 80)),
      amount: a.amount === null ? '' : ` · ${formatMoney(a.amount, reader.locale)}`,
      requester: esc(cut(a.requester.name, 60)),
    }),
  );
  return [linesSection(reader, [t(reader, 'home.approvals', { count: approvals.total }), ...lines], approvals.total + 1), context([t(reader, 'home.approvals_hint')]), divider()];
}

const HOME_QUICK_BLOCK = 'home_quick';

export function homeView(reader: Reader, data: HomeData): { type: 'home'; blocks: Block[] } {
  const { day } = data;
  const tz = reader.timezone;
  const top: Block[] = [
    header(t(reader, 'home.header', { name: cut(data.name, 60) })),
    context([`${t(reader, 'today.header', { date: formatDate(day.now, tz) })} · ${t(reader, 'home.updated', { time: formatTime(day.now, tz) })}`]),
    actions(
      [
        button(t(reader, 'home.btn.log_visit'), ids.actions.homeLogVisit, { style: 'primary' }),
        button(t(reader, 'home.btn.claim'), ids.actions.homeClaim),
        button(t(reader, 'home.btn.new_opportunity'), ids.actions.homeNewOpportunity),
        button(t(reader, 'home.btn.refresh'), ids.actions.homeRefresh),
        // Those who approve can name a delegate while away (the approvals section is theirs too).
        ...(data.approvals ? [button(t(reader, 'away.btn.home'), ids.actions.homeAway)] : []),
      ],
      HOME_QUICK_BLOCK,
    ),
    ...(data.away ? [context([t(reader, data.away.started ? 'away.home.now' : 'away.home.planned', { from: data.away.from, to: data.away.to, delegate: esc(cut(data.away.delegate.name, 80)) })])] : []),
    divider(),
  ];
  const opps = data.opportunities;
  const bottom: Block[] =
    opps.total > 0
      ? [
          divider(),
          {
            ...linesSection(
              reader,
              [
                t(reader, 'home.opportunities', { count: opps.total }),
                ...opps.items.map((o) =>
                  t(reader, 'home.opportunity_line', {
                    name: esc(cut(o.name, 100)),
                    store: esc(cut(o.store.name, 80)),
                    amount: formatMoney(o.amount, reader.locale),
                    stage: tCode(reader, 'opp.stage.', o.stage),
                    close: formatDate(o.expectedCloseAt, tz),
                  }),
                ),
              ],
              opps.total + 1,
            ),
          },
        ]
      : [];
  const waiting = approvalBlocks(reader, data.approvals);
  const middle = myDaySections(reader, day, { maxBlocks: limits.viewBlocks - top.length - waiting.length - bottom.length });
  return { type: 'home', blocks: capBlocks([...top, ...waiting, ...middle, ...bottom], limits.viewBlocks, (n) => t(reader, 'today.more', { count: n })) };
}
