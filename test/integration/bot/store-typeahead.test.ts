// The type-ahead of every store picker (visit, opportunity) and of people pickers, as Slack sends it:
// a signed block_suggestion, answered with options. Pinyin, initials and one typo find what was meant,
// and the option says why under the name when the name does not show it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ids } from '../../../src/bot/ids.ts';
import { requestUi } from '../../../src/bot/views/request-modals.ts';
import { addPerson } from '../../../src/domain/people/manage.ts';
import { createStore } from '../../../src/domain/stores/stores.ts';
import { slackWorld, type Json, type SlackWorld } from '../../support/slack.ts';

let s: SlackWorld;
beforeAll(async () => {
  s = await slackWorld();
  const west = { lng: 120.12, lat: 30.23 };
  for (const name of ['重庆小面', '王府井百货']) await createStore(s.w.deps, s.w.people.sup1, { name, ...west, ownerId: null });
  const t1 = await s.w.db.orgUnit.findUniqueOrThrow({ where: { key: 'hz-west-t1' } });
  await addPerson(s.w.deps, s.w.people.admin, { name: '张伟', role: 'rep', unitId: t1.id });
});
afterAll(async () => s.close());

const REP1 = 'U0REP1'; // Li Lei: sees the public stores of team 1's regions (老王面馆, 知味小笼, …)

async function options(actionId: string, value: string): Promise<{ text: string; description?: string }[]> {
  const reply = await s.suggest(REP1, actionId, value);
  expect(reply.status).toBe(200);
  expect(reply.ms).toBeLessThan(3000);
  return ((reply.body as Json).options as Json[]).map((o) => ({ text: o.text.text, ...(o.description ? { description: o.description.text } : {}) }));
}

describe('store type-ahead', () => {
  it('initials, pinyin, mixed and a typo find the store first, saying why', async () => {
    const code = (await s.w.store('老王面馆')).code;
    expect((await options(ids.actions.storeSelect, 'lwmg'))[0]).toEqual({ text: `老王面馆 · ${code}`, description: 'lwmg → 老王面馆' });
    expect((await options(ids.actions.storeSelect, 'laow面'))[0]).toEqual({ text: `老王面馆 · ${code}`, description: 'laow面 → 老王面' });
    expect((await options(ids.actions.storeSelect, 'laowagn'))[0]).toEqual({ text: `老王面馆 · ${code}`, description: 'laowagn → laowang' });
    expect((await options(ids.actions.storeSelect, 'zhongqing'))[0]!.text).toMatch(/^重庆小面 · CRM/);
  });

  it('a name typed as it is shows no reason', async () => {
    const [first] = await options(ids.actions.storeSelect, '老王');
    expect(first!.text).toMatch(/^老王面馆 · CRM/);
    expect(first!.description).toBeUndefined();
  });

  it('ranks a pinyin start before a later syllable', async () => {
    expect((await options(ids.actions.storeSelect, 'wang')).map((o) => o.text.split(' · ')[0])).toEqual(['王府井百货', '老王面馆']);
  });

  it('finds nothing the person may not see', async () => {
    expect(await options(ids.actions.storeSelect, 'wpj')).toEqual([]); // 外婆家, Sam Carter's
  });
});

describe('people type-ahead', () => {
  it('a requested transfer’s target by initials or pinyin', async () => {
    expect((await options(requestUi.actions.personSearch, 'zw')).map((o) => o.text)).toEqual(['张伟']);
    expect((await options(requestUi.actions.personSearch, 'zhangw')).map((o) => o.text)).toEqual(['张伟']);
  });
});
