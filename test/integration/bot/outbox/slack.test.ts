import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ids } from '../../../../src/bot/ids.ts';
import { warnBeforeReturn } from '../../../../src/domain/pools/warnings.ts';
import { outboxKeyOf } from '../../../../src/slack-standin/standin.ts';
import { slackWorld, textOf, type Json, type SlackWorld } from '../../../support/slack.ts';
import { helpers } from '../store-helpers.ts';

// The dispatcher inside the running app: a change made from Slack reaches the people it concerns in
// their DMs right after the change, not at the next poll.

let s: SlackWorld;
let h: ReturnType<typeof helpers>;
beforeAll(async () => {
  s = await slackWorld();
  h = helpers(s);
});
afterAll(async () => s.close());

const REP1 = 'U0REP1'; // Li Lei, zh-CN
const REP2 = 'U0REP2'; // Sam Carter, en, owns 外婆家（湖滨店）
const SUP1 = 'U0SUP1'; // Han Meimei, lead of team 1

describe('notices from the running app', () => {
  it('a transfer made in Slack tells both reps in their DMs at once', async () => {
    const c = await h.command(SUP1, '/store', '外婆家');
    const blocks = (await c.answer()).blocks as Json[];
    await h.click(SUP1, h.pressed(h.button(blocks, ids.actions.transfer)));
    const v = await h.modal(SUP1, ids.views.transfer);
    const submitted = performance.timeOrigin + performance.now();
    const ok = await s.submit(SUP1, v.view, { toPersonId: { toPersonId: h.choice(String(s.w.people.rep1.id), 'Li Lei') }, reason: { reason: h.plain('rebalance') } });
    expect(ok.body).toBeNull();

    const toSam = await s.standin.waitFor(() => s.standin.dmsTo(REP2).find((m) => outboxKeyOf(m)?.startsWith('store.transferred:')), 3000);
    const toLi = await s.standin.waitFor(() => s.standin.dmsTo(REP1).find((m) => outboxKeyOf(m)?.startsWith('store.transferred:')), 3000);
    expect(textOf(toSam.blocks)).toContain('Han Meimei transferred *外婆家（湖滨店）*');
    expect(textOf(toSam.blocks)).toContain('from you to Li Lei');
    expect(textOf(toLi.blocks)).toContain('从 Sam Carter 转给了您');
    // Kicked by the request, well before the 2 s poll would have found them.
    const posted = s.standin.callsOf('chat.postMessage').filter((x) => x.args.metadata?.event_type === 'seaboard_outbox');
    for (const call of posted) expect(call.at - submitted).toBeLessThan(1500);

    await s.running.bot!.dispatcher.drain(5000);
    const rows = await s.w.db.outbox.findMany({ where: { kind: 'store.transferred' } });
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  it('a notice written outside Slack (a scheduled job, the CLI) is found by the poll', async () => {
    const cafe = await s.w.db.store.findFirstOrThrow({ where: { name: 'Sunny Cafe' } });
    await warnBeforeReturn(s.w.deps, new Date(cafe.protectedUntil!.getTime() - 86_400_000));
    const warning = await s.standin.waitFor(() => s.standin.dmsTo(REP1).find((m) => outboxKeyOf(m)?.startsWith('warn:')), 5000);
    expect(textOf(warning.blocks)).toContain('*Sunny Cafe*');
  });
});
