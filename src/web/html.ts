// Server-rendered HTML. Every interpolated value is escaped unless it is already Html, so a store
// named `<script>` is shown as text wherever it appears.

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => entities[c]!);
}

function piece(v: unknown): string {
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(piece).join('');
  if (v === null || v === undefined || typeof v === 'boolean') return '';
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += piece(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/** Markup the code wrote itself (never user input). */
export const raw = (trusted: string): Html => new Html(trusted);

/** JSON for a `<script type="application/json">` block: `<` escaped so no value can close the tag. */
export const jsonForScript = (value: unknown): Html => new Html(JSON.stringify(value).replace(/</g, '\\u003c'));
