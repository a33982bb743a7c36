import { isDomainError } from '../domain/errors.ts';
import type { Reader } from '../i18n/index.ts';
import { errorText, t } from './i18n/index.ts';

/** The text for anything a listener could not do: a domain error in the user's words, else a generic line. */
export function failureText(reader: Reader, e: unknown): string {
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
    const text = t(reader, i.key, i.params ?? {});
    errors[block] = errors[block] ? `${errors[block]} ${text}` : text;
  }
  return errors;
}
