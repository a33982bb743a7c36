import { escapeHtml, Html } from '../web/html.ts';

// Slack's mrkdwn as Slack shows it, to HTML: *bold*, _italic_, ~strike~, `code`, ```preformatted```,
// > quotes, <url|links>, <@U…> mentions (as names), <#C…|channel>, <!here>, <!date^…|fallback>, and the
// three entities (&lt; &gt; &amp;). Every piece of text is escaped here; the only markup is ours.

export interface MrkdwnContext {
  /** Slack user id → the name to show for a mention. */
  userName(id: string): string | undefined;
}

const SAFE_URL = /^(https?:\/\/|mailto:|tel:)/i;

const decode = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** One `<…>` token of Slack's markup → HTML. */
function token(inner: string, ctx: MrkdwnContext): string {
  const bar = inner.indexOf('|');
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? inner.slice(bar + 1) : null;
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const name = label ?? ctx.userName(id) ?? id;
    return `<span class="sb-mention">@${escapeHtml(decode(name))}</span>`;
  }
  if (target.startsWith('#')) return `<span class="sb-mention">#${escapeHtml(decode(label ?? target.slice(1)))}</span>`;
  if (target.startsWith('!subteam^')) return `<span class="sb-mention">@${escapeHtml(decode(label ?? 'team'))}</span>`;
  if (target.startsWith('!date^')) return escapeHtml(decode(label ?? ''));
  if (target.startsWith('!')) return `<span class="sb-mention">@${escapeHtml(decode(label ?? target.slice(1)))}</span>`;
  const url = decode(target);
  const text = escapeHtml(decode(label ?? target));
  if (!SAFE_URL.test(url)) return text;
  return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${text}</a>`;
}

/** Bold, italic and strike over already escaped text (their markers survive escaping unchanged). */
function emphasis(s: string): string {
  const wrap = (marker: string, tag: string) => {
    const m = marker === '*' ? '\\*' : marker;
    const re = new RegExp(`(^|[^\\w${m}])${m}(?=\\S)([^${m}\\n]*?\\S)${m}(?![\\w${m}])`, 'g');
    return (x: string) => x.replace(re, (_all, before: string, body: string) => `${before}<${tag}>${body}</${tag}>`);
  };
  return wrap('~', 's')(wrap('_', 'em')(wrap('*', 'strong')(s)));
}

/** Text between code spans: tokens become placeholders so that emphasis can span a link. */
function prose(text: string, ctx: MrkdwnContext): string {
  const tokens: string[] = [];
  const marked = text.replace(/<([^<>\n]+)>/g, (_all, inner: string) => {
    tokens.push(token(inner, ctx));
    return `\u0000${tokens.length - 1}\u0000`;
  });
  const formatted = emphasis(escapeHtml(decode(marked)));
  return formatted.replace(/\u0000(\d+)\u0000/g, (_all, i: string) => tokens[Number(i)]!);
}

/** A run of lines without preformatted text: inline code, quotes, line breaks. */
function lines(text: string, ctx: MrkdwnContext): string {
  const out: string[] = [];
  let quote: string[] = [];
  const flush = () => {
    if (quote.length) out.push(`<blockquote>${quote.join('<br>')}</blockquote>`);
    quote = [];
  };
  const inline = (line: string) =>
    line
      .split(/(`[^`\n]+`)/)
      .map((part) => (/^`[^`\n]+`$/.test(part) ? `<code>${escapeHtml(decode(part.slice(1, -1)))}</code>` : prose(part, ctx)))
      .join('');
  const all = text.split('\n');
  all.forEach((line, i) => {
    const q = /^(>|&gt;)\s?(.*)$/.exec(line);
    if (q) {
      quote.push(inline(q[2]!));
      return;
    }
    flush();
    out.push(inline(line) + (i < all.length - 1 ? '<br>' : ''));
  });
  flush();
  return out.join('');
}

export function mrkdwn(text: string, ctx: MrkdwnContext): Html {
  const parts = text.split(/```/);
  // Even parts are prose, odd parts preformatted (an unclosed fence is shown as it was typed).
  if (parts.length % 2 === 0) return new Html(lines(text, ctx));
  return new Html(parts.map((p, i) => (i % 2 ? `<pre>${escapeHtml(decode(p.replace(/^\n/, '')))}</pre>` : lines(p, ctx))).join(''));
}

/** plain_text as Slack shows it (emoji shortcodes left as typed). */
export const plainText = (text: string): Html => new Html(escapeHtml(text).replace(/\n/g, '<br>'));
