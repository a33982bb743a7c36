import { oppActions } from '../../../src/bot/views/opportunity-modal.ts';
import { ids } from '../../../src/bot/ids.ts';
import type { Json, SlackWorld } from '../../support/slack.ts';

// The opportunity modal (/opp) of the tests of issue 12: opened through Slack, filled in as Slack sends it.

/** What the opportunity modal's inputs hold, as `view.state.values`. */
export function oppValues(o: { store: number; name: string; amount?: string; close?: string }): Json {
  return {
    storeId: { [oppActions.storeId]: { type: 'external_select', selected_option: { text: { type: 'plain_text', text: 'store' }, value: String(o.store) } } },
    name: { [oppActions.name]: { type: 'plain_text_input', value: o.name } },
    amount: { [oppActions.amount]: { type: 'plain_text_input', value: o.amount ?? '12800' } },
    expectedCloseAt: { [oppActions.expectedCloseAt]: { type: 'datepicker', selected_date: o.close ?? '2026-12-31' } },
    stage: { [oppActions.stage]: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 's' }, value: 'proposal' } } },
    competitors: { [oppActions.competitors]: { type: 'plain_text_input', value: null } },
    notes: { [oppActions.notes]: { type: 'plain_text_input', value: null } },
  };
}

/** `/opp` by a person: the modal it opens, as the stand-in keeps it. */
export async function openOppModal(s: SlackWorld, user: string): Promise<Json> {
  for (const v of s.standin.openViews(user)) v.closed = true;
  await s.command(user, '/opp', '');
  const top = await s.standin.waitFor(() => {
    const v = s.openView(user);
    return v && v.view.callback_id === ids.views.opportunity ? v : undefined;
  });
  return { ...top.view, hash: top.hash };
}
