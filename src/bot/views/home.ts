import { formatDate, formatDateTime } from '../../domain/time/zone.ts';
import type { Reader } from '../../i18n/index.ts';
import { actions, button, capBlocks, context, cut, divider, esc, header, limits, type Block } from '../blocks/kit.ts';
import { t } from '../i18n/index.ts';
import { ids } from '../ids.ts';
import { myDaySections, linesSection, type MyDay } from './today.ts';
import { formatAmount } from './opportunity-modal.ts';

// App Home: quick buttons, then my day (as /crm today), then my open opportunities. Within 100
// blocks however many follow-ups there are.

export interface HomeOpportunity {
  id: number;
  name: string;
  amount: number;
  stage: string;
  expectedCloseAt: Date;
  store: { name: string };
}

export interface HomeData {
  name: string;
  day: MyDay;
  opportunities: { items: HomeOpportunity[]; total: number };
}

export const HOME_QUICK_BLOCK = 'home_quick';

export function homeView(reader: Reader, data: HomeData): { type: 'home'; blocks: Block[] } {
  const { day } = data;
  const tz = reader.timezone;
  const top: Block[] = [
    header(t(reader, 'home.header', { name: cut(data.name, 60) })),
    context([`${t(reader, 'today.header', { date: formatDate(day.now, tz) })} · ${t(reader, 'home.updated', { time: formatDateTime(day.now, tz).slice(11) })}`]),
    actions(
      [
        button(t(reader, 'home.btn.log_visit'), ids.actions.homeLogVisit, { style: 'primary' }),
        button(t(reader, 'home.btn.claim'), ids.actions.homeClaim),
        button(t(reader, 'home.btn.new_opportunity'), ids.actions.homeNewOpportunity),
        button(t(reader, 'home.btn.refresh'), ids.actions.homeRefresh),
      ],
      HOME_QUICK_BLOCK,
    ),
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
                    amount: formatAmount(o.amount),
                    stage: t(reader, `opp.stage.${o.stage}`),
                    close: formatDate(o.expectedCloseAt, tz),
                  }),
                ),
              ],
              opps.total + 1,
            ),
          },
        ]
      : [];
  const middle = myDaySections(reader, day, { maxBlocks: limits.viewBlocks - top.length - bottom.length });
  return { type: 'home', blocks: capBlocks([...top, ...middle, ...bottom], limits.viewBlocks, (n) => t(reader, 'today.more', { count: n })) };
}
