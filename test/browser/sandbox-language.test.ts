import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { markDemo } from '../../src/demo/marker.ts';
import { start, type Running } from '../../src/main.ts';
import { useBrowser } from '../support/browser.ts';
import { world, type World } from '../support/world.ts';

// The sandbox's own words (tabs, the message box, "only visible to you", toasts) follow the person one
// acts as: Li Lei reads Chinese, Sam Carter English (examples/org.yaml).

let w: World;
let running: Running;
beforeAll(async () => {
  w = await world();
  await markDemo(w.db, w.clock.now());
  running = await start(loadConfig({ DATABASE_URL: w.database.url, PORT: '0', OUTBOX_PACE_MS: '0' }), { database: w.database, clock: w.clock });
});
afterAll(async () => {
  await running?.stop();
  await w?.drop();
});

describe('the sandbox’s language, in a browser', () => {
  const browser = useBrowser();

  it('switches its chrome with the person: Chinese for Li Lei, English for Sam Carter', async () => {
    const page = browser.page();
    await page.goto(`${running.url}/sandbox?user=U0REP2`);
    await expect(page.getByRole('tab', { name: 'Messages' }).isVisible()).resolves.toBe(true);

    await page.getByLabel('You are').selectOption('U0REP1');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await expect(page.getByRole('tab', { name: '消息' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('tab', { name: '主页' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: '发送' }).isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('当前身份').locator('option[value="U0REP2"]').textContent()).resolves.toBe('Sam Carter · 销售代表 · Team 1');

    const box = page.getByLabel('给 Seaboard 发消息');
    await box.fill('/crm help');
    await box.press('Enter');
    await expect(page.locator('#sb-timeline article.sb-message').last().locator('.sb-only-you').textContent()).resolves.toBe('仅你可见');
    await box.fill('hello');
    await box.press('Enter');
    await expect(page.locator('#sb-toast').textContent()).resolves.toBe('沙盒只接受斜杠命令，例如 /crm help。');

    // A reload keeps the person, and the server draws the page in their language straight away.
    await page.reload();
    await expect(page.getByRole('tab', { name: '消息' }).isVisible()).resolves.toBe(true);

    await page.getByLabel('当前身份').selectOption('U0REP2');
    await expect(page.getByRole('tab', { name: 'Messages' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Send' }).isVisible()).resolves.toBe(true);
  });
});
