import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';
import { decide } from '../../../src/domain/approvals/engine.ts';
import { approvalRecord } from '../../../src/domain/approvals/queries.ts';
import { createOpportunity } from '../../../src/domain/opportunities/opportunities.ts';
import { start, type Running } from '../../../src/main.ts';
import { outboxKeyOf, SlackStandin } from '../../../src/slack-standin/standin.ts';
import { textOf } from '../../support/blocks.ts';
import { world, type World } from '../../support/world.ts';

// The fault test: Slack answers 500 and 429 for a while, and the process is restarted in the
// middle of it. Afterwards every card and notice was delivered exactly once, and every card shows
// the request's final state.

let w: World;
const standin = new SlackStandin();
afterAll(async () => {
  await standin.close();
  await w?.drop();
});

async function boot(): Promise<Running> {
  const config = loadConfig({
    DATABASE_URL: w.database.url,
    PORT: '0',
    SLACK_SIGNING_SECRET: 'fault-secret',
    SLACK_BOT_TOKEN: 'xoxb-fault',
    SLACK_API_URL: `${standin.url}/api/`,
    OUTBOX_PACE_MS: '0',
  });
  return start(config, { database: w.database, clock: w.clock });
}

const current = async (requestId: number) => (await approvalRecord(w.db, requestId)).currentStepId!;

describe('approvals while Slack fails and the process restarts', () => {
  it('delivers every card and notice once, and the cards end in the final state', async () => {
    w = await world();
    await standin.listen();
    const { rep1, rep2, sup1, mgrWest } = w.people;

    // Slack is failing before anything is sent.
    standin.inject({ method: 'chat.postMessage', status: 500, times: 3 });
    standin.inject({ method: 'chat.postMessage', status: 429, retryAfter: 1, times: 2 });
    let running = await boot();
    const small = await createOpportunity(w.deps, rep1, { storeId: (await w.store('Sunny Cafe')).id, name: 'Small deal', amount: 1_000_000, expectedCloseAt: '2026-12-31' });
    const big = await createOpportunity(w.deps, rep2, { storeId: (await w.store('外婆家（湖滨店）')).id, name: 'Big deal', amount: 9_000_000, expectedCloseAt: '2026-12-31' });
    running.bot!.dispatcher.kick();
    await decide(w.deps, sup1, await current(small.reportRequestId), { decision: 'approve' });
    await decide(w.deps, sup1, await current(big.reportRequestId), { decision: 'send_up' });
    running.bot!.dispatcher.kick();

    // The process goes away mid-way, and a new one takes over the same database.
    await new Promise((r) => setTimeout(r, 300));
    await running.stop();
    standin.inject({ method: 'chat.update', status: 500, times: 2 });
    running = await boot();
    await decide(w.deps, mgrWest, await current(big.reportRequestId), { decision: 'approve' });
    running.bot!.dispatcher.kick();
    await running.bot!.dispatcher.drain(40_000);
    await running.stop();

    const rows = await w.db.outbox.findMany({ orderBy: { id: 'asc' } });
    expect(rows.filter((r) => r.status !== 'sent').map((r) => [r.dedupeKey, r.status, r.lastError])).toEqual([]);
    // Every post landed once: one message per dedupe key of a posting kind.
    const posted = standin.messages.map(outboxKeyOf).filter((k): k is string => k !== null);
    const postKinds = rows.filter((r) => r.kind === 'approval.card' || r.kind === 'approval.update').map((r) => r.dedupeKey);
    expect([...posted].sort()).toEqual([...postKinds].sort());
    expect(new Set(posted).size).toBe(posted.length);
    // …although Slack refused some of them first: every injected failure was met and retried.
    expect(standin.callsOf('chat.postMessage').length).toBeGreaterThanOrEqual(posted.length + 5);
    expect(standin.callsOf('chat.update').length).toBeGreaterThanOrEqual(rows.filter((r) => r.kind === 'approval.card.refresh').length + 2);

    const card = (key: string) => textOf(standin.messages.find((m) => outboxKeyOf(m) === key)!.blocks);
    const [smallStep] = (await approvalRecord(w.db, small.reportRequestId)).steps;
    const [bigFirst, bigSecond] = (await approvalRecord(w.db, big.reportRequestId)).steps;
    expect(card(`approval.card:${smallStep!.id}:${sup1.id}`)).toContain('Approved by Han Meimei');
    expect(card(`approval.card:${bigSecond!.id}:${mgrWest.id}`)).toContain('Approved by Wang Fang');
    // The first level's card shows how it ended there and the final decision above it.
    const first = card(`approval.card:${bigFirst!.id}:${sup1.id}`);
    expect(first).toContain('Sent up to Wang Fang by Han Meimei');
    expect(first).toMatch(/approved by Wang Fang/i);
  });
});
