import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInPage, useBrowser } from '../support/browser.ts';
import { consoleWorld, type ConsoleWorld } from '../support/console.ts';

let cw: ConsoleWorld;
let dir: string;
beforeAll(async () => {
  cw = await consoleWorld();
  dir = mkdtempSync(join(tmpdir(), 'seaboard-stores-'));
});
afterAll(async () => cw?.stop());

/** A CSV file on disk, for the file chooser. */
function csvFile(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\r\n')}\r\n`);
  return path;
}

describe('the store import in a browser', () => {
  const browser = useBrowser();

  it('shows a bad row’s error with its line number and does not let the file be imported', async () => {
    const page = browser.page();
    await signInPage(page, cw.url, cw.accounts.admin);
    await page.getByRole('link', { name: 'Stores', exact: true }).click();
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await page.waitForURL(`${cw.url}/console/stores/import`);
    const file = csvFile('with-bad-row.csv', ['Store name,Phone,Longitude,Latitude', 'Good Noodles,13900000201,120.12,30.24', 'Bad Phone Shop,call me maybe,120.13,30.25', 'Good Tea,13900000203,120.14,30.26']);
    await page.getByLabel('CSV file').setInputFiles(file);
    await page.getByRole('button', { name: 'Upload' }).click();

    // The mapping step: the columns were guessed from the headers.
    await page.waitForURL(/\/console\/stores\/import\/[A-Za-z0-9_-]+$/);
    await expect(page.getByLabel('Store name (required)').inputValue()).resolves.toBe('Store name');
    await expect(page.getByLabel('Latitude (required)').inputValue()).resolves.toBe('Latitude');
    await page.getByRole('button', { name: 'Check the file (nothing is written yet)' }).click();

    await expect(page.locator('#import-counts').textContent()).resolves.toContain('Rows with problems: 1.');
    const row = page.locator('table.row-errors tbody tr');
    await expect(row.count()).resolves.toBe(1);
    await expect(row.locator('td').allTextContents()).resolves.toEqual(['3', 'Phone', 'is not valid']);
    await expect(page.getByRole('button', { name: 'Import 2 stores' }).isDisabled()).resolves.toBe(true);
    expect(await cw.w.db.store.count({ where: { name: { in: ['Good Noodles', 'Good Tea'] } } })).toBe(0);
  });

  it('imports a good file and shows the new stores in the list', async () => {
    const page = browser.page();
    await signInPage(page, cw.url, cw.accounts.admin);
    await page.goto(`${cw.url}/console/stores/import`);
    const file = csvFile('good.csv', ['门店名称,电话,地址,经度,纬度,负责人', '湖畔咖啡,13900000301,西湖区北山路1号,120.12,30.24,U0REP1', '钱江小馆,13900000302,,120.25,30.30,', '老王面馆,13800000001,,120.15,30.25,']);
    await page.getByLabel('CSV file').setInputFiles(file);
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.waitForURL(/\/console\/stores\/import\/[A-Za-z0-9_-]+$/);
    await page.getByRole('button', { name: 'Check the file (nothing is written yet)' }).click();

    await expect(page.locator('#import-counts').textContent()).resolves.toContain('To create: 2 (of which 1 with an owner). Duplicates, skipped: 1. Rows with problems: 0.');
    await expect(page.locator('table.duplicates tbody tr td').nth(1).textContent()).resolves.toBe('老王面馆');
    await page.getByRole('button', { name: 'Import 2 stores' }).click();

    await page.waitForURL(`${cw.url}/console/stores`);
    await expect(page.getByRole('status').textContent()).resolves.toBe('Imported 2 stores (1 with an owner, 0 contacts); 1 duplicate row skipped.');
    const rows = page.locator('table.stores tbody tr');
    await expect(rows.filter({ hasText: '湖畔咖啡' }).locator('td').nth(4).textContent()).resolves.toBe('Li Lei');
    await expect(rows.filter({ hasText: '钱江小馆' }).count()).resolves.toBe(1);

    await page.getByLabel('Name, code or phone').fill('湖畔');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await expect(rows.count()).resolves.toBe(1);
    await rows.first().getByRole('link').click();
    await expect(page.locator('h1').textContent()).resolves.toContain('湖畔咖啡');
    await expect(page.locator('table.history tbody tr td').nth(1).textContent()).resolves.toBe('assign');
  });
});
