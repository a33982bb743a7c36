import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInPage, useBrowser } from '../support/browser.ts';
import { consoleWorld, type ConsoleWorld } from '../support/console.ts';

let cw: ConsoleWorld;
beforeAll(async () => {
  cw = await consoleWorld();
});
afterAll(async () => cw?.stop());

/** Where a map coordinate is on the page (the script keeps its Leaflet map on the map element). */
async function pixel(page: Page, lng: number, lat: number): Promise<{ x: number; y: number }> {
  const box = (await page.locator('#region-map').boundingBox())!;
  type MapElement = { seaboardMap: { latLngToContainerPoint(ll: [number, number]): { x: number; y: number } } };
  const p = await page.locator('#region-map').evaluate((el: unknown, ll: [number, number]) => (el as MapElement).seaboardMap.latLngToContainerPoint(ll), [lat, lng] as [number, number]);
  expect(p.x > 0 && p.x < box.width && p.y > 0 && p.y < box.height, `(${lng}, ${lat}) is on the map`).toBe(true);
  return { x: box.x + p.x, y: box.y + p.y };
}

async function clickAt(page: Page, lng: number, lat: number): Promise<void> {
  const { x, y } = await pixel(page, lng, lat);
  await page.mouse.click(x, y);
}

async function dragFrom(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  const a = await pixel(page, ...from);
  const b = await pixel(page, ...to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 8 });
  await page.mouse.up();
}

const inside = (page: Page) => page.locator('#inside-count');

describe('regions on the map, in a browser', () => {
  const browser = useBrowser();

  it('replaces a region by drawing one over its stores: counts the stores inside while drawing and editing, then saves', async () => {
    const page = browser.page();
    await signInPage(page, cw.url, cw.accounts.admin);

    // Delete "east" (its 2 stores: River Side Grill at 120.22, 30.27 and 钱塘茶馆 at 120.25, 30.30).
    await page.goto(`${cw.url}/console/regions`);
    await page.locator('tr[data-key="east"]').getByRole('link', { name: 'Delete' }).click();
    await page.getByLabel('Yes, delete Qiantang').check();
    await page.getByRole('button', { name: 'Delete' }).click();
    await expect(page.locator('.flash').textContent()).resolves.toContain('Deleted region Qiantang: 2 stores moved.');
    await page.locator('#stores-shown', { hasText: '7 stores on the map' }).waitFor();

    // Draw: four corners around both stores, with a dent between them that leaves the tea house out.
    await page.getByRole('button', { name: 'New region' }).click();
    await clickAt(page, 120.2, 30.255);
    await clickAt(page, 120.26, 30.255);
    await clickAt(page, 120.22, 30.3); // the dent
    await clickAt(page, 120.26, 30.305);
    await clickAt(page, 120.2, 30.305);
    await expect(page.locator('#point-count').textContent()).resolves.toBe('5 points');
    await expect(inside(page).textContent()).resolves.toBe('1 store inside the outline');

    // Alt-click removes the dent: both stores are inside.
    await page.keyboard.down('Alt');
    await clickAt(page, 120.22, 30.3);
    await page.keyboard.up('Alt');
    await expect(page.locator('#point-count').textContent()).resolves.toBe('4 points');
    await expect(inside(page).textContent()).resolves.toBe('2 stores inside the outline');
    await page.getByRole('button', { name: 'Finish' }).click();

    // Dragging a corner in and back out again.
    await dragFrom(page, [120.26, 30.305], [120.235, 30.305]);
    await expect(inside(page).textContent()).resolves.toBe('1 store inside the outline');
    await dragFrom(page, [120.235, 30.305], [120.26, 30.305]);
    await expect(inside(page).textContent()).resolves.toBe('2 stores inside the outline');

    await page.getByLabel('Key').fill('riverside');
    await page.getByLabel('Name').fill('Riverside');
    await page.getByLabel('Unit').selectOption({ label: 'Qiantang area (hz-east)' });
    await page.getByRole('button', { name: 'Save region' }).click();
    await expect(page.locator('.flash').textContent()).resolves.toContain('Saved region Riverside: 2 stores moved.');
    await expect(page.locator('tr[data-key="riverside"] td.num').textContent()).resolves.toBe('2');

    const riverside = await cw.w.db.region.findUniqueOrThrow({ where: { key: 'riverside' } });
    const stores = await cw.w.db.store.findMany({ where: { regionId: riverside.id }, orderBy: { name: 'asc' } });
    expect(stores.map((s) => s.name)).toEqual(['River Side Grill', '钱塘茶馆']);
  });

  it('shows an overlapping outline refused on the page, with the drawing kept to fix', async () => {
    const page = browser.page();
    await signInPage(page, cw.url, cw.accounts.admin);
    await page.goto(`${cw.url}/console/regions`);
    await page.locator('#stores-shown', { hasText: 'stores on the map' }).waitFor();
    await page.getByRole('button', { name: 'New region' }).click();
    await clickAt(page, 120.15, 30.24); // inside West Lake
    await clickAt(page, 120.19, 30.24);
    await clickAt(page, 120.19, 30.28);
    await page.getByRole('button', { name: 'Finish' }).click();
    await page.getByLabel('Key').fill('overlap');
    await page.getByLabel('Name').fill('Overlap');
    await page.getByLabel('Unit').selectOption({ label: 'Hangzhou (hz)' });
    await page.getByRole('button', { name: 'Save region' }).click();
    await expect(page.locator('#outline-error').textContent()).resolves.toContain('Outline: overlaps region "West Lake (west)"');
    await expect(page.locator('#point-count').textContent()).resolves.toBe('3 points');
  });
});
