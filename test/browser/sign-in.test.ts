import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleWorld, type ConsoleWorld } from '../support/console.ts';
import { T0 } from '../support/world.ts';
import { signInPage, useBrowser } from '../support/browser.ts';

let cw: ConsoleWorld;
beforeAll(async () => {
  cw = await consoleWorld();
});
afterAll(async () => cw?.stop());

describe('signing in to the console in a browser', () => {
  const browser = useBrowser();

  it('signs in, shows the overview with the navigation, and signs out', async () => {
    const page = browser.page();
    await signInPage(page, cw.url, cw.accounts.admin);
    await expect(page.getByRole('heading', { name: 'Overview' }).isVisible()).resolves.toBe(true);
    await expect(page.getByText('Signed in as Zhou Min (admin)').isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${cw.url}/console/sign-in`);
    await page.goto(`${cw.url}/console`);
    expect(page.url()).toContain('/console/sign-in');
  });

  it('shows a wrong password on the form and keeps the email', async () => {
    const page = browser.page();
    await page.goto(`${cw.url}/console/sign-in`);
    await page.getByLabel('Email').fill(cw.accounts.mgrEast.email);
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Wrong email or password.');
    await expect(page.getByLabel('Email').inputValue()).resolves.toBe(cw.accounts.mgrEast.email);
  });

  // The browser lives in real time; the server's clock may be anywhere. Cookies with a relative Max-Age
  // keep working whichever is ahead, so the suite does not depend on the day it runs.
  for (const [label, shift] of [['a year ahead of', 365], ['a year behind', -365]] as const) {
    it(`signs in and stays signed in with the server's clock ${label} the browser's`, async () => {
      cw.w.clock.set(new Date(Date.parse(T0) + shift * 86_400_000));
      try {
        const page = browser.page();
        await signInPage(page, cw.url, cw.accounts.mgrWest);
        await page.goto(`${cw.url}/console/people`);
        expect(page.url()).toBe(`${cw.url}/console/people`);
        const cookies = await page.context().cookies();
        const session = cookies.find((c) => c.name === 'sb_session');
        // Seven days from the browser's now, whatever the server's clock says.
        expect(session?.expires ?? 0).toBeGreaterThan(Date.now() / 1000 + 6 * 86_400);
      } finally {
        cw.w.clock.set(T0);
      }
    });
  }
});
