import type { Request, Response } from 'express';
import { isDomainError, type DomainError } from '../../../domain/errors.ts';
import { parseYuan } from '../../../domain/orders/order-import.ts';
import type { Settings } from '../../../domain/settings/settings.ts';
import { settingsState, updateSettings, type SettingState } from '../../../domain/settings/update.ts';
import { formatMoney } from '../../../i18n/money.ts';
import type { Locale } from '../../../i18n/index.ts';
import { html, type Html } from '../../html.ts';
import { errorSummary, input, list, select, text } from '../forms.ts';
import { csrfField, formErrors, handler, redirectWith, render, requireAdmin, session, tr, trCode, type ConsoleDeps, type RouteModule } from '../kit.ts';

// Settings (admins): one form with every setting, each showing the value in effect and whether it
// is the default. Amounts are entered in yuan and stored in fen.

/** '' is not a number: the domain says "must be a number" rather than keeping the old value. */
const num = (v: unknown): number => (text(v).trim() === '' ? Number.NaN : Number(text(v).trim()));
const fen = (v: unknown): number => parseYuan(text(v)) ?? Number.NaN;

const flows = ['report', 'sign', 'terminate'] as const;
const times = ['digest', 'dailyReport', 'sweep'] as const;
const numberKeys = [
  'poolCap',
  'protectionDays',
  'visitExtendsDays',
  'maxHoldDays',
  'reclaimCooldownDays',
  'gradeOrderDaysA',
  'gradeOrderDaysB',
  'gradeVisitDaysC',
  'approvalReminderHours',
  'approvalEscalateHours',
] as const satisfies readonly (keyof Settings)[];

/** The form as a settings patch: only the keys the form holds (a partial post changes only those). */
function patchFromForm(body: Record<string, unknown>): Record<string, unknown> {
  const has = (name: string) => name in body;
  const patch: Record<string, unknown> = {};
  for (const k of numberKeys) if (has(k)) patch[k] = num(body[k]);
  if (has('timezone')) patch.timezone = text(body.timezone).trim();
  if (has('claimScope')) patch.claimScope = text(body.claimScope);
  if (has('tileUrl')) patch.tileUrl = text(body.tileUrl).trim();
  if (has('returnWarningDays')) {
    patch.returnWarningDays = text(body.returnWarningDays)
      .split(/[\s,，、;]+/)
      .filter(Boolean)
      .map(Number);
  }
  if (flows.some((f) => has(`approvalThresholds.${f}`))) patch.approvalThresholds = Object.fromEntries(flows.map((f) => [f, fen(body[`approvalThresholds.${f}`])]));
  if (times.some((t) => has(`reminderTimes.${t}`))) patch.reminderTimes = Object.fromEntries(times.map((t) => [t, text(body[`reminderTimes.${t}`]).trim()]));
  // Unticked checkboxes send nothing: the hidden marker says the form had them.
  if (has('workingDays_shown')) patch.workingDays = list(body.workingDays).map(Number);
  return patch;
}

/** The form's values from the settings in effect (what an untouched form shows); amounts as they are typed. */
function formValues(s: Settings, locale: Locale): Record<string, string | string[]> {
  const v: Record<string, string | string[]> = {};
  for (const k of numberKeys) v[k] = String(s[k]);
  v.timezone = s.timezone;
  v.claimScope = s.claimScope;
  v.tileUrl = s.tileUrl;
  v.returnWarningDays = s.returnWarningDays.join(', ');
  for (const f of flows) v[`approvalThresholds.${f}`] = formatMoney(s.approvalThresholds[f], locale, { grouping: false });
  for (const t of times) v[`reminderTimes.${t}`] = s.reminderTimes[t];
  v.workingDays = s.workingDays.map(String);
  return v;
}

/** The error of a field, also for issues below it (`returnWarningDays[1]`, `workingDays[0]`). */
function errorOf(fields: Record<string, string>, name: string): string | undefined {
  if (fields[name]) return fields[name];
  const key = Object.keys(fields).find((k) => k.startsWith(`${name}[`) || k.startsWith(`${name}.`));
  return key ? fields[key] : undefined;
}

async function page(req: Request, res: Response, cd: ConsoleDeps, failed?: { error: DomainError; values: Record<string, string | string[]> }): Promise<void> {
  requireAdmin(req);
  const states = await settingsState(cd.deps.db);
  const state = Object.fromEntries(states.map((s) => [s.key, s])) as { [K in keyof Settings]: SettingState<K> };
  const effective = Object.fromEntries(states.map((s) => [s.key, s.value])) as Settings;
  const shown = formValues(effective, session(req).reader.locale);
  const values = failed?.values ?? shown;
  const errors = failed ? formErrors(req, failed.error) : { summary: '', fields: {} as Record<string, string> };
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
  /** "In use: 30 (default)" */
  const inUse = (key: keyof Settings, shownValue: string) =>
    tr(req, state[key].source === 'default' ? 'settings.in_use_default' : 'settings.in_use', { value: shownValue === '' ? tr(req, 'settings.empty') : shownValue });
  const hintFor = (key: keyof Settings, name: string, shownValue: string) => {
    const help = trCode(req, 'settings.help.', name);
    return `${help} · ${inUse(key, shownValue)}`;
  };
  const numberField = (key: (typeof numberKeys)[number]) =>
    input({ label: tr(req, `settings.field.${key}`), name: key, type: 'number', value: one(values[key]), error: errorOf(errors.fields, key), hint: hintFor(key, key, one(shown[key])), attrs: html`step="1"` });
  const textField = (key: keyof Settings, name: string, type = 'text', attrs?: Html) =>
    input({ label: trCode(req, 'settings.field.', name), name, type, value: one(values[name]), error: errorOf(errors.fields, name), hint: hintFor(key, name, one(shown[name])), attrs });
  const days = new Set(Array.isArray(values.workingDays) ? values.workingDays : [values.workingDays ?? '']);
  const dayNames = effective.workingDays.map((d) => trCode(req, 'settings.weekday.', String(d))).join(', ');
  const workingDaysError = errorOf(errors.fields, 'workingDays');

  render(req, res, {
    title: tr(req, 'settings.title'),
    status: failed ? 422 : 200,
    body: html`<h1>${tr(req, 'settings.title')}</h1>
      <p class="muted">${tr(req, 'settings.intro')}</p>
      <form method="post" action="/console/settings" class="card settings">
        ${csrfField(req)}
        ${errorSummary(errors.summary)}
        <fieldset><legend>${tr(req, 'settings.group.pool')}</legend>
          ${numberField('poolCap')}${numberField('protectionDays')}${numberField('visitExtendsDays')}${numberField('maxHoldDays')}${numberField('reclaimCooldownDays')}
          ${select({
            label: tr(req, 'settings.field.claimScope'),
            name: 'claimScope',
            options: (['team', 'citywide'] as const).map((v) => ({ value: v, label: tr(req, `settings.claim_scope.${v}`) })),
            value: one(values.claimScope),
            error: errorOf(errors.fields, 'claimScope'),
            hint: hintFor('claimScope', 'claimScope', tr(req, `settings.claim_scope.${effective.claimScope}`)),
          })}
          ${textField('returnWarningDays', 'returnWarningDays')}
        </fieldset>
        <fieldset><legend>${tr(req, 'settings.group.grades')}</legend>
          ${numberField('gradeOrderDaysA')}${numberField('gradeOrderDaysB')}${numberField('gradeVisitDaysC')}
        </fieldset>
        <fieldset><legend>${tr(req, 'settings.group.approvals')}</legend>
          ${flows.map((f) => textField('approvalThresholds', `approvalThresholds.${f}`, 'text', html`inputmode="decimal"`))}
          ${numberField('approvalReminderHours')}${numberField('approvalEscalateHours')}
        </fieldset>
        <fieldset><legend>${tr(req, 'settings.group.schedule')}</legend>
          ${textField('timezone', 'timezone')}
          ${times.map((t) => textField('reminderTimes', `reminderTimes.${t}`, 'time'))}
          <fieldset class="field${workingDaysError ? ' invalid' : ''}" id="working-days">
            <legend>${tr(req, 'settings.field.workingDays')}</legend>
            <input type="hidden" name="workingDays_shown" value="1">
            ${[1, 2, 3, 4, 5, 6, 7].map(
              (d) => html`<label class="day"><input type="checkbox" name="workingDays" value="${d}"${days.has(String(d)) ? html` checked` : ''}> ${trCode(req, 'settings.weekday.', String(d))}</label> `,
            )}
            <small class="muted">${hintFor('workingDays', 'workingDays', dayNames)}</small>
            ${workingDaysError ? html`<span class="error">${workingDaysError}</span>` : ''}
          </fieldset>
        </fieldset>
        <fieldset><legend>${tr(req, 'settings.group.map')}</legend>
          ${textField('tileUrl', 'tileUrl', 'url')}
        </fieldset>
        <div class="actions"><button type="submit">${tr(req, 'settings.save')}</button></div>
      </form>`,
  });
}

/** The submitted form as it was typed, to show again beside its errors. */
function typed(body: Record<string, unknown>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(body)) if (k !== '_csrf') out[k] = Array.isArray(v) ? v.map(text) : text(v);
  if (!('workingDays' in out)) out.workingDays = [];
  return out;
}

export const settingsRoutes: RouteModule = (router, cd) => {
  router.get('/settings', handler((req, res) => page(req, res, cd)));

  router.post(
    '/settings',
    handler(async (req, res) => {
      requireAdmin(req);
      const body = (req.body ?? {}) as Record<string, unknown>;
      try {
        const r = await updateSettings(cd.deps, session(req).actor, patchFromForm(body));
        redirectWith(res, '/console/settings', r.changed.length ? tr(req, 'settings.saved', { count: r.changed.length }) : tr(req, 'settings.unchanged'));
      } catch (e) {
        if (!(isDomainError(e) && e.code === 'invalid')) throw e;
        await page(req, res, cd, { error: e, values: typed(body) });
      }
    }),
  );
};
