import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ids } from '../../../src/bot/ids.ts';
import { decisionBlockId } from '../../../src/bot/views/approval-card.ts';
import { outboxKeyOf } from '../../../src/slack-standin/standin.ts';
import { slackWorld, textOf, TEAM, type SlackWorld } from '../../support/slack.ts';
import { slackIds } from '../../support/world.ts';
import { buttonsOf, cardOf, cardSays, reportDirect, WAIT_MS } from './approvals-helpers.ts';

// Exactly once: two approvers of one step click Approve at the same moment, one of them twice, and
// Slack redelivers a click. One decision is recorded; every card of the step shows it; each click that
// lost hears who decided.

const HAN = slackIds.sup1;
const ZHANG = 'U0SUP9'; // a second supervisor of Team 1, added for this file

let s: SlackWorld;
beforeAll(async () => {
  s = await slackWorld();
  const team1 = await s.w.db.orgUnit.findUniqueOrThrow({ where: { key: 'hz-west-t1' } });
  await s.w.db.person.create({ data: { slackId: ZHANG, name: 'Zhang Wei', role: 'supervisor', unitId: team1.id, locale: 'zh-CN', timezone: 'Asia/Shanghai' } });
  s.standin.addUser({ id: ZHANG, name: 'Zhang Wei', locale: 'zh-CN' });
});
afterAll(async () => s.close());

let clicks = 0;

/** A click's body, kept so that the very same delivery can be sent again (a Slack retry). */
function approveClick(user: string, card: { channel: string; ts: string }, stepId: number): string {
  const payload = {
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: TEAM },
    api_app_id: 'A0SEABOARD',
    token: 'legacy',
    team: { id: TEAM, domain: 'seaboard' },
    trigger_id: `${++clicks}.${user}.trigger`,
    container: { type: 'message', message_ts: card.ts, channel_id: card.channel, is_ephemeral: false },
    channel: { id: card.channel, name: 'directmessage' },
    message: { type: 'message', ts: card.ts, text: '' },
    response_url: `${s.standin.url}/response/race-${clicks}`,
    actions: [{ type: 'button', action_id: ids.actions.approve, block_id: decisionBlockId(stepId), value: String(stepId), action_ts: `${Math.floor(Date.now() / 1000)}.${String(clicks).padStart(6, '0')}` }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
const send = (body: string, headers: Record<string, string> = {}) => s.post(body, 'application/x-www-form-urlencoded', headers);

describe('two approvers of one step, at the same moment', () => {
  it('record one decision; every card shows it; the other clicks are told who decided', async () => {
    const r = await reportDirect(s, 'U0REP2', { store: '外婆家（湖滨店）', name: 'Race deal', amount: 900_000 });
    const [hanCard, zhangCard] = await Promise.all([cardOf(s, HAN, r.stepId), cardOf(s, ZHANG, r.stepId)]);
    expect(buttonsOf(hanCard).map((b) => b.text.text)).toEqual(['Approve', 'Return', 'Reject']);
    expect(buttonsOf(zhangCard).map((b) => b.text.text)).toEqual(['同意', '退回', '驳回']);

    const han = approveClick(HAN, hanCard, r.stepId);
    const hanAgain = approveClick(HAN, hanCard, r.stepId); // a double click: a second click, its own action_ts
    const zhang = approveClick(ZHANG, zhangCard, r.stepId);
    const replies = await Promise.all([send(han), send(zhang), send(hanAgain), send(zhang, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })]);
    for (const reply of replies) {
      expect(reply.status).toBe(200);
      expect(reply.ms).toBeLessThan(2500);
    }

    const step = await s.w.db.approvalStep.findUniqueOrThrow({ where: { id: r.stepId }, include: { decidedBy: true } });
    expect(step.status).toBe('approved');
    const winner = step.decidedBy!;
    expect([HAN, ZHANG]).toContain(winner.slackId);
    expect(await s.w.db.auditLog.count({ where: { entity: 'approval', action: 'approval.approve', entityId: String(r.requestId) } })).toBe(1);
    expect(await s.w.db.outbox.count({ where: { kind: 'approval.card.refresh', payload: { contains: `"requestId":${r.requestId},` } } })).toBe(2);

    // Both cards end the same way, in each one's language.
    await cardSays(s, hanCard, `✅ Approved by ${winner.name} at 2026-11-22 10:00`);
    await cardSays(s, zhangCard, `✅ ${winner.name} 已于 2026-11-22 10:00 同意`);
    expect(buttonsOf(hanCard)).toEqual([]);
    expect(buttonsOf(zhangCard)).toEqual([]);

    // The two clicks that lost (the other approver's, and the double click) hear who won, where they clicked.
    const told = () =>
      [...s.standin.ephemeralsFor(HAN), ...s.standin.ephemeralsFor(ZHANG)].filter((m) => (m.text ?? '').includes(winner.name));
    await s.standin.waitFor(() => told().length >= 2, WAIT_MS);
    await new Promise((done) => setTimeout(done, 300));
    expect(told()).toHaveLength(2);
    const loser = winner.slackId === HAN ? ZHANG : HAN;
    const loserCard = loser === HAN ? hanCard : zhangCard;
    const loserTold = s.standin.ephemeralsFor(loser).filter((m) => (m.text ?? '').includes(winner.name));
    expect(loserTold.length).toBeGreaterThanOrEqual(1);
    expect(loserTold[0]!.channel).toBe(loserCard.channel);
    expect(loserTold[0]!.text).toContain(loser === ZHANG ? `已由${winner.name}于2026-11-22 10:00审批通过` : `Already approved by ${winner.name} at 2026-11-22 10:00`);

    // The requester hears of it once.
    await s.standin.waitFor(() => s.standin.dmsTo('U0REP2').some((m) => outboxKeyOf(m) === `approval.update:${r.requestId}:${r.stepId}:approved`), WAIT_MS);
    expect(s.standin.dmsTo('U0REP2').filter((m) => outboxKeyOf(m) === `approval.update:${r.requestId}:${r.stepId}:approved`)).toHaveLength(1);
    expect(textOf(hanCard.blocks)).toContain(`approved by ${winner.name}`);
  });
});
