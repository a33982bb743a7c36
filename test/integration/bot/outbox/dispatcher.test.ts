import { createOpportunity } from '../../../../src/domain/opportunities/opportunities.ts';
import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../../../src/db/client.ts';
import { createDispatcher, type Dispatcher, type DispatcherOptions } from '../../../../src/bot/outbox/dispatcher.ts';
import type { Renderer } from '../../../../src/bot/outbox/delivery.ts';
import { renderers } from '../../../../src/bot/outbox/renderers.ts';
import { enqueue, type NoticeKind } from '../../../../src/domain/outbox/outbox.ts';
import { assignStore, extendProtection, transferStores } from '../../../../src/domain/pools/pools.ts';
import { sweepAutoReturn } from '../../../../src/domain/pools/sweep.ts';
import { warnBeforeReturn } from '../../../../src/domain/pools/warnings.ts';
import { outboxKeyOf, SlackStandin, type RecordedCall } from '../../../../src/slack-standin/standin.ts';
import { textOf } from '../../../support/slack.ts';
import { worldPerTest, type World } from '../../../support/world.ts';

// The outbox dispatcher against a real database and the stand-in Slack over HTTP: what reaches each
// person's DM, how often, in what order and when, through Slack's failures and dispatcher restarts.

const REP1 = 'U0REP1'; // Li Lei, zh-CN
const REP2 = 'U0REP2'; // Sam Carter, en
const quiet = { warn: () => undefined, error: () => undefined };

// Kinds of this test only, drawn by small real renderers: a note, an edit of an earlier note, and
// three that cannot be sent.
const testRenderers: Record<string, Renderer> = {
  'test.note': async (_deps, row) => ({ method: 'post', text: String(row.payload.text) }),
  'test.edit': async (_deps, row) => ({ method: 'update', cardKey: String(row.payload.cardKey), text: String(row.payload.text) }),
  'test.broken': async () => {
    throw new Error('cannot draw this');
  },
  'test.empty': async () => ({ method: 'post', text: '' }),
};

let w: World;
worldPerTest((x) => (w = x));
let standin: SlackStandin;
let client: InstanceType<typeof webApi.WebClient>;
const started: Dispatcher[] = [];

beforeEach(async () => {
  standin = new SlackStandin();
  await standin.listen();
  client = new webApi.WebClient('xoxb-test', {
    slackApiUrl: `${standin.url}/api/`,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 5000,
    logLevel: webApi.LogLevel.ERROR,
  });
});
afterEach(async () => {
  for (const d of started.splice(0)) await d.stop();
  await standin.close();
});

function dispatcher(o: Partial<DispatcherOptions> = {}): Dispatcher {
  const d = createDispatcher({ db: w.db, client, renderers: { ...renderers, ...testRenderers }, paceMs: 0, leaseMs: 2000, backoff: { baseMs: 50, maxMs: 400, jitter: 0 }, logger: quiet, ...o });
  d.start();
  started.push(d);
  return d;
}

const personId = async (slackId: string) => (await w.db.person.findUniqueOrThrow({ where: { slackId } })).id;

/** A notice as the domain writes it, in its own transaction (of a kind the domain has, or of this test's). */
async function notice(key: string, to: string, kind: string, payload: Record<string, unknown>): Promise<void> {
  const recipientId = await personId(to);
  await inTransaction(w.db, (tx) => enqueue(tx, { dedupeKey: key, kind: kind as NoticeKind, recipientId, payload }, w.clock.now()));
}
const note = (key: string, to: string, text: string) => notice(key, to, 'test.note', { text });
const edit = (key: string, to: string, cardKey: string, text: string) => notice(key, to, 'test.edit', { cardKey, text });

const row = (key: string) => w.db.outbox.findUniqueOrThrow({ where: { dedupeKey: key } });
/** Messages Slack holds for an outbox key (its metadata): more than one is a duplicate. */
const postedAs = (key: string) => standin.messages.filter((m) => outboxKeyOf(m) === key);
const postsTo = (user: string): RecordedCall[] => standin.callsOf('chat.postMessage').filter((c) => c.args.channel === user);
const dmText = (user: string) => standin.dmsTo(user).map((m) => `${m.text}\n${textOf(m.blocks)}`);

describe('delivering notices', () => {
  it('sends each pool notice once to the recipient’s DM, in their language and time zone', async () => {
    const laowang = await w.store('老王面馆');
    const bakery = await w.store('外婆家（湖滨店）');
    await assignStore(w.deps, w.people.sup1, laowang.id, w.people.rep1.id, '新人练手');
    await transferStores(w.deps, w.people.sup1, { storeIds: [bakery.id], toPersonId: w.people.rep1.id, reason: 'rebalance' });
    await dispatcher().drain();

    const zh = dmText(REP1);
    expect(zh).toHaveLength(2);
    expect(zh[0]).toContain(`Han Meimei 将 *老王面馆*（${laowang.code}）分配给了您，保护期至 2026-12-22 10:00。`);
    expect(zh[0]).toContain('原因：新人练手');
    expect(zh[1]).toContain(`Han Meimei 将 *外婆家（湖滨店）*（${bakery.code}）从 Sam Carter 转给了您，保护期至 2026-12-22 10:00。`);
    const en = dmText(REP2);
    expect(en).toEqual([expect.stringContaining(`Han Meimei transferred *外婆家（湖滨店）* (${bakery.code}) from you to Li Lei.`)]);
    expect(en[0]).toContain('Reason: rebalance');
    // The assignee can act on it: "Log visit" for that store.
    const buttons = (standin.dmsTo(REP1)[0]!.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).flatMap((b) => (b.type === 'actions' ? b.elements! : []));
    expect(buttons).toEqual([expect.objectContaining({ action_id: 'card_log_visit', value: String(laowang.id) })]);

    const rows = await w.db.outbox.findMany({ where: { kind: { startsWith: 'store.' } }, orderBy: { id: 'asc' } });
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      const [m, ...more] = postedAs(r.dedupeKey);
      expect(more).toEqual([]);
      expect(r).toMatchObject({ status: 'sent', channel: m!.channel, messageTs: m!.ts, attempts: 0 });
    }
    // After each change, the Homes of those whose pool it changed are drawn again: once per change and person.
    const homes = await w.db.outbox.findMany({ where: { kind: 'home.refresh' }, orderBy: { id: 'asc' } });
    expect(homes.map((h) => [h.recipientId, h.status])).toEqual([[w.people.rep1.id, 'sent'], [w.people.rep2.id, 'sent'], [w.people.rep1.id, 'sent']]);
    expect(standin.homes.get(REP1)).toBeDefined();
    expect(standin.homes.get(REP2)).toBeDefined();
  });

  it('sends a return warning that still holds, skips one a change made moot, and tells of the return', async () => {
    const cafe = await w.store('Sunny Cafe'); // Li Lei's, protected until 2026-12-22 10:00 Shanghai
    const bakery = await w.store('外婆家（湖滨店）'); // Sam Carter's, the same
    const end = cafe.protectedUntil!;
    w.clock.set(new Date(end.getTime() - 2 * 86_400_000));
    await warnBeforeReturn(w.deps);
    await extendProtection(w.deps, w.people.sup1, bakery.id, { days: 10, reason: 'big order coming' });
    // The warning says the days left when it is read: the app's clock.
    const d = dispatcher({ clock: w.clock });
    await d.drain();
    expect(dmText(REP1)).toEqual([expect.stringContaining(`*Sunny Cafe*（${cafe.code}）将于 2026-12-22 10:00 退回公海，还剩 2 天。`)]);
    expect(dmText(REP1)[0]).toContain('上门拜访一次可再保护 14 天。');
    // Sam hears of the extension, not of a return that will no longer happen.
    expect(dmText(REP2)).toEqual([expect.stringContaining(`Han Meimei extended the protection of *外婆家（湖滨店）* (${bakery.code}) until 2027-01-01 10:00.`)]);
    expect(await row(`warn:${bakery.id}:${end.toISOString()}:3`)).toMatchObject({ status: 'skipped', lastError: 'protection changed since the warning' });

    await sweepAutoReturn(w.deps, new Date(end.getTime() + 60_000));
    await d.drain();
    expect(dmText(REP1)[1]).toContain(`*Sunny Cafe*（${cafe.code}）的保护期已于 2026-12-22 10:00 结束，已退回公海。`);
    expect(dmText(REP1)[1]).toContain('7 天后您才能再次认领它。');
  });
});

describe('when Slack fails', () => {
  it('rides out 500s and delivers exactly once, looking in the channel before each new post', async () => {
    standin.inject({ method: 'chat.postMessage', status: 500, times: 3 });
    await note('n1', REP2, 'Hello after the storm');
    await dispatcher().drain();
    expect(postsTo(REP2)).toHaveLength(4);
    expect(postedAs('n1')).toHaveLength(1);
    expect(standin.callsOf('conversations.history')).toHaveLength(3);
    expect(await row('n1')).toMatchObject({ status: 'sent', attempts: 3, lastError: 'http_500' });
  });

  it('waits out Slack being down altogether, and then looks before it posts again', async () => {
    standin.down(503);
    await note('n1', REP2, 'Back online');
    const d = dispatcher();
    // In doubt after the first 503: it keeps trying to find the DM to look in.
    await standin.waitFor(() => standin.callsOf('conversations.open').length >= 2, 5000);
    expect(standin.messages).toEqual([]);
    standin.up();
    await d.drain();
    expect(standin.callsOf('conversations.history')).toHaveLength(1);
    expect(postedAs('n1')).toHaveLength(1);
    expect(await row('n1')).toMatchObject({ status: 'sent' });
  });

  it('does not post again a message Slack took but whose answer was lost', async () => {
    standin.inject({ method: 'chat.postMessage', status: 'reset', times: 1 });
    await note('n1', REP2, 'Said once');
    await dispatcher().drain();
    expect(postsTo(REP2)).toHaveLength(1);
    const [m] = postedAs('n1');
    expect(await row('n1')).toMatchObject({ status: 'sent', messageTs: m!.ts, channel: `D${REP2}` });
  });

  it('honours Retry-After: nothing goes to that channel before it ends; other channels go on', async () => {
    standin.inject({ method: 'chat.postMessage', status: 429, retryAfter: 1, times: 1 });
    await note('a', REP2, 'first');
    await note('b', REP2, 'second');
    const d = dispatcher();
    const limited = await standin.waitFor(() => postsTo(REP2)[0]);
    await note('c', REP1, 'elsewhere');
    d.kick();
    await d.drain();
    const later = postsTo(REP2).slice(1);
    expect(later).toHaveLength(2);
    for (const c of later) expect(c.at - limited.at).toBeGreaterThanOrEqual(1000);
    expect(postsTo(REP1)[0]!.at - limited.at).toBeLessThan(1000);
    expect(standin.dmsTo(REP2).map((m) => m.text)).toEqual(['first', 'second']);
    expect(await row('a')).toMatchObject({ status: 'sent', attempts: 1, lastError: 'ratelimited' });
  });

  it('fails a notice Slack refuses for good, or that cannot be drawn, and goes on with the next', async () => {
    await notice('empty', REP2, 'test.empty', {});
    await notice('broken', REP2, 'test.broken', {});
    await notice('alien', REP2, 'test.unheard_of', {});
    await note('fine', REP2, 'still here');
    await dispatcher().drain();
    expect(await row('empty')).toMatchObject({ status: 'failed', lastError: 'no_text' });
    expect(await row('broken')).toMatchObject({ status: 'failed', lastError: 'render: cannot draw this' });
    expect(await row('alien')).toMatchObject({ status: 'failed', lastError: 'unknown_kind: test.unheard_of' });
    expect(await row('fine')).toMatchObject({ status: 'sent' });
    expect(standin.dmsTo(REP2).map((m) => m.text)).toEqual(['still here']);
  });
});

describe('pace and order', () => {
  it('keeps one message per pace to a channel, in order, without holding up other channels', async () => {
    for (const n of [1, 2, 3]) await note(`li${n}`, REP1, `Li ${n}`);
    await note('sam', REP2, 'Sam');
    await dispatcher({ paceMs: 200 }).drain();
    const li = postsTo(REP1);
    expect(li).toHaveLength(3);
    expect(li[1]!.at - li[0]!.at).toBeGreaterThanOrEqual(195);
    expect(li[2]!.at - li[1]!.at).toBeGreaterThanOrEqual(195);
    expect(postsTo(REP2)[0]!.at - li[0]!.at).toBeLessThan(150);
    expect(standin.dmsTo(REP1).map((m) => m.text)).toEqual(['Li 1', 'Li 2', 'Li 3']);
  });
});

describe('cards and their updates', () => {
  it('edits the posted card in place, ending with the latest text', async () => {
    await note('card', REP2, 'Draft');
    await edit('card:2', REP2, 'card', 'Second');
    await edit('card:3', REP2, 'card', 'Final');
    await dispatcher().drain();
    const [m, ...more] = standin.dmsTo(REP2);
    expect(more).toEqual([]);
    expect(m!.text).toBe('Final');
    expect(standin.callsOf('chat.update').map((c) => c.args.ts)).toEqual([m!.ts, m!.ts]);
    expect(await row('card:3')).toMatchObject({ status: 'sent', channel: m!.channel, messageTs: m!.ts });
  });

  it('waits for a card held up in another channel; fails the update of a card that failed', async () => {
    standin.inject({ method: 'chat.postMessage', status: 503, times: 2 });
    await note('team-card', REP2, 'Team card');
    await w.db.outbox.update({ where: { dedupeKey: 'team-card' }, data: { channel: 'C0TEAM', recipientId: null } });
    await edit('team-card:2', REP1, 'team-card', 'Team card, decided');
    await notice('lost-card', REP2, 'test.broken', {});
    await edit('lost-card:2', REP1, 'lost-card', 'never shown');
    await dispatcher().drain();
    expect(standin.messagesIn('C0TEAM').map((m) => m.text)).toEqual(['Team card, decided']);
    expect(await row('team-card:2')).toMatchObject({ status: 'sent', channel: 'C0TEAM' });
    expect(await row('lost-card:2')).toMatchObject({ status: 'failed', lastError: 'card_failed: lost-card' });
  });
});

describe('exactly once across dispatchers', () => {
  it('delivers everything once when Slack fails for a while and the dispatcher is replaced mid-way', async () => {
    const people = [REP1, REP2, 'U0REP3'];
    for (let i = 0; i < 8; i++) for (const p of people) await note(`n:${p}:${i}`, p, `${p} #${i}`);
    for (const p of people) {
      await note(`card:${p}`, p, 'v1');
      await edit(`card:${p}:2`, p, `card:${p}`, 'v2');
      await edit(`card:${p}:3`, p, `card:${p}`, 'v3');
    }
    standin.injectRate({ status: 500, rate: 0.25, seed: 7 });
    standin.injectRate({ status: 429, rate: 0.15, retryAfter: 1, seed: 11 });
    const first = dispatcher();
    await standin.waitFor(() => standin.messages.filter((m) => outboxKeyOf(m)).length >= 8, 10_000);
    await first.stop();
    expect(await w.db.outbox.count({ where: { leaseOwner: first.id, status: 'sending' } })).toBe(0); // handed over

    const second = dispatcher();
    expect(second.id).not.toBe(first.id);
    setTimeout(() => standin.clearFaults(), 1500);
    await second.drain(30_000);

    const rows = await w.db.outbox.findMany({ orderBy: { id: 'asc' } });
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
    const posts = rows.filter((r) => r.kind === 'test.note');
    for (const r of posts) expect(postedAs(r.dedupeKey), r.dedupeKey).toHaveLength(1);
    expect(standin.messages.filter((m) => outboxKeyOf(m))).toHaveLength(posts.length);
    for (const p of people) {
      // In each DM, in the order written, and every card shows its last update.
      const written = posts.filter((r) => r.channel === `D${p}`).map((r) => r.dedupeKey);
      expect(written).toHaveLength(9);
      expect(standin.dmsTo(p).map((m) => outboxKeyOf(m))).toEqual(written);
      expect(postedAs(`card:${p}`)[0]!.text).toBe('v3');
    }
    expect(new Set(rows.map((r) => r.leaseOwner))).toEqual(new Set([first.id, second.id]));
    expect(rows.filter((r) => r.attempts > 0).length).toBeGreaterThan(3); // Slack did fail
  });

  it('never sends a row twice when two dispatchers run at once', async () => {
    const people = [REP1, REP2, 'U0REP3', 'U0REP4'];
    for (let i = 0; i < 10; i++) for (const p of people) await note(`n:${p}:${i}`, p, `${p} #${i}`);
    standin.injectRate({ status: 500, rate: 0.2, seed: 3 });
    standin.injectRate({ status: 429, rate: 0.1, retryAfter: 1, seed: 5 });
    const a = dispatcher({ concurrency: 2 });
    const b = dispatcher({ concurrency: 2 });
    setTimeout(() => standin.clearFaults(), 1000);
    await Promise.all([a.drain(30_000), b.drain(30_000)]);
    const rows = await w.db.outbox.findMany({ orderBy: { id: 'asc' } });
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
    for (const r of rows) expect(postedAs(r.dedupeKey), r.dedupeKey).toHaveLength(1);
    expect(standin.messages).toHaveLength(rows.length);
    for (const p of people) expect(standin.dmsTo(p).map((m) => m.text)).toEqual([...Array(10).keys()].map((i) => `${p} #${i}`));
  });

  it('settles a send a dead dispatcher left in doubt: found in the channel, or posted once', async () => {
    await note('landed', REP2, 'Slack has this one');
    await note('lost', REP2, 'Slack never got this one');
    await note('after', REP2, 'And then this');
    // A dispatcher posted "landed", crashed before recording it, and had claimed "lost" too.
    const posted = await client.chat.postMessage({ channel: REP2, text: 'Slack has this one', metadata: { event_type: 'seaboard_outbox', event_payload: { key: 'landed' } } });
    const long = new Date(Date.now() - 120_000);
    await w.db.outbox.updateMany({ where: { dedupeKey: { in: ['landed', 'lost'] } }, data: { status: 'sending', sendingAt: long, leaseOwner: 'dead-host:1:cafe' } });

    await dispatcher().drain();
    expect(postsTo(REP2)).toHaveLength(3); // the dead one's, "lost" and "after"
    expect(postedAs('landed')).toHaveLength(1);
    expect(await row('landed')).toMatchObject({ status: 'sent', messageTs: posted.ts, channel: `D${REP2}` });
    expect(postedAs('lost')).toHaveLength(1);
    expect(standin.dmsTo(REP2).map((m) => m.text)).toEqual(['Slack has this one', 'Slack never got this one', 'And then this']);
  });

  it('leaves another dispatcher’s live send alone, and the channel’s later notices behind it, until its lease ends', async () => {
    await note('theirs', REP2, 'being sent elsewhere');
    await note('next', REP2, 'after it');
    await w.db.outbox.update({ where: { dedupeKey: 'theirs' }, data: { status: 'sending', sendingAt: new Date(), leaseOwner: 'other-host:2:beef' } });
    const d = dispatcher({ leaseMs: 1500 });
    await new Promise((r) => setTimeout(r, 800));
    expect(postsTo(REP2)).toEqual([]);
    await d.drain();
    expect(standin.dmsTo(REP2).map((m) => m.text)).toEqual(['being sent elsewhere', 'after it']);
  });
});

describe('housekeeping', () => {
  it('prunes sent notices after a week and delivery keys after a day', async () => {
    const now = Date.now();
    const at = (daysAgo: number) => new Date(now - daysAgo * 86_400_000);
    const base = { kind: 'test.note', payload: '{}', nextAttemptAt: at(0), createdAt: at(9) };
    await w.db.outbox.createMany({
      data: [
        { ...base, dedupeKey: 'old-sent', status: 'sent', sentAt: at(8) },
        { ...base, dedupeKey: 'recent-sent', status: 'sent', sentAt: at(6) },
        { ...base, dedupeKey: 'old-failed', status: 'failed' },
      ],
    });
    await w.db.slackDelivery.createMany({ data: [{ key: 'old', createdAt: new Date(w.clock.now().getTime() - 2 * 86_400_000) }, { key: 'new', createdAt: w.clock.now() }] });
    await dispatcher({ clock: w.clock }).stop();
    expect((await w.db.outbox.findMany({ orderBy: { id: 'asc' } })).map((r) => r.dedupeKey)).toEqual(['recent-sent', 'old-failed']);
    expect((await w.db.slackDelivery.findMany()).map((d) => d.key)).toEqual(['new']);
  });

  it('keeps an old approval card while its request is open: a later decision still redraws it', async () => {
    const s = await w.store('Sunny Cafe');
    await createOpportunity(w.deps, w.people.rep1, { storeId: s.id, name: 'Slow deal', amount: 100, expectedCloseAt: '2026-12-31' });
    const card = await w.db.outbox.findFirstOrThrow({ where: { kind: 'approval.card' } });
    const closed = await createOpportunity(w.deps, w.people.rep2, { storeId: (await w.store('外婆家（湖滨店）')).id, name: 'Done deal', amount: 100, expectedCloseAt: '2026-12-31' });
    await w.db.approvalRequest.update({ where: { id: closed.reportRequestId }, data: { status: 'withdrawn', closedAt: w.clock.now() } });
    const old = new Date(Date.now() - 30 * 86_400_000);
    await w.db.outbox.updateMany({ where: { kind: 'approval.card' }, data: { status: 'sent', sentAt: old, channel: 'D1', messageTs: '1.1' } });
    await w.db.outbox.deleteMany({ where: { kind: { not: 'approval.card' } } });
    await dispatcher({ clock: w.clock }).stop();
    expect((await w.db.outbox.findMany()).map((r) => r.id)).toEqual([card.id]);
  });
});
