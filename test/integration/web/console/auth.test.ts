import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_MINUTES, MAX_FAILURES } from '../../../../src/domain/console/accounts.ts';
import { consoleWorld, ConsoleClient, type ConsoleWorld } from '../../../support/console.ts';

let cw: ConsoleWorld;
beforeAll(async () => {
  cw = await consoleWorld();
});
afterAll(async () => cw?.stop());

const signInForm = async (c: ConsoleClient, email: string, password: string) => {
  const page = await c.get('/console/sign-in');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  return c.post('/console/sign-in', { _csrf: token, email, password }, { csrf: false });
};

describe('console sign-in', () => {
  it('sends a signed-out visitor to the sign-in page and back after signing in', async () => {
    const c = cw.client();
    const res = await c.get('/console/people?q=x');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole%2Fpeople%3Fq%3Dx');
    const page = await c.get('/console/sign-in?next=%2Fconsole%2Fpeople');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const signed = await c.post('/console/sign-in', { _csrf: token, email: cw.accounts.admin.email, password: cw.accounts.admin.password, next: '/console/people' }, { csrf: false });
    expect(signed.status).toBe(303);
    expect(signed.headers.get('location')).toBe('/console/people');
    const cookie = signed.headers.getSetCookie().find((l) => l.startsWith('sb_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const home = await c.get('/console');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Zhou Min');
  });

  it('never redirects outside the console after sign-in', async () => {
    const c = cw.client();
    const page = await c.get('/console/sign-in');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const res = await c.post('/console/sign-in', { _csrf: token, email: cw.accounts.admin.email, password: cw.accounts.admin.password, next: '//evil.example/console' }, { csrf: false });
    expect(res.headers.get('location')).toBe('/console');
  });

  it('refuses a wrong password and an unknown email with the same message', async () => {
    const wrong = await signInForm(cw.client(), cw.accounts.mgrEast.email, 'not-the-password');
    const unknown = await signInForm(cw.client(), 'nobody@seaboard.test', 'whatever-password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toContain('Wrong email or password.');
    expect(unknown.text).toContain('Wrong email or password.');
  });

  it('refuses a sign-in form without its CSRF token', async () => {
    const c = cw.client();
    const res = await c.post('/console/sign-in', { email: cw.accounts.admin.email, password: cw.accounts.admin.password }, { csrf: false });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie().some((l) => l.startsWith('sb_session='))).toBe(false);
  });

  it('locks an account after repeated wrong passwords, even for the right one, until the lock ends', async () => {
    const email = cw.accounts.mgrWest.email;
    for (let i = 1; i < MAX_FAILURES; i++) expect((await signInForm(cw.client(), email, `guess-${i}`)).status).toBe(401);
    const last = await signInForm(cw.client(), email, 'guess-last');
    expect(last.status).toBe(429);
    expect(last.text).toContain('Too many sign-in attempts with this email. Try again after');
    expect((await signInForm(cw.client(), email, cw.accounts.mgrWest.password)).status).toBe(429);
    cw.w.clock.advance(LOCK_MINUTES * 60_000 + 1000);
    expect((await signInForm(cw.client(), email, cw.accounts.mgrWest.password)).status).toBe(303);
  });

  it('ends the session on sign-out, and a stale cookie no longer works', async () => {
    const c = await cw.as('admin');
    expect((await c.get('/console')).status).toBe(200);
    const out = await c.post('/console/sign-out', {});
    expect(out.status).toBe(303);
    expect((await c.get('/console')).status).toBe(303);
  });

  it('refuses a state change without the CSRF token and writes nothing', async () => {
    const c = await cw.as('admin');
    const res = await c.post('/console/sign-out', {}, { csrf: false });
    expect(res.status).toBe(403);
    expect(res.text).toContain('This form has expired');
    expect((await c.get('/console')).status).toBe(200);
  });

  it('ends a session after 8 idle hours', async () => {
    const c = await cw.as('admin');
    cw.w.clock.advance(8 * 3_600_000 + 1000);
    const res = await c.get('/console');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toContain('expired=1');
  });

  it('ends the sessions of a person who is deactivated', async () => {
    const c = await cw.as('mgrEast');
    expect((await c.get('/console')).status).toBe(200);
    const person = await cw.w.db.person.findUniqueOrThrow({ where: { slackId: 'U0MGR2' } });
    await cw.w.db.person.update({ where: { id: person.id }, data: { active: false } });
    expect((await c.get('/console')).status).toBe(303);
    await cw.w.db.person.update({ where: { id: person.id }, data: { active: true } });
  });
});

describe('one-time password', () => {
  it('must be replaced at the first sign-in; the new one is checked', async () => {
    const { createFirstAdmin } = await import('../../../../src/domain/console/accounts.ts');
    const issued = await createFirstAdmin(cw.w.deps, { email: 'First.Admin@Seaboard.test' });
    expect(issued.email).toBe('first.admin@seaboard.test');
    const c = cw.client();
    await c.signIn({ email: 'first.admin@seaboard.test', password: issued.password });
    const gate = await c.get('/console/people');
    expect(gate.status).toBe(303);
    expect(gate.headers.get('location')).toBe('/console/password');
    const short = await c.post('/console/password', { current: issued.password, next: 'short', repeat: 'short' });
    expect(short.status).toBe(422);
    expect(short.text).toContain('must be at least 12 characters');
    const differ = await c.post('/console/password', { current: issued.password, next: 'a-long-new-password', repeat: 'another-long-one' });
    expect(differ.text).toContain('does not match the new password');
    const ok = await c.post('/console/password', { current: issued.password, next: 'a-long-new-password', repeat: 'a-long-new-password' });
    expect(ok.status).toBe(303);
    expect((await c.get('/console')).status).toBe(200);
    const again = cw.client();
    await expect(again.signIn({ email: 'first.admin@seaboard.test', password: issued.password })).rejects.toThrow(/sign-in failed/);
    await again.signIn({ email: 'first.admin@seaboard.test', password: 'a-long-new-password' });
  });
});

describe('pages', () => {
  it('shows a manager only its own subtree in the overview', async () => {
    const admin = await (await cw.as('admin')).get('/console');
    const west = await (await cw.as('mgrWest')).get('/console');
    expect(admin.text).toContain('You see the whole company.');
    expect(west.text).toMatch(/You see .+ and everything below it\./);
    const count = (t: string) => Number(/<strong>(\d+)<\/strong><\/a>Stores/.exec(t)?.[1]);
    expect(count(west.text)).toBeLessThan(count(admin.text));
    expect(count(west.text)).toBeGreaterThan(0);
  });

  it('answers an unknown console page with 404 and a missing asset with 404', async () => {
    const c = await cw.as('admin');
    expect((await c.get('/console/no-such-page')).status).toBe(404);
    expect((await c.get('/console/assets/no-such.css')).status).toBe(404);
    expect((await c.get('/console/assets/console.css')).status).toBe(200);
  });
});
