// The Slack surface on the 100,000-store data set: how fast a slash command is acknowledged, how soon
// its modal is opened, and how fast the store picker's type-ahead answers — through the real server,
// with signed requests, against the local stand-in Slack API.
import { createHmac } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { loadConfig } from '../src/config.ts';
import { start } from '../src/main.ts';
import { SlackStandin } from '../src/slack-standin/standin.ts';
import { typedPrefix } from './core.bench.ts';
import { summarize, type Suite, type SuiteContext, type Timing } from './harness.ts';
import { rng } from '../src/demo/random.ts';

const SUITE = 'bot';
const SECRET = 'bench-signing-secret';
const TARGET = { ackP99: 50, viewsOpenP99: 150, searchP99: 100 } as const;
const REQUESTS = Number(process.env.SEABOARD_BENCH_SLACK_REQUESTS ?? 1000);
const WARMUP = 50;

function sign(body: string, ts: number): string {
  return `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
}

/** The bot's targets are on the p99. */
const p99Result = (name: string, t: Timing, target: number, note: string) => ({ ...summarize(SUITE, name, t, target, note), targetOn: 'p99' as const });

export const botSuite: Suite = {
  name: 'bot',
  description: 'Slack: slash-command ack, views.open issued, store type-ahead (1,000 signed requests each)',
  async run(ctx: SuiteContext) {
    await ctx.dataset();
    const path = await ctx.scratch('bot');
    const raw = new BetterSqlite3(path, { readonly: true });
    const reps = raw.prepare(`SELECT slackId FROM Person WHERE role = 'rep' AND active = 1 ORDER BY id LIMIT 300`).all() as { slackId: string }[];
    const names = raw.prepare(`SELECT name FROM Store WHERE status = 'active' ORDER BY id LIMIT 5000`).all() as { name: string }[];
    raw.close();

    const standin = new SlackStandin();
    await standin.listen();
    const config = loadConfig({ DATABASE_URL: `file:${path}`, PORT: '0', SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_API_URL: `${standin.url}/api/` });
    const running = await start(config);
    const r = rng(303);
    let n = 0;
    const post = async (body: string, type: string) => {
      const ts = Math.floor(Date.now() / 1000);
      const res = await fetch(`${running.url}/slack/events`, { method: 'POST', headers: { 'content-type': type, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sign(body, ts) }, body });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      return res.text();
    };
    try {
      // 1. /visit <text>: time to the ack, and to the views.open call reaching Slack.
      const ack: Timing = { samples: [], failures: 0, firstError: null };
      const open: Timing = { samples: [], failures: 0, firstError: null };
      for (let i = 0; i < REQUESTS + WARMUP; i++) {
        const user = r.pick(reps).slackId;
        const trigger = `${++n}.${user}.trigger`;
        const body = new URLSearchParams({ team_id: 'T0BENCH', user_id: user, command: '/visit', text: typedPrefix(r.pick(names).name), channel_id: 'C0BENCH', response_url: `${standin.url}/response/${n}`, trigger_id: trigger }).toString();
        const opened = standin.waitFor(() => standin.calls.find((c) => c.method === 'views.open' && c.args.trigger_id === trigger), 5000);
        const t0 = performance.now();
        try {
          await post(body, 'application/x-www-form-urlencoded');
          const t1 = performance.now();
          const call = await opened;
          if (i >= WARMUP) {
            ack.samples.push(t1 - t0);
            open.samples.push(call.at - (performance.timeOrigin + t0));
          }
        } catch (e) {
          if (i >= WARMUP) ack.failures++;
          ack.firstError ??= String(e);
        }
      }
      ctx.report(p99Result('/visit: ack', ack, TARGET.ackP99, 'signed slash command to HTTP 200'));
      ctx.report(p99Result('/visit: views.open issued', open, TARGET.viewsOpenP99, 'request sent to the stand-in receiving views.open'));

      // 2. The store picker's type-ahead (block_suggestion).
      const search: Timing = { samples: [], failures: 0, firstError: null };
      for (let i = 0; i < REQUESTS + WARMUP; i++) {
        const user = r.pick(reps).slackId;
        const payload = { type: 'block_suggestion', user: { id: user, team_id: 'T0BENCH' }, team: { id: 'T0BENCH' }, action_id: 'store_select', block_id: 'storeId', value: typedPrefix(r.pick(names).name), container: { type: 'view', view_id: 'V0' } };
        const t0 = performance.now();
        try {
          const text = await post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
          if (!text.includes('"options"')) throw new Error(`no options: ${text.slice(0, 100)}`);
          if (i >= WARMUP) search.samples.push(performance.now() - t0);
        } catch (e) {
          if (i >= WARMUP) search.failures++;
          search.firstError ??= String(e);
        }
      }
      ctx.report(p99Result('store type-ahead (block_suggestion)', search, TARGET.searchP99, 'request to options returned'));
    } finally {
      await running.stop();
      await standin.close();
      ctx.dropScratch(path);
    }
  },
};
