import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleWorld, type ConsoleWorld } from '../support/console.ts';
import { signInPage, useBrowser } from '../support/browser.ts';

let cw: ConsoleWorld;
beforeAll(async () => {
  cw = await consoleWorld();
});
afterAll(async () => cw?.stop());

/** A unit's own box on the org page (not its sub-units'). */
const unitBox = (page: Page, key: string) => page.locator(`li[data-key="${key}"] > .unit`);

/** Submits a form and returns the status of the answer to its POST (the page then shows it). */
async function submit(page: Page, click: () => Promise<void>): Promise<number> {
  const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), click()]);
  await page.waitForLoadState();
  return res.status();
}

describe('org tree and people in a browser', () => {
  const browser = useBrowser();

  it('an admin builds a small org: creates a unit under West Lake, moves it, sets its lead', async () => {
    const page = browser.page();
    await signInPage(page, cw.url, cw.accounts.admin);
    await page.getByRole('link', { name: 'Org tree' }).click();
    await page.waitForURL(`${cw.url}/console/org`);

    const create = page.locator('#create-unit');
    await create.getByLabel('Key').fill('hz-west-t4');
    await create.getByLabel('Name').fill('Team 4');
    await create.getByLabel('Under').selectOption({ label: 'Hangzhou › West Lake area' });
    await create.getByRole('button', { name: 'Create unit' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toBe('Unit “Team 4” created.');
    await expect(page.locator('li[data-key="hz-west"] li[data-key="hz-west-t4"]').count()).resolves.toBe(1);

    const t4 = unitBox(page, 'hz-west-t4');
    await t4.getByText('Change Team 4').click();
    await t4.getByLabel('Move under').selectOption({ label: 'Hangzhou › West Lake area › Team 1' });
    await t4.getByRole('button', { name: 'Move' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toBe('“Team 4” moved.');
    await expect(page.locator('li[data-key="hz-west-t1"] li[data-key="hz-west-t4"]').count()).resolves.toBe(1);

    await unitBox(page, 'hz-west-t4').getByText('Change Team 4').click();
    await unitBox(page, 'hz-west-t4').getByLabel('Lead', { exact: true }).selectOption({ label: 'Han Meimei (supervisor)' });
    await unitBox(page, 'hz-west-t4').getByRole('button', { name: 'Set lead' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toBe('The lead of “Team 4” is set.');
    await expect(unitBox(page, 'hz-west-t4').locator('.unit-facts').textContent()).resolves.toMatch(/lead: Han Meimei\s*· people: 0\s*· regions: 0/);

    // The parent picker offers no move under the unit itself or its own sub-units.
    const west = unitBox(page, 'hz-west');
    await west.getByText('Change West Lake area').click();
    const offered = await west.getByLabel('Move under').locator('option').allTextContents();
    expect(offered).toEqual(['— top level —', 'Hangzhou', 'Hangzhou › Qiantang area', 'Hangzhou › Qiantang area › Team 3']);
    const t4unit = await cw.w.db.orgUnit.findUniqueOrThrow({ where: { key: 'hz-west-t4' } });
    expect([t4unit.parentId, t4unit.leadId]).toEqual([(await cw.w.db.orgUnit.findUniqueOrThrow({ where: { key: 'hz-west-t1' } })).id, cw.w.people.sup1.id]);
  });

  it('an admin deactivates a rep, handing their stores to another rep, and sees the count', async () => {
    const page = browser.page();
    await signInPage(page, cw.url, cw.accounts.admin);
    await page.getByRole('link', { name: 'People', exact: true }).click();
    await page.getByRole('link', { name: 'Li Lei' }).click();
    await expect(page.locator('#store-count').textContent()).resolves.toBe('1');

    const form = page.locator('#deactivate');
    await form.getByLabel('to a rep:').check();
    await form.getByLabel('Rep', { exact: true }).selectOption({ label: 'Sam Carter (Team 1)' });
    await form.getByRole('button', { name: 'Deactivate Li Lei' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toBe('Li Lei is deactivated: 1 store handed over, 0 approval steps moved.');
    await expect(page.locator('#store-count').textContent()).resolves.toBe('0');
    await expect(page.locator('#deactivate').count()).resolves.toBe(0);

    await page.getByRole('link', { name: '← All people' }).click();
    await page.getByRole('link', { name: 'Sam Carter' }).click();
    await expect(page.locator('#store-count').textContent()).resolves.toBe('2');
    expect((await cw.w.store('Sunny Cafe')).ownerId).toBe(cw.w.people.rep2.id);
  });

  it('a manager of West Lake is refused a person (404, no name) or a unit of Qiantang, and nothing changes', async () => {
    const page = browser.page();
    await signInPage(page, cw.url, cw.accounts.mgrWest);
    const rep4 = cw.w.people.rep4;
    const opened = await page.goto(`${cw.url}/console/people/${rep4.id}`);
    expect(opened?.status()).toBe(404);
    await expect(page.getByText('孙丽').count()).resolves.toBe(0);

    // The org page shows only West Lake; a form pointed at a Qiantang unit (a tampered page) is refused.
    await page.goto(`${cw.url}/console/org`);
    await expect(page.getByText('Qiantang area').count()).resolves.toBe(0);
    const eastTeam = await cw.w.db.orgUnit.findUniqueOrThrow({ where: { key: 'hz-east-t1' } });
    const t1 = unitBox(page, 'hz-west-t1');
    await t1.getByText('Change Team 1').click();
    const rename = t1.locator('form[data-form="rename"]');
    await rename.evaluate((f, id) => f.setAttribute('action', `/console/org/units/${id}/rename`), eastTeam.id);
    await rename.getByLabel('Name').fill('Taken over');
    expect(await submit(page, () => rename.getByRole('button', { name: 'Rename' }).click())).toBe(404);
    await expect(page.getByText('Team 3').count()).resolves.toBe(0);
    expect((await cw.w.db.orgUnit.findUniqueOrThrow({ where: { id: eastTeam.id } })).name).toBe('Team 3');

    // Editing a person of Qiantang through a tampered form of a West Lake person is refused too.
    await page.goto(`${cw.url}/console/people/${cw.w.people.rep3.id}`);
    const edit = page.locator('#edit-person');
    await edit.evaluate((f, id) => f.setAttribute('action', `/console/people/${id}`), rep4.id);
    expect(await submit(page, () => edit.getByRole('button', { name: 'Save' }).click())).toBe(404);
    await expect(page.getByText('孙丽').count()).resolves.toBe(0);
    expect((await cw.w.db.person.findUniqueOrThrow({ where: { id: rep4.id } })).name).toBe('孙丽');
  });
});
