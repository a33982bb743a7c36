import type { WaitingApproval } from '../../domain/approvals/waiting.ts';
import type { MyDay } from '../../domain/followups/my-day.ts';
import type { TeamDay } from '../../domain/team/today.ts';
import { formatDate, formatTime } from '../../domain/time/zone.ts';
import type { Reader } from '../../i18n/index.ts';
import { formatMoney } from '../../i18n/money.ts';
import { actions, button, capBlocks, context, cut, divider, esc, header, limits, section, type Block } from '../blocks/kit.ts';
import { t, tCode } from '../i18n/index.ts';
import { ids } from '../ids.ts';
import { duration } from './durations.ts';
import { myDaySections, linesSection } from './today.ts';
import { teamSections } from './team-day.ts';

// App Home: quick buttons; then what waits for my decision (approvers), each with Approve / Reject /
// Open; then my day (a rep, an admin) or my team's day (a supervisor, a manager); then my open
// opportunities. Within 100 blocks however much there is.

interface HomeOpportunity {
  id: number;
  name: string;
  amount: number;
  stage: string;
  expectedCloseAt: Date;
  store: { name: string };
}

export interface HomeData {
  name: string;
  now: Date;
  /** My day: a rep's and an admin's Home. */
  day?: MyDay;
  opportunities: { items: HomeOpportunity[]; total: number };
  /** Waiting for my decision (approvers only have any). */
  approvals?: { items: WaitingApproval[]; total: number };
  /** A supervisor's or manager's Home: its team's day instead of its own. */
  team?: TeamDay;
  /** My away period, in force or to come. */
  away?: { from: string; to: string; started: boolean; delegate: { name: string } };
}

/** Where one waiting request's buttons live on Home; a click there is answered on Home (a modal), not in Messages. */
export const HOME_APPROVAL_BLOCK = 'home_approval';
const approvalBlockId = (stepId: number): string => `${HOME_APPROVAL_BLOCK}:${stepId}`;

/**
 * One request waiting for me: what, which store, how much, who asked, for how long; then the card's
 * own decisions (the same action ids and values, so the same handlers and exactly-once rules) and Open.
 */
function approvalItem(reader: Reader, a: WaitingApproval, now: Date): Block[] {
  const step = String(a.stepId);
  const decide = a.decision === 'send_up'
    ? button(t(reader, 'appr.btn.send_up'), ids.actions.approveSendUp, { value: step, style: 'primary' })
    : button(t(reader, 'appr.btn.approve'), ids.actions.approve, { value: step, style: 'primary' });
  const reject = button(t(reader, 'appr.btn.reject'), ids.actions.rejectRequest, {
    value: step,
    style: 'danger',
    confirm: { title: t(reader, 'appr.confirm.reject_title'), text: t(reader, 'appr.confirm.reject_text'), confirm: t(reader, 'appr.btn.reject'), deny: t(reader, 'appr.confirm.no') },
  });
  const open = button(t(reader, 'appr.btn.open'), ids.actions.openApproval, { value: String(a.requestId) });
  return [
    section(
      t(reader, 'home.appr.item', {
        flow: tCode(reader, 'appr.flow.', a.flow),
        store: esc(cut(a.store.name, 80)),
        amount: a.amount === null ? '' : ` · ${formatMoney(a.amount, reader.locale)}`,
        requester: esc(cut(a.requester.name, 60)),
        age: duration(reader, Math.max(0, now.getTime() - a.since.getTime())),
      }),
    ),
    actions([decide, reject, open], approvalBlockId(a.stepId)),
  ];
}

/** What waits for my decision, first: an approver opens Home to act on it. */
function approvalBlocks(reader: Reader, approvals: HomeData['approvals'], now: Date): Block[] {
  if (!approvals || approvals.total === 0) return [];
  const more = approvals.total - approvals.items.length;
  return [
    section(t(reader, 'home.approvals', { count: approvals.total })),
    ...approvals.items.flatMap((a) => approvalItem(reader, a, now)),
    ...(more > 0 ? [context([t(reader, 'home.appr.more', { count: more })])] : []),
    divider(),
  ];
}

const HOME_QUICK_BLOCK = 'home_quick';

export function homeView(reader: Reader, data: HomeData): { type: 'home'; blocks: Block[] } {
  const { now } = data;
  const tz = reader.timezone;
  const top: Block[] = [
    header(t(reader, 'home.header', { name: cut(data.name, 60) })),
    context([`${t(reader, data.team ? 'team.day' : 'today.header', { date: formatDate(now, tz) })} · ${t(reader, 'home.updated', { time: formatTime(now, tz) })}`]),
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
  const waiting = approvalBlocks(reader, data.approvals, now);
  const room = limits.viewBlocks - top.length - waiting.length - bottom.length;
  const middle = data.team ? teamSections(reader, data.team, { maxBlocks: room }) : data.day ? myDaySections(reader, data.day, { maxBlocks: room }) : [];
  return { type: 'home', blocks: capBlocks([...top, ...waiting, ...middle, ...bottom], limits.viewBlocks, (n) => t(reader, 'today.more', { count: n })) };
}
