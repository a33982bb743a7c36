import { inTransaction, type Db } from '../../db/client.ts';
import { audit } from '../audit/audit.ts';
import type { Deps } from '../deps.ts';
import { ForbiddenError, InvalidInputError, type Issue } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { assertActive } from '../org/scope.ts';
import { isValidTimeZone } from '../time/zone.ts';
import { issuesFromZod } from '../validation.ts';
import { loadSettings, settingKeys, settingsPatchSchema, settingsSchema, writeSettings, type Settings } from './settings.ts';

export interface SettingState<K extends keyof Settings = keyof Settings> {
  key: K;
  /** What the app uses now. */
  value: Settings[K];
  /** 'default': never set, or the stored value no longer validates and the default applies. */
  source: 'set' | 'default';
}

/** Every setting with the value in effect and where it comes from, for the settings page. */
export async function settingsState(db: Db): Promise<SettingState[]> {
  const [effective, rows] = await Promise.all([loadSettings(db), db.setting.findMany()]);
  const stored = new Map(rows.map((r) => [r.key, r.value]));
  return settingKeys.map((key) => {
    const raw = stored.get(key);
    let set = false;
    if (raw !== undefined) {
      try {
        set = settingsSchema.shape[key].safeParse(JSON.parse(raw)).success;
      } catch {
        set = false;
      }
    }
    return { key, value: effective[key], source: set ? 'set' : 'default' };
  });
}

/** Rules between settings that each key's own schema cannot see. */
function crossChecks(s: Settings, patch: Partial<Settings>): Issue[] {
  const issues: Issue[] = [];
  const touched = (...keys: (keyof Settings)[]) => keys.some((k) => k in patch);
  if (patch.timezone !== undefined && !isValidTimeZone(patch.timezone)) {
    issues.push({ path: 'timezone', key: 'settings.bad_timezone', params: { value: patch.timezone } });
  }
  if (touched('gradeOrderDaysA', 'gradeOrderDaysB') && s.gradeOrderDaysB < s.gradeOrderDaysA) {
    issues.push({ path: 'gradeOrderDaysB', key: 'settings.grade_b_below_a', params: { a: s.gradeOrderDaysA } });
  }
  if (touched('protectionDays', 'maxHoldDays') && s.protectionDays > s.maxHoldDays) {
    issues.push({ path: 'protectionDays', key: 'settings.protection_over_max', params: { max: s.maxHoldDays } });
  }
  if (touched('approvalReminderHours', 'approvalEscalateHours') && s.approvalEscalateHours <= s.approvalReminderHours) {
    issues.push({ path: 'approvalEscalateHours', key: 'settings.escalate_before_reminder', params: { hours: s.approvalReminderHours } });
  }
  return issues;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Changes some settings (admins only). Keys left out stay as they are; every problem is reported by
 * key and nothing is written unless all are good. The audit row holds the changed keys before and after.
 */
export async function updateSettings(deps: Deps, actor: Actor, patch: unknown): Promise<{ changed: (keyof Settings)[]; settings: Settings }> {
  assertActive(actor);
  if (actor.role !== 'admin') throw new ForbiddenError('settings.needs_admin');
  const parsed = settingsPatchSchema.safeParse(patch);
  if (!parsed.success) {
    // Every problem at once: a bad time zone is reported beside the other fields' problems.
    const issues = issuesFromZod(parsed.error);
    const tz = (patch as { timezone?: unknown } | null)?.timezone;
    if (typeof tz === 'string' && !issues.some((i) => i.path === 'timezone') && !isValidTimeZone(tz)) issues.push({ path: 'timezone', key: 'settings.bad_timezone', params: { value: tz } });
    throw new InvalidInputError('validation.failed', { field: issues[0]!.path, count: issues.length }, issues);
  }
  const v = parsed.data as Partial<Settings>;
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const current = await loadSettings(tx);
    const next = { ...current, ...Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) } as Settings;
    const issues = crossChecks(next, v);
    if (issues.length) throw new InvalidInputError('validation.failed', { field: issues[0]!.path, count: issues.length }, issues);
    const changed = settingKeys.filter((k) => k in v && v[k] !== undefined && !same(current[k], next[k]));
    if (changed.length === 0) return { changed, settings: current };
    await writeSettings(tx, Object.fromEntries(changed.map((k) => [k, next[k]])) as Partial<Settings>);
    await audit(tx, {
      actorId: actor.id,
      action: 'settings.update',
      entity: 'settings',
      entityId: 'all',
      before: Object.fromEntries(changed.map((k) => [k, current[k]])),
      after: Object.fromEntries(changed.map((k) => [k, next[k]])),
      at: now,
    });
    return { changed, settings: next };
  });
}
