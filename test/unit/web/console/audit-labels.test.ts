import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decisions, flows } from '../../../../src/domain/approvals/flows.ts';
import { actionLabel, auditDiff, entityLabel } from '../../../../src/web/console/routes/audit-view.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every action the code writes to the audit log: literals, both sides of a choice, and the templated ones expanded. */
function auditActions(): Set<string> {
  const found = new Set<string>();
  const code = /'([a-z_]+\.[a-z_.]+)'/.source;
  for (const file of [...sources('src/domain'), ...sources('src/jobs')]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(new RegExp(`action: (?:[^,'\`]*\\? )?${code}(?: : ${code})?`, 'g'))) [m[1], m[2]].forEach((a) => a && found.add(a));
    for (const m of text.matchAll(new RegExp(`log\\((?:existing \\? )?${code}(?: : ${code})?`, 'g'))) [m[1], m[2]].forEach((a) => a && found.add(a));
    for (const m of text.matchAll(new RegExp(`col\\('action', 'text'\\), value: ${code}`, 'g'))) found.add(m[1]!);
  }
  for (const f of flows) found.add(`approval.${f}.submit`);
  for (const d of decisions) found.add(`approval.${d}`);
  for (const o of ['won', 'lost']) found.add(`opportunity.${o}`);
  for (const a of ['claim', 'assign', 'transfer', 'handover', 'release', 'auto_return']) found.add(`store.${a}`);
  return found;
}

const en = { locale: 'en' as const, timezone: 'UTC' };
const zh = { locale: 'zh-CN' as const, timezone: 'UTC' };

describe('the audit log’s words', () => {
  it('name every action the code writes, in both languages', () => {
    const actions = auditActions();
    expect(actions.size).toBeGreaterThan(50);
    expect([...actions].filter((a) => !actionLabel(en, a) || !actionLabel(zh, a))).toEqual([]);
    expect(actionLabel(en, 'visit.log')).toBe('Logged a visit');
    expect(actionLabel(zh, 'visit.log')).toBe('登记拜访');
    expect(actionLabel(en, 'made.up')).toBeNull();
  });

  it('name every entity', () => {
    for (const e of ['store', 'contact', 'visit', 'followup', 'opportunity', 'order', 'order_import', 'approval', 'unit', 'region', 'person', 'settings', 'api_token', 'job']) {
      expect(entityLabel(zh, e), e).not.toBeNull();
    }
  });

  it('diffs only what changed, hides the search keys, keeps a value it cannot name as it is', () => {
    const lines = auditDiff(en, 'Asia/Shanghai', 'store', JSON.stringify({ name: 'Old', nameKey: 'old', phone: '1', extra: [1, 2] }), JSON.stringify({ name: 'New', nameKey: 'new', phone: '1', extra: [1, 2], oddField: 'x' }));
    expect(lines).toEqual([
      { field: 'name', label: 'Name', before: 'Old', after: 'New' },
      { field: 'oddField', label: 'oddField', after: 'x' },
    ]);
    // A settings change names the setting as the settings page does.
    expect(auditDiff(zh, 'UTC', 'settings', '{"poolCap":100}', '{"poolCap":90}')[0]).toMatchObject({ before: '100', after: '90' });
    expect(auditDiff(en, 'UTC', 'settings', '{"poolCap":100}', '{"poolCap":90}')[0]!.label).toBe('Private pool cap');
    // Unreadable JSON is shown as it is.
    expect(auditDiff(en, 'UTC', 'store', null, 'not json')).toEqual([{ field: 'value', label: 'Value', after: 'not json' }]);
  });
});
