import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webApi } from '@slack/bolt';
import { ids } from '../../../src/bot/ids.ts';
import { claimRowPrefix } from '../../../src/bot/views/claim-list.ts';
import { loadConfig } from '../../../src/config.ts';
import { describeStart, start, type Running } from '../../../src/main.ts';
import { inTransaction } from '../../../src/db/client.ts';
import { markDemo } from '../../../src/demo/marker.ts';
import { imageNotice } from '../../../src/domain/outbox/image.ts';
import { enqueue } from '../../../src/domain/outbox/outbox.ts';
import { modeFor, runMode, SandboxRefused } from '../../../src/sandbox/mode.ts';
import type { PersonState } from '../../../src/sandbox/state.ts';
import { slackIds, world, type World } from '../../support/world.ts';

// /sandbox over HTTP: only in sandbox mode; the page, a person's state (long-polled), and what a
// person does, reaching the app as Slack's signed payloads. The example company (examples/org.yaml),
// its clock at Sunday 2026-11-22 10:00 in Shanghai.

type Json = Record<string, any>;

const REP = slackIds.rep2; // Sam Carter, en, team 1
const OTHER = slackIds.rep1; // Li Lei

/** The example company served by the app; marked as the demo's unless `company` (then it is a company's own). */
async function server(env: Record<string, string> = {}, opts: { company?: boolean } = {}) {
  const w = await world();
  if (!opts.company) await markDemo(w.db, w.clock.now());
  const config = loadConfig({ DATABASE_URL: w.database.url, PORT: '0', OUTBOX_PACE_MS: '0', ...env });
  const running = await start(config, { database: w.database, clock: w.clock });
  return { w, running, config, stop: async () => (await running.stop(), await w.drop()) };
}

function client(base: string) {
  const post = async (path: string, body: Json, type = 'application/json') => {
    const res = await fetch(`${base}/sandbox/${path}`, { method: 'POST', headers: { 'content-type': type }, body: type === 'application/json' ? JSON.stringify(body) : new URLSearchParams(body).toString() });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const state = async (user: string, since?: number): Promise<PersonState> => (await fetch(`${base}/sandbox/state?user=${user}${since === undefined ? '' : `&since=${since}`}`)).json() as Promise<PersonState>;
  /** Long-polls a person's state until `check` finds something. */
  const until = async <T>(user: string, check: (s: PersonState) => T | undefined | null | false, ms = 10_000): Promise<T> => {
    const deadline = Date.now() + ms;
    let since: number | undefined;
    for (;;) {
      const s = await state(user, since);
      const hit = check(s);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`timed out; last state: ${JSON.stringify(s).slice(0, 2000)}`);
      since = s.version;
    }
  };
  return { post, state, until };
}

describe('sandbox mode', () => {
  it('is on without a bot token or with SANDBOX=1, and off with a token or SANDBOX=0', () => {
    expect(runMode({ SLACK_BOT_TOKEN: undefined, SANDBOX: undefined })).toBe('sandbox');
    expect(runMode({ SLACK_BOT_TOKEN: 'xoxb-1', SANDBOX: undefined })).toBe('production');
    expect(runMode({ SLACK_BOT_TOKEN: 'xoxb-1', SANDBOX: '1' })).toBe('sandbox');
    expect(runMode({ SLACK_BOT_TOKEN: undefined, SANDBOX: '0' })).toBe('production');
    expect(() => loadConfig({ SANDBOX: 'yes' })).toThrow('SANDBOX: must be 0 or 1');
  });

  it('runs only on the demo company: an empty or demo database; a company of its own gets Slack off, and SANDBOX=1 is refused', () => {
    const none = { SLACK_BOT_TOKEN: undefined, SANDBOX: undefined };
    expect(modeFor(none, 'empty')).toEqual({ mode: 'sandbox', companyWithoutSlack: false });
    expect(modeFor(none, 'demo')).toEqual({ mode: 'sandbox', companyWithoutSlack: false });
    expect(modeFor(none, 'company')).toEqual({ mode: 'production', companyWithoutSlack: true });
    expect(modeFor({ SLACK_BOT_TOKEN: 'xoxb-1', SANDBOX: undefined }, 'company')).toEqual({ mode: 'production', companyWithoutSlack: false });
    expect(() => modeFor({ SLACK_BOT_TOKEN: undefined, SANDBOX: '1' }, 'company')).toThrow(SandboxRefused);
    expect(modeFor({ SLACK_BOT_TOKEN: undefined, SANDBOX: '1' }, 'demo').mode).toBe('sandbox');
  });

  it("never turns itself on against a company's own database: no token means Slack off, nobody can act as anyone", async () => {
    const s = await server({}, { company: true });
    try {
      expect(s.running.mode).toBe('production');
      expect(s.running.bot).toBeNull();
      const before = await s.w.db.person.findUniqueOrThrow({ where: { slackId: REP }, select: { locale: true } });
      for (const path of ['/sandbox', '/sandbox/state?user=U0REP2']) expect((await fetch(`${s.running.url}${path}`)).status, path).toBe(404);
      const post = await fetch(`${s.running.url}/sandbox/command`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: REP, text: '/crm lang zh' }) });
      expect(post.status).toBe(404);
      expect(await s.w.db.person.findUniqueOrThrow({ where: { slackId: REP }, select: { locale: true } })).toEqual(before);
      const lines = await describeStart(s.running, s.config);
      expect(lines[0]).toBe('Mode: production');
      expect(lines[1]).toMatch(/^Slack: off — no SLACK_BOT_TOKEN, and this database is a company's, not the demo's/);
    } finally {
      await s.stop();
    }
  });

  it("SANDBOX=1 on a company's own database stops the start with a clear message", async () => {
    const w = await world();
    try {
      const config = loadConfig({ DATABASE_URL: w.database.url, PORT: '0', SANDBOX: '1' });
      await expect(start(config, { database: w.database, clock: w.clock })).rejects.toThrow(/SANDBOX=1 refused: this database holds a company's own data/);
    } finally {
      await w.drop();
    }
  });

  it('with a real-looking token and no SANDBOX: no /sandbox, and the start says production', async () => {
    const s = await server({ SLACK_BOT_TOKEN: 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx', SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99yyyzzz85a5' });
    try {
      expect(s.running.mode).toBe('production');
      expect(s.running.sandbox).toBeNull();
      for (const path of ['/sandbox', '/sandbox/', '/sandbox/state?user=U0REP2', '/sandbox/assets/sandbox.js']) expect((await fetch(`${s.running.url}${path}`)).status, path).toBe(404);
      const post = await fetch(`${s.running.url}/sandbox/command`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: REP, text: '/crm help' }) });
      expect(post.status).toBe(404);
      expect(await describeStart(s.running, s.config)).toEqual(['Mode: production', 'Slack: HTTP at POST /slack/events', `Console: ${s.running.url}/console (first admin: npm run crm -- admin create EMAIL)`]);
    } finally {
      await s.stop();
    }
  });

  it('SANDBOX=1 with real Slack settings: the sandbox, and the bot talks to the stand-in only', async () => {
    const s = await server({ SANDBOX: '1', SLACK_BOT_TOKEN: 'xoxb-real-looking-token', SLACK_SIGNING_SECRET: 'real-secret', SLACK_APP_TOKEN: 'xapp-1-real' });
    try {
      expect(s.running.mode).toBe('sandbox');
      expect(s.running.bot!.mode).toBe('http'); // never Socket Mode to the real Slack
      const client = s.running.bot!.app.client as webApi.WebClient;
      expect(client.token).toBe('xoxb-sandbox');
      expect(client.slackApiUrl).toBe(`${s.running.sandbox!.standin.url}/api/`);
      expect((await fetch(`${s.running.url}/sandbox`)).status).toBe(200);
      const lines = await describeStart(s.running, s.config);
      expect(lines[0]).toBe('Mode: sandbox (SANDBOX=1: the Slack settings are not used; Slack is a local stand-in; SANDBOX=0 turns it off)');
      expect(lines).toContain(`Sandbox: ${s.running.url}/sandbox`);
      // The example company is not the demo: nothing was loaded, and no demo sign-in is offered.
      expect(lines).toContain('Demo company: not loaded (the database was not empty)');
      // A request signed with the real secret is refused: only the sandbox, with this process's secret, gets in.
      const refused = await fetch(`${s.running.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)), 'x-slack-signature': 'v0=00' }, body: '{}' });
      expect(refused.status).toBe(401);
    } finally {
      await s.stop();
    }
  });
});

describe('/sandbox', () => {
  let s: Awaited<ReturnType<typeof server>>;
  let w: World;
  let running: Running;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    s = await server();
    w = s.w;
    running = s.running;
    c = client(running.url);
  });
  afterAll(async () => s.stop());

  it('the page: everyone with a Slack id, with role and team, escaped; our own scripts only', async () => {
    await w.db.person.update({ where: { slackId: 'U0REP3' }, data: { name: '<script>alert(1)</script>' } });
    const res = await fetch(`${running.url}/sandbox`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const page = await res.text();
    expect(page).toContain('<option value="U0REP2">Sam Carter · rep · Team 1</option>');
    expect(page).toContain('<option value="U0SUP1">Han Meimei · supervisor · Team 1</option>');
    expect(page).toContain('<option value="U0ADM1">Zhou Min · admin</option>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; · rep · Team 2');
    expect(page).not.toContain('<script>alert(1)');
    expect((await fetch(`${running.url}/sandbox/assets/sandbox.js`)).status).toBe(200);
    expect((await fetch(`${running.url}/sandbox/assets/nope.js`)).status).toBe(404);
    // The stand-in knows them as Slack users, with their language and time zone.
    expect(running.sandbox!.standin.users.get('U0REP1')).toMatchObject({ name: 'Li Lei', locale: 'zh-CN', tz: 'Asia/Shanghai' });
  });

  it('refuses what is not JSON, an unknown person, and a malformed request', async () => {
    expect((await c.post('command', { user: REP, text: '/crm help' }, 'application/x-www-form-urlencoded')).status).toBe(415);
    const unknown = await c.post('command', { user: 'U0NOBODY', text: '/crm help' });
    expect(unknown).toMatchObject({ status: 404, body: { ok: false, error: 'Nobody in the company has that Slack id.' } });
    expect((await c.post('command', { user: REP })).status).toBe(400);
    expect((await fetch(`${running.url}/sandbox/state`)).status).toBe(400);
  });

  it('a command with an answer in its ack: shown to that person only; an unknown command is Slack’s to refuse', async () => {
    const before = await c.state(REP);
    const r = await c.post('command', { user: REP, text: '/crm help' });
    expect(r.body).toMatchObject({ ok: true });
    const help = await c.until(REP, (st) => st.timeline.find((p) => p.html.includes('/crm approvals') && p.html.includes('Only visible to you')));
    expect(help.key).toMatch(/^DU0REP2:/);
    expect(before.version).toBeLessThan((await c.state(REP)).version);
    expect((await c.state(OTHER)).timeline.some((p) => p.html.includes('/crm approvals'))).toBe(false);
    const nope = await c.post('command', { user: REP, text: '/frobnicate now' });
    expect(nope.body.notice).toBe('/frobnicate is not a valid command. The app has /visit, /claim, /store, /opp, /crm.');
  });

  it('speaks the language of the person one acts as: the page, “only visible to you”, the notices and errors', async () => {
    const zhPage = await (await fetch(`${running.url}/sandbox?user=${OTHER}`)).text(); // Li Lei reads Chinese
    expect(zhPage).toContain('<html lang="zh-CN">');
    expect(zhPage).toContain('data-t="sb.tab.messages">消息</button>');
    expect(zhPage).toContain('data-t="sb.tab.home">主页</button>');
    expect(zhPage).toContain('data-t="sb.send">发送</button>');
    expect(zhPage).toContain('<option value="U0REP2">Sam Carter · 销售代表 · Team 1</option>');
    // Both languages' words are on the page for sandbox.js, which follows a change of person.
    expect(zhPage).toContain('"sb.tab.messages":"Messages"');
    const enPage = await (await fetch(`${running.url}/sandbox?user=${REP}`)).text();
    expect(enPage).toContain('data-t="sb.tab.messages">Messages</button>');

    await c.post('command', { user: OTHER, text: '/crm help' });
    const help = await c.until(OTHER, (st) => st.timeline.find((p) => p.html.includes('/crm approvals')));
    expect(help.html).toContain('仅你可见');
    expect(help.html).not.toContain('Only visible to you');
    const nope = await c.post('command', { user: OTHER, text: '/frobnicate' });
    expect(nope.body.notice).toBe('/frobnicate 不是有效的命令。应用的命令有 /visit, /claim, /store, /opp, /crm。');
    const gone = await c.post('action', { user: OTHER, where: { surface: 'message', channel: `D${OTHER}`, ts: '1.000001' }, blockId: 'b', actionId: 'a', state: {} });
    expect(gone.body).toMatchObject({ ok: false, error: '这条消息已不存在。' });
  });

  it('a long poll answers as soon as something changes', async () => {
    const now = await c.state(REP);
    const started = performance.now();
    const waiting = c.state(REP, now.version);
    await new Promise((r) => setTimeout(r, 300));
    await c.post('command', { user: REP, text: '/crm today' });
    const next = await waiting;
    expect(next.version).toBeGreaterThan(now.version);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('/visit: the modal, a follow-up in the past comes back on its field, “明天下午3点” is tomorrow 15:00 in Shanghai', async () => {
    await c.post('command', { user: REP, text: '/visit 老王面馆' });
    const modal = await c.until(REP, (st) => st.modal?.html.includes('Log a visit') && st.modal);
    expect(modal.html).toContain('data-text="老王面馆 · ');
    const form = { summary: { visit_summary: 'Met the owner; tasting next week' }, nextFollowUpAt: { visit_next_text: '昨天' } };
    const bad = await c.post('submit', { user: REP, viewId: modal.viewId, state: form });
    expect(bad.body.errors.nextFollowUpAt).toContain('昨天');
    const shown = await c.until(REP, (st) => st.modal?.html.includes('role="alert"') && st.modal);
    expect(shown.html).toMatch(/sb-has-error[\s\S]*昨天/);
    expect(await w.db.visit.count({ where: { person: { slackId: REP } } })).toBe(0);

    const ok = await c.post('submit', { user: REP, viewId: modal.viewId, state: { ...form, nextFollowUpAt: { visit_next_text: '明天下午3点' } } });
    expect(ok.body).toEqual({ ok: true, ms: expect.any(Number) });
    await c.until(REP, (st) => !st.modal && st.timeline.some((p) => p.html.includes('Visit logged')));
    const followUp = await w.db.followUp.findFirstOrThrow({ where: { person: { slackId: REP } }, orderBy: { id: 'desc' } });
    expect(followUp.dueAt.toISOString()).toBe('2026-11-23T07:00:00.000Z');
  });

  it('a click in a message: the app gets block_actions with a response_url, and its answer replaces the message', async () => {
    await c.post('command', { user: REP, text: '/claim 知味' });
    const list = await c.until(REP, (st) => st.timeline.find((p) => p.html.includes('知味小笼') && p.html.includes(ids.actions.claim)));
    const [channel, ts] = list.key.split(':') as [string, string];
    const store = await w.store('知味小笼');
    const blockId = `${claimRowPrefix}${store.id}`;
    // Not in that message, or someone else's message: Slack would not let anyone click it.
    expect((await c.post('action', { user: REP, where: { surface: 'message', channel, ts }, blockId, actionId: 'nope', state: {} })).status).toBe(409);
    expect((await c.post('action', { user: OTHER, where: { surface: 'message', channel, ts }, blockId, actionId: ids.actions.claim, state: {} })).status).toBe(404);

    const r = await c.post('action', { user: REP, where: { surface: 'message', channel, ts }, blockId, actionId: ids.actions.claim, state: {} });
    expect(r.body.ok).toBe(true);
    const replaced = await c.until(REP, (st) => st.timeline.find((p) => p.key === list.key && p.html.includes('is yours')));
    expect(replaced.html).toContain('知味小笼');
    expect((await w.store('知味小笼')).ownerId).toBe(w.people.rep2.id);
  });

  it('external select options come from the app (block_suggestion), for the person who types', async () => {
    await c.post('command', { user: REP, text: '/opp' });
    const modal = await c.until(REP, (st) => st.modal?.html.includes('data-type="external_select"') && st.modal);
    const r = await c.post('options', { user: REP, where: { surface: 'view', viewId: modal.viewId }, blockId: 'storeId', actionId: ids.actions.storeSelect, value: '知味', state: {} });
    expect(r.body.options.map((o: Json) => o.text.text)).toEqual([expect.stringMatching(/^知味小笼 · CRM\d+$/)]);
    expect((await c.post('options', { user: OTHER, where: { surface: 'view', viewId: modal.viewId }, blockId: 'storeId', actionId: ids.actions.storeSelect, value: '知味', state: {} })).status).toBe(404);
    await c.post('close', { user: REP, viewId: modal.viewId, all: true });
    await c.until(REP, (st) => !st.modal);
  });

  it('Home: opening the tab sends app_home_opened and shows what the app publishes; buttons there act', async () => {
    await c.post('open-tab', { user: REP, tab: 'home' });
    const home = await c.until(REP, (st) => st.home);
    expect(home.html).toContain('Seaboard · Sam Carter');
    const r = await c.post('action', { user: REP, where: { surface: 'view', viewId: home.viewId }, blockId: 'home_quick', actionId: ids.actions.homeClaim, state: {} });
    expect(r.body.ok).toBe(true);
    await c.until(REP, (st) => st.timeline.some((p) => p.html.includes('Claim stores') && !p.html.includes('Only visible to you')));
  });

  it('closing a modal that asked for it sends view_closed (is_cleared when the whole stack closes)', async () => {
    const got: Json[] = [];
    running.bot!.app.view({ callback_id: 'sandbox_probe', type: 'view_closed' }, async ({ ack, body }) => {
      got.push(body);
      await ack();
    });
    const standin = running.sandbox!.standin;
    const probe = (title: string) => ({ type: 'modal', callback_id: 'sandbox_probe', notify_on_close: true, title: { type: 'plain_text', text: title }, close: { type: 'plain_text', text: 'Close' }, blocks: [{ type: 'input', block_id: 'note', label: { type: 'plain_text', text: 'Note' }, element: { type: 'plain_text_input', action_id: 'text' } }] });
    standin.call('views.open', { trigger_id: `1.${REP}.trigger`, view: probe('First') });
    standin.call('views.push', { trigger_id: `2.${REP}.trigger`, view: probe('Second') });
    const top = await c.until(REP, (st) => st.modal?.html.includes('Second') && st.modal);
    expect(top.html).toContain('First</span> › <span aria-current="true">Second');
    await c.post('close', { user: REP, viewId: top.viewId, all: false });
    const first = await c.until(REP, (st) => st.modal?.html.includes('>First<') && st.modal);
    expect(got.at(-1)).toMatchObject({ type: 'view_closed', is_cleared: false, view: { id: top.viewId, callback_id: 'sandbox_probe' } });
    await c.post('close', { user: REP, viewId: first.viewId, all: true });
    await c.until(REP, (st) => !st.modal);
    expect(got.at(-1)).toMatchObject({ type: 'view_closed', view: { id: first.viewId, state: { values: { note: { text: { type: 'plain_text_input', value: null } } } } } });
  });

  it('files the app uploads (getUploadURLExternal → upload URL → completeUploadExternal) show in the DM', async () => {
    const client = new webApi.WebClient('xoxb-sandbox', { slackApiUrl: `${running.sandbox!.standin.url}/api/`, retryConfig: { retries: 0 } });
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    const done = await client.filesUploadV2({ channel_id: `D${REP}`, file: png, filename: 'ranking.png', title: 'Weekly ranking', initial_comment: 'This week’s *ranking*' });
    expect(done.ok).toBe(true);
    const shown = await c.until(REP, (st) => st.timeline.find((p) => p.html.includes('Weekly ranking')));
    const src = /<img src="(\/sandbox\/files\/F[0-9A-F]+)" alt="Weekly ranking">/.exec(shown.html)?.[1];
    expect(shown.html).toContain('This week’s <strong>ranking</strong>');
    const file = await fetch(`${running.url}${src}`);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
    // Completing a file that was never uploaded fails as Slack's does.
    const url = await client.files.getUploadURLExternal({ filename: 'x.csv', length: 3 });
    await expect(client.files.completeUploadExternal({ files: [{ id: url.file_id! }] })).rejects.toThrow('file_not_found');
  });

  it('an image notice the outbox shares (a chart) shows in the DM, with its alt text', async () => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    const sam = await w.db.person.findUniqueOrThrow({ where: { slackId: REP } });
    const notice = imageNotice({ dedupeKey: 'sandbox-chart', recipientId: sam.id }, { filename: 'funnel.png', title: 'Team funnel', altText: 'Funnel: 40 visits, 12 interested, 3 won', content: png, comment: 'Your team’s *funnel*' });
    await inTransaction(w.db, (tx) => enqueue(tx, notice, w.clock.now()));
    running.bot!.dispatcher.kick();
    const shown = await c.until(REP, (st) => st.timeline.find((p) => p.html.includes('Team funnel')));
    expect(shown.html).toContain('Your team’s <strong>funnel</strong>');
    const src = /<img src="(\/sandbox\/files\/F[0-9A-F]+)" alt="Funnel: 40 visits, 12 interested, 3 won">/.exec(shown.html)?.[1];
    const file = await fetch(`${running.url}${src}`);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
  });
});
