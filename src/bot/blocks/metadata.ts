import { limits } from './kit.ts';

// What a modal carries in its private_metadata (and a button in its value) comes back with the
// submission: it is read again as untrusted input (a forged request may send anything). One codec for
// every form: each field says how it is read back and whether it fits to be written; a field that does
// not fit is left out (the form still works without it) rather than overflowing Slack's 3000
// characters.

/** One field: read back from what came (undefined: absent or not valid), and whether a value fits to be written. */
export interface Field<T> {
  read(v: unknown): T | undefined;
  fits?(v: T): boolean;
  /** Written and read only together with this other field (a flag about a response_url). */
  with?: string;
}

/** A positive whole number: an id. */
export const idField: Field<number> = { read: (v) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined) };

/** A response_url: http(s) only; a long one (none is) is left out. */
export const urlField: Field<string> = { read: (v) => (typeof v === 'string' && /^https?:\/\//.test(v) ? v : undefined), fits: (v) => v.length <= 1000 };

/** A view id (the modal under a form). */
export const viewIdField: Field<string> = { read: (v) => (typeof v === 'string' ? v : undefined), fits: (v) => v.length <= 100 };

/** A flag that is 1 when set, kept only with the field it qualifies. */
export const flagWith = (other: string): Field<1> => ({ read: (v) => (v === 1 ? 1 : undefined), with: other });

/** One of a fixed list of codes. */
export const oneOf = <T extends string>(values: readonly T[]): Field<T> => ({ read: (v) => (values as readonly unknown[]).includes(v) ? (v as T) : undefined });

/** A non-empty text of at most `max` characters. */
export const textField = (max: number): Field<string> => ({ read: (v) => (typeof v === 'string' && v && v.length <= max ? v : undefined), fits: (v) => v.length > 0 && v.length <= max });

type Fields<M> = { [K in keyof M]-?: Field<NonNullable<M[K]>> };

interface Codec<M> {
  encode(m: M): string;
  /** null when the text is not this form's metadata (or a required field is missing). */
  decode(raw: unknown): M | null;
}

/**
 * A codec for metadata `M`: `required` fields must come back valid, the others are kept when they
 * do. Written in the order of `fields`.
 */
export function metadataCodec<M extends object>(fields: Fields<M>, required: readonly (keyof M)[]): Codec<M> {
  const entries = Object.entries(fields) as [string, Field<unknown>][];
  return {
    encode(m) {
      const out: Record<string, unknown> = {};
      for (const [k, f] of entries) {
        const v = (m as Record<string, unknown>)[k];
        if (v === undefined || v === null || (f.fits && !f.fits(v))) continue;
        if (f.with && out[f.with] === undefined) continue;
        out[k] = v;
      }
      const json = JSON.stringify(out);
      // A programming error, not user input: metadata holds ids, short texts and one URL.
      if (json.length > limits.privateMetadata) throw new Error(`private_metadata over ${limits.privateMetadata} characters`);
      return json;
    },
    decode(raw) {
      if (typeof raw !== 'string' || !raw) return null;
      let o: unknown;
      try {
        o = JSON.parse(raw);
      } catch {
        return null;
      }
      if (typeof o !== 'object' || o === null) return null;
      const out: Record<string, unknown> = {};
      for (const [k, f] of entries) {
        const v = f.read((o as Record<string, unknown>)[k]);
        if (v === undefined) {
          if (required.includes(k as keyof M)) return null;
          continue;
        }
        if (f.with && out[f.with] === undefined) continue;
        out[k] = v;
      }
      return out as M;
    },
  };
}

/** A positive id from a button's value (`"42"`); null for anything else. */
export function idValue(value: unknown): number | null {
  return typeof value === 'string' && /^\d{1,12}$/.test(value) && Number(value) > 0 ? Number(value) : null;
}
