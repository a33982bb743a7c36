import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleWorld, type ConsoleWorld } from '../support/console.ts';
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
});
