import { webApi } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../../../src/db/client.ts';
import { createDispatcher, DEFAULT_LEASE_MS, type Dispatcher, type DispatcherOptions } from '../../../../src/bot/outbox/dispatcher.ts';
import type { Renderer } from '../../../../src/bot/outbox/delivery.ts';
import { enqueue, type NoticeKind } from '../../../../src/domain/outbox/outbox.ts';
import { outboxKeyOf, SlackStandin } from '../../../../src/slack-standin/standin.ts';
import { worldPerTest, type World } from '../../../support/world.ts';

// The outbox's lease (issue 12, point 8): a dispatcher that died mid-send holds its row, and every
// later notice of that person, only for a few seconds; one that is alive but slow keeps its row
// however long Slack takes, so the notice is never posted twice.

const REP2 = 'U0REP2';
const quiet = { warn: () => undefined, error: () => undefined };
const note: Renderer = async (_deps, row) => ({ method: 'post', text: String(row.payload.text) });

let w: World;
worldPerTest((x) => (w = x));
let standin: SlackStandin;
let client: InstanceType<typeof webApi.WebClient>;
const started: Dispatcher[] = [];
const releases: (() => void)[] = [];

beforeEach(async () => {
  standin = new SlackStandin();
  await standin.listen();
  client = new webApi.WebClient('xoxb-test', { slackApiUrl: `${standin.url}/api/`, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 5000, logLevel: webApi.LogLevel.ERROR });
});
afterEach(async () => {
  for (const release of releases.splice(0)) release();
  for (const d of started.splice(0)) await d.stop();
  await standin.close();
});

function dispatcher(o: Partial<DispatcherOptions> = {}): Dispatcher {
  const d = createDispatcher({ db: w.db, client, renderers: { 'test.note': note }, paceMs: 0, backoff: { baseMs: 50, maxMs: 400, jitter: 0 }, logger: quiet, ...o });
  d.start();
  started.push(d);
  return d;
}

/** A Web API client whose chat.postMessage is held by `hold` (every other call goes to the stand-in). */
function heldClient(hold: (post: () => Promise<unknown>) => Promise<unknown>): WebClient {
  return {
    apiCall: (method: string, args: Record<string, unknown>) => (method === 'chat.postMessage' ? hold(() => client.apiCall(method, args)) : client.apiCall(method, args)),
  } as unknown as WebClient;
}

async function notice(key: string, text: string): Promise<void> {
  const recipientId = (await w.db.person.findUniqueOrThrow({ where: { slackId: REP2 } })).id;
  await inTransaction(w.db, (tx) => enqueue(tx, { dedupeKey: key, kind: 'test.note' as NoticeKind, recipientId, payload: { text } }, w.clock.now()));
}
const row = (key: string) => w.db.outbox.findUniqueOrThrow({ where: { dedupeKey: key } });
const postedAs = (key: string) => standin.messages.filter((m) => outboxKeyOf(m) === key);
const until = async (check: () => Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('the outbox lease', () => {
  it('is short by default: a crashed dispatcher’s row, and the notices behind it, go out within a few seconds', async () => {
    expect(DEFAULT_LEASE_MS).toBeLessThanOrEqual(10_000);
    await notice('crashed', 'held by a dispatcher that died');
    await notice('behind', 'and the next one');
    // A dispatcher claims the row, then dies inside chat.postMessage: the call never returns and its
    // heartbeat stops (a dead process renews nothing). Its post never reached Slack.
    let failPost: (e: Error) => void = () => undefined;
    const dead = dispatcher({ client: heldClient(() => new Promise((_, reject) => (failPost = reject))), heartbeatMs: 3_600_000 });
    releases.push(() => failPost(new Error('the process is gone')));
    await until(async () => (await row('crashed')).leaseOwner === dead.id, 5000);

    const started = Date.now();
    const next = dispatcher();
    await until(async () => (await row('behind')).status === 'sent', 15_000);
    const took = Date.now() - started;
    expect(took).toBeLessThan(DEFAULT_LEASE_MS + 3000);
    expect(await row('crashed')).toMatchObject({ status: 'sent', leaseOwner: next.id });
    expect(postedAs('crashed')).toHaveLength(1);
    expect(standin.dmsTo(REP2).map((m) => m.text)).toEqual(['held by a dispatcher that died', 'and the next one']);
  }, 30_000);

  it('is kept by a live dispatcher however long Slack takes: the slow send is not taken over, nor posted twice', async () => {
    await notice('slow', 'Slack takes its time with this one');
    await notice('after', 'then this');
    const leaseMs = 300;
    // Slack answers the first post only after five leases; the dispatcher is alive all along.
    let first = true;
    const slow = dispatcher({
      leaseMs,
      client: heldClient(async (post) => {
        if (first) {
          first = false;
          await new Promise((r) => setTimeout(r, 5 * leaseMs));
        }
        return post();
      }),
    });
    await until(async () => (await row('slow')).leaseOwner === slow.id, 5000);
    const other = dispatcher({ leaseMs });
    await Promise.all([slow.drain(15_000), other.drain(15_000)]);

    expect(postedAs('slow')).toHaveLength(1);
    expect(postedAs('after')).toHaveLength(1);
    expect(await row('slow')).toMatchObject({ status: 'sent', leaseOwner: slow.id, attempts: 0 });
    expect(standin.dmsTo(REP2).map((m) => m.text)).toEqual(['Slack takes its time with this one', 'then this']);
  }, 30_000);
});
