// An approver's click on the 100,000-store data set: how fast Slack gets its ack, and how soon the
// card is redrawn in place (the chat.update the outbox sends after the decision) — through the real
// server, with signed block_actions requests, against the local stand-in Slack API, at Slack's pace.
import { createHmac } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { ids } from '../src/bot/ids.ts';
import { decisionBlockId } from '../src/bot/views/approval-card.ts';
import { openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { systemClock } from '../src/domain/clock.ts';
import { createOpportunity } from '../src/domain/opportunities/opportunities.ts';
import { actorById } from '../src/domain/people/people.ts';
import { outboxKeyOf, SlackStandin } from '../src/slack-standin/standin.ts';
import { spawnServer } from './server.ts';
import { summarize, type Suite, type SuiteContext, type Timing } from './harness.ts';

const SUITE = 'approvals';
const SECRET = 'bench-signing-secret';
const TARGET = { ackP99: 50, updateP99: 300 } as const;
const CLICKS = Number(process.env.SEABOARD_BENCH_CLICKS ?? 500);
const WARMUP = 20;

function sign(body: string, ts: number): string {
  return `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
}

const p99Result = (name: string, t: Timing, target: number, note: string) => ({ ...summarize(SUITE, name, t, target, note), targetOn: 'p99' as const });

interface Pending {
  stepId: number;
  approverSlackId: string;
  cardKey: string;
}

/** One report request per rep who holds a store and has a team lead: its card goes to the lead. */
async function openRequests(path: string, count: number): Promise<number> {
  await migrate(`file:${path}`);
  const raw = new BetterSqlite3(path, { readonly: true });
  const rows = raw.prepare(`
    SELECT p.id AS repId, MIN(s.id) AS storeId FROM Person p
    JOIN OrgUnit u ON u.id = p.unitId AND u.leadId IS NOT NULL
    JOIN Store s ON s.ownerId = p.id AND s.status = 'active'
    WHERE p.role = 'rep' AND p.active = 1
    GROUP BY p.id ORDER BY p.id LIMIT ?`).all(count) as { repId: number; storeId: number }[];
  raw.close();
  const database = await openDatabase(`file:${path}`);
  const deps = { db: database.db, clock: systemClock };
  const today = new Date();
  const close = `${today.getUTCFullYear() + 1}-06-30`;
  for (const r of rows) {
    const actor = await actorById(database.db, r.repId);
    await createOpportunity(deps, actor, { storeId: r.storeId, name: `Bench deal ${r.repId}`, amount: 100_000, expectedCloseAt: close });
  }
  await database.close();
  return rows.length;
}

export const approvalsSuite: Suite = {
  name: SUITE,
  description: 'Slack: an approver clicks Approve on a card — ack, and the card updated in place',
  async run(ctx: SuiteContext) {
    await ctx.dataset();
    const path = await ctx.scratch(SUITE);
    const opened = await openRequests(path, CLICKS + WARMUP);

    const standin = new SlackStandin();
    await standin.listen();
    // The server in its own process, Slack (the stand-in) in this one: as they run for real.
    const running = await spawnServer({ DATABASE_URL: `file:${path}`, SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_API_URL: `${standin.url}/api/` });
    const post = async (body: string) => {
      const ts = Math.floor(Date.now() / 1000);
      const res = await fetch(`${running.url}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sign(body, ts) },
        body,
      });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      await res.text();
    };
    try {
      // Every card delivered first, at Slack's pace of one message per second per DM.
      const started = performance.now();
      await standin.waitFor(() => standin.callsOf('chat.postMessage').filter((c) => String(c.args.metadata?.event_payload?.key ?? '').startsWith('approval.card:')).length >= opened, 600_000);
      ctx.log(`  ${opened} cards delivered in ${((performance.now() - started) / 1000).toFixed(1)} s`);

      const raw = new BetterSqlite3(path, { readonly: true });
      const pending = raw.prepare(`
        SELECT st.id AS stepId, p.slackId AS approverSlackId, a.personId AS personId FROM ApprovalStep st
        JOIN ApprovalApprover a ON a.stepId = st.id AND a.active = 1 JOIN Person p ON p.id = a.personId
        WHERE st.status = 'pending' GROUP BY st.id ORDER BY st.id`).all() as (Pending & { personId: number })[];
      raw.close();
      // Round-robin over the approvers: a lead clicks one card after another, not one card a millisecond.
      const byApprover = new Map<string, Pending[]>();
      for (const p of pending) byApprover.set(p.approverSlackId, [...(byApprover.get(p.approverSlackId) ?? []), { ...p, cardKey: `approval.card:${p.stepId}:${p.personId}` }]);
      const order: Pending[] = [];
      for (let round = 0; order.length < pending.length; round++) for (const list of byApprover.values()) if (list[round]) order.push(list[round]!);

      const ack: Timing = { samples: [], failures: 0, firstError: null };
      const update: Timing = { samples: [], failures: 0, firstError: null };
      for (const [i, p] of order.slice(0, CLICKS + WARMUP).entries()) {
        const card = standin.messages.find((m) => outboxKeyOf(m) === p.cardKey);
        if (!card) throw new Error(`no card ${p.cardKey}`);
        const payload = {
          type: 'block_actions',
          user: { id: p.approverSlackId, team_id: 'T0BENCH' },
          team: { id: 'T0BENCH', domain: 'bench' },
          api_app_id: 'A0BENCH',
          trigger_id: `${i}.${p.approverSlackId}.trigger`,
          container: { type: 'message', message_ts: card.ts, channel_id: card.channel, is_ephemeral: false },
          channel: { id: card.channel, name: 'directmessage' },
          message: { type: 'message', ts: card.ts, text: card.text ?? '', blocks: card.blocks ?? [] },
          response_url: `${standin.url}/response/click-${i}`,
          actions: [{ type: 'button', action_id: ids.actions.approve, block_id: decisionBlockId(p.stepId), value: String(p.stepId), action_ts: `${Date.now() / 1000}` }],
        };
        const updated = standin.waitFor(() => standin.calls.find((c) => c.method === 'chat.update' && c.args.ts === card.ts), 10_000);
        const t0 = performance.now();
        try {
          await post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
          const t1 = performance.now();
          const call = await updated;
          if (i >= WARMUP) {
            ack.samples.push(t1 - t0);
            update.samples.push(call.at - (performance.timeOrigin + t0));
          }
        } catch (e) {
          if (i >= WARMUP) ack.failures++;
          ack.firstError ??= String(e);
        }
      }
      ctx.report(p99Result('approve click: ack', ack, TARGET.ackP99, 'signed block_actions to HTTP 200'));
      ctx.report(p99Result('approve click: card chat.update', update, TARGET.updateP99, 'click sent to the stand-in receiving chat.update of that card'));
    } finally {
      await running.stop();
      await standin.close();
      ctx.dropScratch(path);
    }
  },
};
