import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleWorld, type ConsoleWorld } from '../../../support/console.ts';

let cw: ConsoleWorld;
beforeAll(async () => {
  cw = await consoleWorld();
});
afterAll(async () => cw?.stop());

const heading = (text: string) => /<h1[^>]*>([^<]*)<\/h1>/.exec(text)?.[1];

describe('the console’s language switch', () => {
  it('is in every page’s header, marks the language shown, and comes back to the same page in the chosen language', async () => {
    const admin = await cw.as('admin'); // Zhou Min has no locale of his own: English
    const stores = await admin.get('/console/stores?pool=public');
    expect(stores.text).toMatch(/<button type="submit" name="locale" value="en" lang="en" class="link" aria-pressed="true">English<\/button>/);
    expect(stores.text).toMatch(/<button type="submit" name="locale" value="zh-CN" lang="zh-CN" class="link" aria-pressed="false">中文<\/button>/);
    expect(stores.text).toContain('<input type="hidden" name="back" value="/console/stores?pool=public">');

    const switched = await admin.post('/console/language', { locale: 'zh-CN', back: '/console/stores?pool=public' });
    expect(switched.status).toBe(303);
    expect(switched.headers.get('location')).toBe('/console/stores?pool=public');
    const cookie = switched.headers.getSetCookie().find((l) => l.startsWith('sb_lang='))!;
    expect(cookie).toMatch(/Max-Age=31536000/);
    expect(cookie).not.toMatch(/Expires=.*19\d\d/);

    const again = await admin.get('/console/stores?pool=public');
    expect(again.text).toContain('<html lang="zh-CN">');
    expect(again.text).toContain('aria-current="page">门店</a>');
    expect(heading((await admin.get('/console/people')).text)).toBe('人员');
    // The person's own language (what Slack speaks to him) is not touched.
    expect((await cw.w.db.person.findUniqueOrThrow({ where: { slackId: 'U0ADM1' } })).locale).toBeNull();

    await admin.post('/console/language', { locale: 'en', back: '/console/people' });
    expect(heading((await admin.get('/console/people')).text)).toBe('People');
  });

  it('is remembered per account: another account signing in on the same browser keeps its own language', async () => {
    const c = await cw.as('admin');
    await c.post('/console/language', { locale: 'zh-CN', back: '/console' });
    await c.post('/console/sign-out', {});
    await c.signIn(cw.accounts.mgrWest);
    expect((await c.get('/console')).text).toContain('<html lang="en">');
    await c.post('/console/language', { locale: 'en-GB', back: '/console' });
    await c.post('/console/sign-out', {});
    await c.signIn(cw.accounts.admin);
    expect((await c.get('/console')).text).toContain('<html lang="zh-CN">');
  });

  it('ignores a language it has no catalog for and never sends anyone outside the console', async () => {
    const c = await cw.as('mgrEast');
    const odd = await c.post('/console/language', { locale: 'xx-YY', back: 'https://evil.example/console' });
    expect(odd.headers.get('location')).toBe('/console');
    expect(odd.headers.getSetCookie().some((l) => l.startsWith('sb_lang='))).toBe(false);
    expect((await c.post('/console/language', { locale: 'zh-Hans', back: '//evil.example/x' })).headers.get('location')).toBe('/console');
    expect((await c.get('/console')).text).toContain('<html lang="zh-CN">');
    const forged = await c.post('/console/language', { locale: 'en' }, { csrf: false });
    expect(forged.status).toBe(403);
  });

  it('leaves the sign-in page to the browser’s language', async () => {
    const c = cw.client();
    const zh = await c.request('/console/sign-in', { headers: { 'accept-language': 'zh-TW,zh;q=0.9,en;q=0.8' } });
    expect(heading(zh.text)).toBe('登录');
    expect(zh.text).not.toContain('name="locale"');
    const fr = await c.request('/console/sign-in', { headers: { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5,zh;q=0.3' } });
    expect(heading(fr.text)).toBe('Sign in');
  });
});
