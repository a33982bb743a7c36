import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../../../src/domain/settings/settings.ts';
import { settingsState, updateSettings } from '../../../../src/domain/settings/update.ts';
import { rejection, worldPerTest, type World } from '../../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

const stateOf = async (key: string) => (await settingsState(w.db)).find((s) => s.key === key)!;

describe('changing settings', () => {
  it('is for admins only, and a refused change writes nothing', async () => {
    const e = await rejection(updateSettings(w.deps, w.people.mgrWest, { poolCap: 5 }));
    expect([e.code, e.key]).toEqual(['forbidden', 'settings.needs_admin']);
    expect((await loadSettings(w.db)).poolCap).toBe(100);
    expect(await w.db.auditLog.count({ where: { action: 'settings.update' } })).toBe(0);
  });

  it('writes the changed keys only and audits them before and after', async () => {
    const r = await updateSettings(w.deps, w.people.admin, { poolCap: 120, protectionDays: 30, workingDays: [1, 2, 3, 4, 5, 6] });
    expect(r.changed).toEqual(['poolCap', 'workingDays']);
    const s = await loadSettings(w.db);
    expect([s.poolCap, s.workingDays]).toEqual([120, [1, 2, 3, 4, 5, 6]]);
    const a = await w.db.auditLog.findFirstOrThrow({ where: { action: 'settings.update' } });
    expect(a.actorId).toBe(w.people.admin.id);
    expect(JSON.parse(a.before!)).toEqual({ poolCap: 100, workingDays: [1, 2, 3, 4, 5] });
    expect(JSON.parse(a.after!)).toEqual({ poolCap: 120, workingDays: [1, 2, 3, 4, 5, 6] });
    // Nothing new: no write, no audit row.
    expect((await updateSettings(w.deps, w.people.admin, { poolCap: 120 })).changed).toEqual([]);
    expect(await w.db.auditLog.count({ where: { action: 'settings.update' } })).toBe(1);
  });

  it('reports every bad value by key and writes none of the good ones', async () => {
    const e = await rejection(
      updateSettings(w.deps, w.people.admin, {
        poolCap: 50,
        reminderTimes: { digest: '25:00', dailyReport: '18:00', sweep: '02:00' },
        claimScope: 'planet',
        workingDays: [1, 1],
        tileUrl: 'javascript:alert(1)',
        timezone: 'Mars/Olympus',
        nonsense: true,
      }),
    );
    expect(e.code).toBe('invalid');
    const byPath = Object.fromEntries(e.issues.map((i) => [i.path, i.key]));
    expect(byPath).toMatchObject({
      'reminderTimes.digest': 'validation.time_hhmm',
      claimScope: 'validation.one_of',
      workingDays: 'validation.duplicates',
      tileUrl: 'settings.tile_url',
      timezone: 'settings.bad_timezone',
      '': 'validation.unknown_keys',
    });
    expect((await loadSettings(w.db)).poolCap).toBe(100);
  });

  it('checks the time zone and the rules between settings', async () => {
    const e = await rejection(
      updateSettings(w.deps, w.people.admin, { timezone: 'Mars/Olympus', gradeOrderDaysB: 5, protectionDays: 120, approvalEscalateHours: 24 }),
    );
    expect(e.issues.map((i) => [i.path, i.key])).toEqual([
      ['timezone', 'settings.bad_timezone'],
      ['gradeOrderDaysB', 'settings.grade_b_below_a'],
      ['protectionDays', 'settings.protection_over_max'],
      ['approvalEscalateHours', 'settings.escalate_before_reminder'],
    ]);
    await updateSettings(w.deps, w.people.admin, { timezone: 'Europe/Berlin', maxHoldDays: 150, protectionDays: 120 });
    expect(await loadSettings(w.db)).toMatchObject({ timezone: 'Europe/Berlin', protectionDays: 120, maxHoldDays: 150 });
  });

  it('tells a value that was set from a default, and a stored value that no longer validates is a default', async () => {
    expect(await stateOf('poolCap')).toEqual({ key: 'poolCap', value: 100, source: 'set' }); // examples/org.yaml sets it
    expect(await stateOf('tileUrl')).toEqual({ key: 'tileUrl', value: '', source: 'default' });
    await w.db.setting.create({ data: { key: 'approvalReminderHours', value: '"soon"' } });
    expect(await stateOf('approvalReminderHours')).toEqual({ key: 'approvalReminderHours', value: 24, source: 'default' });
  });
});
