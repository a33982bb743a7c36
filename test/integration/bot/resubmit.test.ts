import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackWorld, type SlackWorld } from '../../support/slack.ts';
import { openOppModal, oppValues } from './opp-values.ts';

// Issue 12, point 8: one modal is one submission. The same view submitted again — a double click with
// the values edited meanwhile, a retry — takes no second effect, whatever its values; a submission
// refused with inline errors can be corrected and submitted again.

let s: SlackWorld;
beforeAll(async () => {
  s = await slackWorld();
});
afterAll(async () => s.close());

const opportunities = (name?: string) => s.w.db.opportunity.count(name ? { where: { name } } : undefined);

describe('submitting one modal twice', () => {
  it('with edited values makes one opportunity, the first one', async () => {
    const store = (await s.w.store('Sunny Cafe')).id;
    const view = await openOppModal(s, 'U0REP1');
    const before = await opportunities();
    const first = await s.submit('U0REP1', view, oppValues({ store, name: 'Espresso machine' }));
    expect(first.body).toBeNull();
    const second = await s.submit('U0REP1', view, oppValues({ store, name: 'Espresso machine (edited)', amount: '99000' }));
    expect(second.status).toBe(200);
    expect(second.body).toBeNull(); // only closes the modal
    expect(await opportunities()).toBe(before + 1);
    expect(await opportunities('Espresso machine')).toBe(1);
  });

  it('at the same moment with different values makes one opportunity', async () => {
    const store = (await s.w.store('Sunny Cafe')).id;
    const view = await openOppModal(s, 'U0REP1');
    const before = await opportunities();
    await Promise.all([s.submit('U0REP1', view, oppValues({ store, name: 'Grinder A' })), s.submit('U0REP1', view, oppValues({ store, name: 'Grinder B' }))]);
    expect(await opportunities()).toBe(before + 1);
  });

  it('after inline errors, the corrected values go through', async () => {
    const store = (await s.w.store('Sunny Cafe')).id;
    const view = await openOppModal(s, 'U0REP1');
    const bad = await s.submit('U0REP1', view, oppValues({ store, name: 'Milk frother', amount: '-5' }));
    expect(bad.body).toMatchObject({ response_action: 'errors' });
    const good = await s.submit('U0REP1', view, oppValues({ store, name: 'Milk frother', amount: '500' }));
    expect(good.body).toBeNull();
    expect(await opportunities('Milk frother')).toBe(1);
  });

  it('a new modal is a new submission', async () => {
    const store = (await s.w.store('Sunny Cafe')).id;
    for (const name of ['Tea set', 'Tea set']) {
      const view = await openOppModal(s, 'U0REP1');
      expect((await s.submit('U0REP1', view, oppValues({ store, name }))).body).toBeNull();
    }
    expect(await opportunities('Tea set')).toBe(2);
  });
});
