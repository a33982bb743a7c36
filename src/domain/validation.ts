import type { z } from 'zod';
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
