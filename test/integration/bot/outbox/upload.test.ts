import { webApi } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../../../src/db/client.ts';
import { createDispatcher, type Dispatcher, type DispatcherOptions } from '../../../../src/bot/outbox/dispatcher.ts';
import { renderers } from '../../../../src/bot/outbox/renderers.ts';
import { imageNotice, type Image } from '../../../../src/domain/outbox/image.ts';
import { enqueue, type Notice } from '../../../../src/domain/outbox/outbox.ts';
import { SlackStandin, type StoredMessage } from '../../../../src/slack-standin/standin.ts';
import { worldPerTest, type World } from '../../../support/world.ts';

// An image notice (a chart) through the dispatcher to the stand-in Slack: files.getUploadURLExternal,
// the bytes to the upload URL, files.completeUploadExternal sharing it with one message. Exactly once,
// like a post: also when the dispatcher dies between the upload and the sharing call, and when Slack
// shares it but the answer is lost.

const REP2 = 'U0REP2'; // Sam Carter
const quiet = { warn: () => undefined, error: () => undefined };
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const chart: Image = { filename: 'ranking-w48.png', title: 'Weekly ranking', altText: 'Bars: Li Lei 12 visits, Sam Carter 9', content: PNG, comment: 'This week’s *ranking*' };

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
  const d = createDispatcher({ db: w.db, clock: w.clock, client, renderers, paceMs: 0, leaseMs: 1000, backoff: { baseMs: 50, maxMs: 400, jitter: 0 }, logger: quiet, ...o });
  d.start();
  started.push(d);
  return d;
}

const write = (n: Notice) => inTransaction(w.db, (tx) => enqueue(tx, n, w.clock.now()));
const toSam = async (key: string) => ({ dedupeKey: key, recipientId: (await w.db.person.findUniqueOrThrow({ where: { slackId: REP2 } })).id });
const row = (key: string) => w.db.outbox.findUniqueOrThrow({ where: { dedupeKey: key } });
/** Messages in a channel that share a file. */
const images = (channel: string): StoredMessage[] => standin.messagesIn(channel).filter((m) => m.files?.length);
const until = async (check: () => Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** A client whose files.completeUploadExternal is held by `hold` (every other call goes to the stand-in). */
function heldComplete(hold: (complete: () => Promise<unknown>) => Promise<unknown>): WebClient {
  return {
    token: client.token,
    apiCall: (method: string, args: Record<string, unknown>) => (method === 'files.completeUploadExternal' ? hold(() => client.apiCall(method, args)) : client.apiCall(method, args)),
  } as unknown as WebClient;
}

describe('an image notice', () => {
  it('is uploaded and shared once in the recipient’s DM, with its title, alt text and comment', async () => {
    await write(imageNotice(await toSam('chart'), chart));
    await dispatcher().drain();

    const [m, ...more] = images(`D${REP2}`);
    expect(more).toEqual([]);
    expect(m!.text).toBe('This week’s *ranking*');
    expect(m!.files).toHaveLength(1);
    const file = m!.files![0]!;
    expect(file).toMatchObject({ name: 'ranking-w48.png', title: 'Weekly ranking', altText: 'Bars: Li Lei 12 visits, Sam Carter 9', mimetype: 'image/png', completed: true });
    expect(file.content!.equals(PNG)).toBe(true);
    expect(standin.calls.map((c) => c.method).filter((x) => x.startsWith('files.') || x === 'upload')).toEqual(['files.getUploadURLExternal', 'upload', 'files.completeUploadExternal']);
    expect(standin.callsOf('files.completeUploadExternal')[0]!.args).toMatchObject({ channel_id: `D${REP2}`, files: [{ id: file.id, title: 'Weekly ranking' }], initial_comment: 'This week’s *ranking*' });
    expect(await row('chart')).toMatchObject({ status: 'sent', channel: `D${REP2}`, messageTs: m!.ts, attempts: 0 });
  });

  it('goes to the channel the notice names (a team channel), as the image alone when it has no comment', async () => {
    await write(imageNotice({ dedupeKey: 'team-chart', channel: 'C0TEAM' }, { ...chart, comment: undefined }));
    await dispatcher().drain();
    const [m, ...more] = images('C0TEAM');
    expect(more).toEqual([]);
    expect(m!.text).toBe('');
    expect(await row('team-chart')).toMatchObject({ status: 'sent', channel: 'C0TEAM', recipientId: null, messageTs: m!.ts });
  });

  it('is shared once when its dispatcher dies between the upload and the sharing call', async () => {
    await write(imageNotice(await toSam('chart'), chart));
    // A dispatcher uploads the bytes, notes the file, and dies inside files.completeUploadExternal: the
    // call never reaches Slack, and its heartbeat stops.
    let failComplete: (e: Error) => void = () => undefined;
    const dead = dispatcher({ client: heldComplete(() => new Promise((_, reject) => (failComplete = reject))), heartbeatMs: 3_600_000 });
    releases.push(() => failComplete(new Error('the process is gone')));
    await until(async () => (await row('chart')).messageTs?.startsWith('file:') === true, 5000);
    const firstFile = (await row('chart')).messageTs!.slice('file:'.length);
    expect(standin.files.get(firstFile)).toMatchObject({ completed: false, size: PNG.length });

    // The next dispatcher takes the row over when the lease ends, finds no message with that file in
    // the DM, and uploads it again.
    const next = dispatcher();
    await until(async () => (await row('chart')).status === 'sent', 10_000);
    expect(images(`D${REP2}`)).toHaveLength(1);
    expect(standin.callsOf('files.getUploadURLExternal')).toHaveLength(2);
    expect(standin.callsOf('files.completeUploadExternal')).toHaveLength(1);
    expect(standin.callsOf('conversations.history')).toHaveLength(1);
    const shared = images(`D${REP2}`)[0]!;
    expect(shared.files![0]!.id).not.toBe(firstFile);
    expect(await row('chart')).toMatchObject({ status: 'sent', leaseOwner: next.id, messageTs: shared.ts });
    expect(dead.id).not.toBe(next.id);
  });

  it('is not shared again when Slack shared it but the answer was lost: it is found in the channel’s history', async () => {
    standin.inject({ method: 'files.completeUploadExternal', status: 'reset', times: 1 });
    await write(imageNotice(await toSam('chart'), chart));
    await dispatcher().drain();
    const [m, ...more] = images(`D${REP2}`);
    expect(more).toEqual([]);
    expect(standin.callsOf('files.getUploadURLExternal')).toHaveLength(1);
    expect(standin.callsOf('files.completeUploadExternal')).toHaveLength(1);
    expect(standin.callsOf('conversations.history')).toHaveLength(1);
    expect(await row('chart')).toMatchObject({ status: 'sent', channel: `D${REP2}`, messageTs: m!.ts, attempts: 1 });
  });

  it('is uploaded again, and shared once, after a 500 on the sharing call (looked for first)', async () => {
    standin.inject({ method: 'files.completeUploadExternal', status: 500, times: 1 });
    await write(imageNotice(await toSam('chart'), chart));
    await dispatcher().drain();
    expect(images(`D${REP2}`)).toHaveLength(1);
    expect(standin.callsOf('files.getUploadURLExternal')).toHaveLength(2);
    expect(standin.callsOf('conversations.history')).toHaveLength(1);
    expect(await row('chart')).toMatchObject({ status: 'sent', attempts: 1, lastError: 'http_500' });
  });

  it('fails when its payload is not an image, and the next notice goes on', async () => {
    await write({ ...(await toSam('broken')), kind: 'image.upload', payload: { filename: 'notes.txt', title: 'x', altText: 'x', contentBase64: 'aGk=' } });
    await write(imageNotice(await toSam('chart'), chart));
    await dispatcher().drain();
    expect(await row('broken')).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/^render: /) });
    expect(await row('chart')).toMatchObject({ status: 'sent' });
    expect(images(`D${REP2}`)).toHaveLength(1);
  });
});
