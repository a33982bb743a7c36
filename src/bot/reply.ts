import { isDomainError, type MessageParams } from '../domain/errors.ts';
import { t as domainText, type Reader } from '../i18n/index.ts';
import { esc } from './blocks/kit.ts';
import { errorText, t } from './i18n/index.ts';

/** A domain error's parameters with Slack's markup characters escaped: names and typed text come from people. */
function escapedParams(params: MessageParams | undefined): MessageParams {
  return Object.fromEntries(Object.entries(params ?? {}).map(([k, v]) => [k, typeof v === 'string' ? esc(v) : v]));
}

/**
 * The text for anything a listener could not do, for a message (mrkdwn): a domain error in the user's
 * words with whatever it quotes escaped, else a generic line.
 */
export function failureText(reader: Reader, e: unknown): string {
  if (isDomainError(e)) return errorText(reader, { key: e.key, params: escapedParams(e.params), issues: e.issues.map((i) => ({ ...i, path: esc(i.path), params: escapedParams(i.params) })) });
  console.error(e);
  return t(reader, 'common.error');
}

/** The same for plain text (a modal's inline error under an input), where nothing is markup. */
export function failurePlain(reader: Reader, e: unknown): string {
  if (isDomainError(e)) return errorText(reader, e);
  console.error(e);
  return t(reader, 'common.error');
}

/**
 * Domain issues as a modal's inline errors: each issue path names an input block; issues without a
 * block of their own go under `fallbackBlock`.
 */
export function modalErrors(reader: Reader, e: unknown, blockIds: string[], fallbackBlock: string): Record<string, string> | null {
  if (!isDomainError(e) || (e.code !== 'invalid' && e.code !== 'limit_reached' && e.code !== 'conflict')) return null;
  const errors: Record<string, string> = {};
  const issues = e.issues.length ? e.issues : [{ path: '', key: e.key, params: e.params }];
  for (const i of issues) {
    const block = blockIds.includes(i.path) ? i.path : fallbackBlock;
    const text = domainText(reader, i.key, i.params ?? {});
    errors[block] = errors[block] ? `${errors[block]} ${text}` : text;
  }
  return errors;
}
