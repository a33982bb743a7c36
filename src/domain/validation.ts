import { z } from 'zod';
import { InvalidInputError, type Issue } from './errors.ts';

const wrongType: Record<string, string> = {
  array: 'validation.expected_list',
  string: 'validation.expected_text',
  number: 'validation.expected_number',
  int: 'validation.expected_number',
  boolean: 'validation.expected_boolean',
  date: 'validation.expected_date',
  object: 'validation.expected_object',
};

/** zod path → `people[3].unit` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => {
    if (typeof part === 'number') return `${acc}[${part}]`;
    return acc ? `${acc}.${String(part)}` : String(part);
  }, '');
}

export function issuesFromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): Issue[] {
  return error.issues.map((i) => {
    const params: Record<string, string | number> = {};
    let key = 'validation.invalid';
    if (i.code === 'too_small') {
      key = i.origin === 'string' ? (Number(i.minimum) <= 1 ? 'validation.required' : 'validation.too_short') : 'validation.too_small';
      params.min = Number(i.minimum);
    } else if (i.code === 'too_big') {
      key = i.origin === 'string' ? 'validation.too_long' : 'validation.too_big';
      params.max = Number(i.maximum);
    } else if (i.code === 'invalid_type') {
      // zod 4 does not keep the input; its message says what it received.
      const missing = /received undefined/.test(i.message);
      key = missing ? 'validation.required' : (wrongType[String(i.expected)] ?? 'validation.invalid');
    } else if (i.code === 'invalid_value') {
      key = 'validation.one_of';
      params.values = i.values.map(String).join(', ');
    } else if (i.code === 'custom' && typeof i.params?.key === 'string') {
      key = i.params.key;
      Object.assign(params, i.params.values ?? {});
    } else if (i.code === 'unrecognized_keys') {
      key = 'validation.unknown_keys';
      params.keys = i.keys.join(', ');
    } else if (/^[a-z]+(\.[a-z_]+)+$/.test(i.message)) {
      key = i.message; // a schema's own message key (`.regex(re, 'validation.time_hhmm')`)
    }
    return { path: formatPath([...prefix, ...i.path]), key, params };
  });
}

/** Parses input or throws InvalidInputError listing every problem by path. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = issuesFromZod(result.error);
  const first = issues[0]!;
  throw new InvalidInputError('validation.failed', { field: first.path, count: issues.length }, issues);
}

// Control characters (C0, DEL, C1) and the bidirectional embeddings, overrides and isolates
// (U+202A–U+202E, U+2066–U+2069) make a name or an identifier look like another one (`SO-1001` with a
// hidden NUL, `invoice‮fdp.exe`), break CSV and logs, and reach Slack and the console as they are.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
/** In a multi-line text: line breaks and tabs are what make it multi-line; the rest is refused alike. */
const CONTROLS_MULTILINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

/** True when a text holds none of the characters `plainText` refuses. */
export const isPlainText = (s: string, opts: { multiline?: boolean } = {}): boolean => !(opts.multiline ? CONTROLS_MULTILINE : CONTROLS).test(s);

/**
 * A name or an identifier: the string schema given, refusing control characters and bidirectional
 * overrides (`validation.control_chars`). `multiline` lets line breaks (CR, LF, U+2028/9) and tabs
 * through, for the notes and summaries people type on several lines. Every name and identifier schema
 * of the domain goes through this.
 */
export function plainText(schema: z.ZodString = z.string(), opts: { multiline?: boolean } = {}): z.ZodString {
  return schema.refine((s) => isPlainText(s, opts), { params: { key: 'validation.control_chars' } });
}
