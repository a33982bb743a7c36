import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleWorld, type ConsoleWorld } from '../support/console.ts';
import { signInPage, useBrowser } from '../support/browser.ts';

let cw: ConsoleWorld;
beforeAll(async () => {
  cw = await consoleWorld();
});
afterAll(async () => cw?.stop());

describe('the console’s language switch in a browser', () => {
  const browser = useBrowser();

  it('switches an English admin’s console to Chinese, which stays after navigating and reloading, and back', async () => {
    const page = browser.page();
    await signInPage(page, cw.url, cw.accounts.admin);
    await expect(page.getByRole('heading', { name: 'Overview' }).isVisible()).resolves.toBe(true);

    await page.getByRole('link', { name: 'Stores' }).click();
    await page.waitForURL(`${cw.url}/console/stores`);
    await page.getByRole('button', { name: '中文' }).click();
    await page.waitForURL(`${cw.url}/console/stores`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-CN');
    await expect(page.getByRole('link', { name: '门店' }).getAttribute('aria-current')).resolves.toBe('page');
    await expect(page.getByRole('button', { name: '中文' }).getAttribute('aria-pressed')).resolves.toBe('true');

    await page.getByRole('link', { name: '人员' }).click();
    await page.waitForURL(`${cw.url}/console/people`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('人员');
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('人员');
    await expect(page.getByText('当前用户：Zhou Min（管理员）').isVisible()).resolves.toBe(true);

    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForURL(`${cw.url}/console/people`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('People');
  });
});
