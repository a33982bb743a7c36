import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleWorld, type ConsoleWorld } from '../support/console.ts';
import { signInPage, useBrowser } from '../support/browser.ts';

let cw: ConsoleWorld;
beforeAll(async () => {
  cw = await consoleWorld();
});
afterAll(async () => cw?.stop());

describe('the Jobs page in a browser', () => {
  const browser = useBrowser();

  it('an admin opens Jobs, presses Run now on the auto-return, and sees the run in the list', async () => {
    const store = await cw.w.store('Sunny Cafe');
    await cw.w.db.store.update({ where: { id: store.id }, data: { protectedUntil: new Date('2026-11-21T12:00:00Z') } });
    const page = browser.page();
    await signInPage(page, cw.url, cw.accounts.admin);
    await page.getByRole('link', { name: 'Jobs' }).click();
    await page.waitForURL(`${cw.url}/console/jobs`);
    await expect(page.getByRole('heading', { name: 'Scheduled jobs' }).isVisible()).resolves.toBe(true);
    const sweep = page.locator('tr[data-job="sweep"]');
    await expect(sweep.textContent()).resolves.toMatch(/Auto-return[\s\S]*daily at 02:00 \(Asia\/Shanghai\)[\s\S]*2026-11-23 02:00[\s\S]*not run yet/);
    await expect(page.getByText('No runs yet.').isVisible()).resolves.toBe(true);

    await sweep.getByRole('button', { name: 'Run now' }).click();
    await page.waitForURL(`${cw.url}/console/jobs`);
    await expect(page.getByRole('status').textContent()).resolves.toBe('Auto-return ran now: 2 messages sent, 0 skipped, 0 failed; 1 store returned to the public pool.');
    const run = page.locator('table.runs tr[data-job="sweep"]');
    await expect(run.count()).resolves.toBe(1);
    await expect(run.textContent()).resolves.toMatch(/Auto-return[\s\S]*2026-11-22 10:00[\s\S]*done[\s\S]*Run now[\s\S]*1 store returned to the public pool/);
    await expect(page.locator('tr[data-job="sweep"]').first().textContent()).resolves.toMatch(/done · 2026-11-22 10:00/);
    // The scheduled 02:00 is still to come.
    await expect(page.locator('tr[data-job="sweep"]').first().textContent()).resolves.toContain('2026-11-23 02:00');

    // A double click is one press: one more run, not two; nothing is returned twice.
    await page.locator('tr[data-job="sweep"]').first().getByRole('button', { name: 'Run now' }).dblclick();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 10_000 }).toMatch(/^Auto-return (ran now|: that press ran at 2026-11-22 10:00 already \(done\)): 0 messages sent, 0 skipped, 0 failed; 0 stores returned to the public pool\.$/);
    await expect.poll(() => cw.w.db.jobRun.count({ where: { job: 'sweep' } })).toBe(2);
    await page.reload();
    await expect(page.locator('table.runs tr[data-job="sweep"]').count()).resolves.toBe(2);
    expect(await cw.w.db.claimHistory.count({ where: { storeId: store.id, action: 'auto_return' } })).toBe(1);
  });
});
