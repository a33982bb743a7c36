import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, type TestContext } from 'vitest';
import type { Account } from './console.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The closed network refuses Chromium's own connections; these keep it from trying.
const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const SCREENSHOTS = 'test-results/screenshots';

/**
 * Debian's Chromium for the tests of a file: launched once, a fresh context and page for each test, and a
 * full-page screenshot of a failed test in test-results/screenshots/.
 */
export function useBrowser(): { page(): Page } {
  let browser: Browser | null = null;
  let context: BrowserContext | null = null;
  let current: Page | null = null;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: flags });
  });
  beforeEach(async (ctx: TestContext) => {
    // The previous test's context is closed here, not after it, so that a failure can still be photographed.
    await context?.close();
    context = await browser!.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    current = await context.newPage();
    current.setDefaultTimeout(10_000);
    const page = current;
    ctx.onTestFailed(async () => {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const name = ctx.task.name.replace(/[^\w-]+/g, '_').slice(0, 80);
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true }).catch(() => undefined);
    });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });
  return {
    page: () => {
      if (!current) throw new Error('no page: call page() inside a test');
      return current;
    },
  };
}

export async function signInPage(page: Page, url: string, account: Account): Promise<void> {
  await page.goto(`${url}/console/sign-in`);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${url}/console`);
}
