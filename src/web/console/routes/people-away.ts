// The person page's Away section: the period set (with End now), or a form to set one — for the
// person's admin or manager (the domain decides who may; a rep approves nothing and has no section).
import type { Request } from 'express';
import type { DomainError } from '../../../domain/errors.ts';
import { awayOf, delegateChoices } from '../../../domain/people/away.ts';
import { formatDate } from '../../../domain/time/zone.ts';
import { html, type Html } from '../../html.ts';
import { errorSummary, input, select, text } from '../forms.ts';
import { csrfField, formErrors, session, tr, type ConsoleDeps } from '../kit.ts';

export interface AwayValues {
  from: string;
  to: string;
  delegateId: string;
}

export const awayValuesOf = (body: Record<string, unknown> | undefined): AwayValues => ({ from: text(body?.from), to: text(body?.to), delegateId: text(body?.delegateId) });

/** The form's values as the domain's input: a delegate left unchosen is an id the domain refuses by field. */
export const awayInputOf = (personId: number, v: AwayValues) => ({ personId, from: v.from, to: v.to, delegateId: v.delegateId === '' ? Number.NaN : Number(v.delegateId) });

export async function awaySection(req: Request, cd: ConsoleDeps, person: { id: number; name: string; role: string; active: boolean }, failed?: { values: AwayValues; error: DomainError }): Promise<Html> {
  if (!person.active || person.role === 'rep') return html``;
  const { reader } = session(req);
  const now = cd.deps.clock.now();
  const current = await awayOf(cd.deps.db, person.id, now);
  const head = html`<h2>${tr(req, 'away.title')}</h2><p class="muted">${tr(req, 'away.explain', { name: person.name })}</p>`;
  if (current && !failed) {
    const params = { from: current.from, to: current.to, delegate: current.delegate.name };
    return html`<section class="card" id="away">
      ${head}
      <p id="away-current">${tr(req, current.started ? 'away.current' : 'away.planned', params)}</p>
      <form method="post" action="/console/people/${person.id}/away/end">
        ${csrfField(req)}
        <button type="submit" class="secondary">${tr(req, 'away.end')}</button>
      </form>
    </section>`;
  }
  const choices = await delegateChoices(cd.deps, session(req).actor, person.id);
  const errors = failed ? formErrors(req, failed.error) : { summary: '', fields: {} as Record<string, string> };
  const v = failed?.values ?? { from: formatDate(now, reader.timezone), to: '', delegateId: '' };
  return html`<section class="card" id="away">
    ${head}
    ${current ? '' : html`<p class="muted">${tr(req, 'away.none')}</p>`}
    <form method="post" action="/console/people/${person.id}/away" id="away-form">
      ${errorSummary(errors.summary)}
      ${csrfField(req)}
      ${input({ label: tr(req, 'away.from'), name: 'from', type: 'date', value: v.from, required: true, error: errors.fields.from })}
      ${input({ label: tr(req, 'away.to'), name: 'to', type: 'date', value: v.to, required: true, error: errors.fields.to })}
      ${select({
        label: tr(req, 'away.delegate'),
        name: 'delegateId',
        options: [{ value: '', label: tr(req, 'away.choose') }, ...choices.map((c) => ({ value: String(c.id), label: c.unitName ? `${c.name} (${c.unitName})` : c.name }))],
        value: v.delegateId,
        error: errors.fields.delegateId,
      })}
      <div class="actions"><button type="submit">${tr(req, 'away.submit')}</button></div>
    </form>
  </section>`;
}
