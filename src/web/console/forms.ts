import { html, type Html } from '../html.ts';

/**
 * A form field or query parameter as text: the value sent, the first one when it was sent several
 * times, '' when it is missing or not text (a JSON body's number or object).
 */
export function text(v: unknown): string {
  return typeof v === 'string' ? v : Array.isArray(v) ? text(v[0]) : '';
}

/** Every text value of a field that may be sent several times (checkboxes, a multiple select). */
export function list(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
}

let counter = 0;
const idFor = (name: string): string => `f-${name.replace(/[^A-Za-z0-9_-]/g, '_')}-${++counter % 100000}`;

export interface InputField {
  label: string;
  name: string;
  value?: string | number | null;
  type?: string;
  error?: string;
  required?: boolean;
  hint?: string;
  attrs?: Html;
}

/** A labelled input; its error (if any) below it, tied to it for screen readers. */
export function input(o: InputField): Html {
  const id = idFor(o.name);
  return html`<div class="field${o.error ? ' invalid' : ''}">
  <label for="${id}">${o.label}</label>
  <input id="${id}" name="${o.name}" type="${o.type ?? 'text'}" value="${o.value ?? ''}"${o.required ? html` required` : ''}${o.error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''} ${o.attrs ?? ''}>
  ${o.hint ? html`<small class="muted">${o.hint}</small>` : ''}
  ${o.error ? html`<span class="error" id="${id}-error">${o.error}</span>` : ''}
</div>`;
}

export interface SelectField {
  label: string;
  name: string;
  options: { value: string; label: string }[];
  value?: string | null;
  error?: string;
  hint?: string;
}

export function select(o: SelectField): Html {
  const id = idFor(o.name);
  return html`<div class="field${o.error ? ' invalid' : ''}">
  <label for="${id}">${o.label}</label>
  <select id="${id}" name="${o.name}"${o.error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>
    ${o.options.map((opt) => html`<option value="${opt.value}"${opt.value === (o.value ?? '') ? html` selected` : ''}>${opt.label}</option>`)}
  </select>
  ${o.hint ? html`<small class="muted">${o.hint}</small>` : ''}
  ${o.error ? html`<span class="error" id="${id}-error">${o.error}</span>` : ''}
</div>`;
}

export function errorSummary(summary?: string): Html {
  return summary ? html`<p class="error summary" role="alert">${summary}</p>` : html``;
}
