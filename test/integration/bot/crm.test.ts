import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign, slackWorld, type SlackWorld } from '../../support/slack.ts';

let s: SlackWorld;
beforeAll(async () => {
  s = await slackWorld();
});
afterAll(async () => s.close());

describe('the Slack endpoint', () => {
  it('refuses unsigned, wrongly signed and stale requests with 401', async () => {
    const body = 'command=%2Fcrm&text=help&user_id=U0REP2';
    const url = `${s.running.url}/slack/events`;
    const now = Math.floor(Date.now() / 1000);
    const plain = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(plain.status).toBe(401);
    const wrong = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(now), 'x-slack-signature': sign(body, now, 'not-the-secret') }, body });
    expect(wrong.status).toBe(401);
    const old = now - 6 * 60;
    const stale = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(old), 'x-slack-signature': sign(body, old) }, body });
    expect(stale.status).toBe(401);
  });

  it('reports Slack as on in the health check', async () => {
    expect(await (await fetch(`${s.running.url}/healthz`)).json()).toMatchObject({ slack: 'http' });
  });
});

describe('/crm', () => {
  it('shows help in the person’s language', async () => {
    const en = await s.command('U0REP2', '/crm', 'help');
    expect(en.status).toBe(200);
    expect(en.body).toMatchObject({ response_type: 'ephemeral' });
    expect((en.body as { text: string }).text).toContain('`/visit [store]` log a visit');
    const zh = await s.command('U0REP1', '/crm', '');
    expect((zh.body as { text: string }).text).toContain('记录拜访');
  });

  it('switches the language with /crm lang', async () => {
    const r = await s.command('U0REP2', '/crm', 'lang zh');
    expect((r.body as { text: string }).text).toBe('好的，以后我会用中文和您交流。');
    expect((await s.w.db.person.findUniqueOrThrow({ where: { slackId: 'U0REP2' } })).locale).toBe('zh-CN');
    expect(((await s.command('U0REP2', '/crm', 'help')).body as { text: string }).text).toContain('记录拜访');
    expect(((await s.command('U0REP2', '/crm', 'lang klingon')).body as { text: string }).text).toContain('/crm lang zh');
    await s.command('U0REP2', '/crm', 'lang en');
    expect(((await s.command('U0REP2', '/crm', 'frobnicate')).body as { text: string }).text).toContain('I don’t know “frobnicate”');
  });

  it('tells someone who is not a person how to get access, in their Slack language', async () => {
    s.standin.addUser({ id: 'U0STRANGER', name: 'Stranger', locale: 'zh-CN' });
    const r = await s.command('U0STRANGER', '/crm', 'help');
    expect(r.status).toBe(200);
    expect((r.body as { text: string }).text).toContain('您还没有开通 Seaboard');
    expect((r.body as { text: string }).text).toContain('U0STRANGER');
    s.standin.addUser({ id: 'U0NOBODY', name: 'Nobody', locale: 'en-GB' });
    expect(((await s.command('U0NOBODY', '/visit', '')).body as { text: string }).text).toContain('not set up in Seaboard');
  });
});

describe('Slack retries', () => {
  it('handles a redelivered event (same event_id, X-Slack-Retry-Num) once', async () => {
    const before = s.standin.callsOf('views.publish').length;
    const event = { type: 'app_home_opened', user: 'U0REP2', channel: 'D0REP2', tab: 'home' };
    const first = await s.event(event, {}, 'EvRETRY1');
    const retry = await s.event(event, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }, 'EvRETRY1');
    expect([first.status, retry.status]).toEqual([200, 200]);
    await s.standin.waitFor(() => s.standin.callsOf('views.publish').length > before);
    await new Promise((r) => setTimeout(r, 300));
    expect(s.standin.callsOf('views.publish').length - before).toBe(1);
  });
});
