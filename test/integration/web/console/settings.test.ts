import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../../../src/domain/settings/settings.ts';
import { consoleWorld, type ConsoleClient, type ConsoleWorld } from '../../../support/console.ts';

let cw: ConsoleWorld;
let admin: ConsoleClient;
let mgrWest: ConsoleClient;
beforeAll(async () => {
  cw = await consoleWorld();
  admin = await cw.as('admin');
  mgrWest = await cw.as('mgrWest');
});
afterAll(async () => cw?.stop());

const settings = () => loadSettings(cw.w.db);

/** Every field of the form as the page shows it (what a browser would post back untouched). */
function formOf(page: string): Record<string, string | string[]> {
  const form = page.slice(page.indexOf('action="/console/settings"'), page.indexOf('</form>', page.indexOf('action="/console/settings"')));
  const fields: Record<string, string | string[]> = {};
  for (const m of form.matchAll(/<input[^>]*?name="([^"]+)"[^>]*>/g)) {
    const tag = m[0];
    const name = m[1]!;
    if (name === '_csrf') continue;
    const value = /value="([^"]*)"/.exec(tag)?.[1] ?? '';
    if (/type="checkbox"/.test(tag)) {
      if (/ checked/.test(tag)) fields[name] = [...((fields[name] as string[] | undefined) ?? []), value];
    } else fields[name] = value.replace(/&amp;/g, '&').replace(/&quot;/g, '"');
  }
  for (const m of form.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    fields[m[1]!] = /<option value="([^"]*)" selected>/.exec(m[2]!)?.[1] ?? '';
  }
  return fields;
}

describe('GET /console/settings', () => {
  it('sends a signed-out visitor to sign in and refuses a manager', async () => {
    const out = await cw.client().get('/console/settings');
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toMatch(/^\/console\/sign-in/);
    expect((await mgrWest.get('/console/settings')).status).toBe(403);
  });

  it('shows every setting with its value in effect, marking defaults', async () => {
    const page = await admin.get('/console/settings');
    expect(page.status).toBe(200);
    const f = formOf(page.text);
    expect(f).toMatchObject({
      poolCap: '100',
      protectionDays: '30',
      claimScope: 'team',
      returnWarningDays: '3, 1',
      'approvalThresholds.report': '50000.00',
      'reminderTimes.digest': '08:30',
      timezone: 'Asia/Shanghai',
      workingDays: ['1', '2', '3', '4', '5'],
      tileUrl: '',
    });
    // examples/org.yaml sets the pool cap; the grade thresholds are defaults.
    expect(page.text).toMatch(/name="poolCap"[\s\S]*?in use: 100<\/small>/);
    expect(page.text).toMatch(/name="gradeOrderDaysA"[\s\S]*?in use: 7 \(default\)<\/small>/);
    expect(page.text).toMatch(/name="tileUrl"[\s\S]*?in use: none \(default\)<\/small>/);
  });
});

describe('POST /console/settings', () => {
  it('is refused signed out, without the CSRF token, and for a manager, writing nothing', async () => {
    const before = await settings();
    expect((await cw.client().post('/console/settings', { poolCap: '5' }, { csrf: false })).status).toBe(401);
    expect((await admin.post('/console/settings', { poolCap: '5' }, { csrf: false })).status).toBe(403);
    expect((await mgrWest.post('/console/settings', { poolCap: '5' })).status).toBe(403);
    expect(await settings()).toEqual(before);
  });

  it('saves the form, with thresholds in yuan and working days as checkboxes, and audits the change', async () => {
    const f = formOf((await admin.get('/console/settings')).text);
    const res = await admin.post('/console/settings', {
      ...f,
      poolCap: '80',
      'approvalThresholds.sign': '1234.5',
      workingDays: ['1', '2', '3', '4', '5', '6'],
      returnWarningDays: '5，2, 1',
      timezone: 'Europe/Berlin',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/settings');
    const s = await settings();
    expect(s).toMatchObject({ poolCap: 80, workingDays: [1, 2, 3, 4, 5, 6], returnWarningDays: [5, 2, 1], timezone: 'Europe/Berlin' });
    expect(s.approvalThresholds).toEqual({ report: 5_000_000, sign: 123_450, terminate: 5_000_000 });
    const page = await admin.get('/console/settings');
    expect(page.text).toContain('Settings saved (5 changed).');
    expect(page.text).toMatch(/name="approvalThresholds.sign"[\s\S]*?in use: 1234.50<\/small>/);
    const audit = await cw.w.db.auditLog.findFirstOrThrow({ where: { action: 'settings.update' }, orderBy: { id: 'desc' } });
    expect(JSON.parse(audit.before!)).toMatchObject({ poolCap: 100, timezone: 'Asia/Shanghai' });
    // The same form again changes nothing.
    const again = await admin.post('/console/settings', formOf(page.text));
    expect(again.status).toBe(303);
    expect((await admin.get('/console/settings')).text).toContain('Nothing changed.');
    await admin.post('/console/settings', { timezone: 'Asia/Shanghai' });
  });

  it('shows each bad value beside its field (422), keeps what was typed escaped, and writes none', async () => {
    const before = await settings();
    const f = formOf((await admin.get('/console/settings')).text);
    const res = await admin.post('/console/settings', {
      ...f,
      poolCap: '80',
      protectionDays: '',
      timezone: '<script>alert(1)</script>',
      'reminderTimes.digest': '25:99',
      'approvalThresholds.report': 'lots',
      workingDays: [],
      gradeOrderDaysB: '3',
      tileUrl: 'javascript:alert(1)',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Please correct the marked fields.');
    const errorAfter = (name: string, message: string) =>
      expect(res.text).toMatch(new RegExp(`name="${name.replace('.', '\\.')}"[^>]*>[\\s\\S]*?<span class="error"[^>]*>${message}`));
    errorAfter('protectionDays', 'must be a number');
    errorAfter('reminderTimes.digest', 'must be a time as HH:MM');
    errorAfter('approvalThresholds.report', 'must be a number');
    errorAfter('tileUrl', 'must be empty or an http\\(s\\) tile address');
    expect(res.text).toMatch(/id="working-days"[\s\S]*?<span class="error">must be at least 1<\/span>/);
    expect(res.text).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(await settings()).toEqual(before);

    const zone = await admin.post('/console/settings', { ...f, timezone: 'Mars/Olympus', gradeOrderDaysB: '3' });
    expect(zone.status).toBe(422);
    expect(zone.text).toContain('unknown time zone &quot;Mars/Olympus&quot;');
    expect(zone.text).toContain('must be at least the grade A days (7)');
    expect(await settings()).toEqual(before);
  });
});
