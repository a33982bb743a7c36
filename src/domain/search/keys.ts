import { pinyin } from 'pinyin-pro';
import { foldText, isHan } from './fold.ts';

/**
 * A name as the search sees it: its Chinese characters one by one, each with its readings, and its
 * other words (Latin letters, digits) whole. Spaces and punctuation separate units and are dropped.
 */
export interface Unit {
  /** The folded character, or the folded word. */
  text: string;
  han: boolean;
  /** For a character: its reading in this name first, then its other readings; for a word: itself. */
  readings: string[];
}

export interface SearchKeys {
  /** The units' readings in context, concatenated; then, after a space, the flat readings if different. */
  pinyinKey: string;
  /** The first letter of each unit in context; then, after a space, of the flat readings if different. */
  initialsKey: string;
}

const PINYIN = { toneType: 'none', type: 'array', v: true } as const;
const LATIN_READING = /^[a-z]+$/;

// Every reading of a character, the usual one first. Names draw on a few thousand characters: each is
// asked of pinyin-pro once (~5 µs) and then read from here.
const readingsMemo = new Map<string, string[]>();
function readingsOf(ch: string): string[] {
  let r = readingsMemo.get(ch);
  if (!r) {
    const usual = pinyin(ch, PINYIN);
    const all = pinyin(ch, { ...PINYIN, multiple: true });
    r = [...new Set([...usual, ...all].filter((x) => LATIN_READING.test(x)))];
    if (r.length === 0) r = [ch]; // a rare character without a reading matches only itself
    readingsMemo.set(ch, r);
  }
  return r;
}

const UNIT = /\p{Script=Han}|[^\s\p{P}\p{S}\p{Cc}\p{Cf}\p{Script=Han}]+/gu;

/**
 * The name's units. With `context`, each character's reading in this name comes first (重庆 → chong,
 * 银行 → hang; for a `person` the first character is read as a surname: 单 → shan): that costs a
 * pinyin-pro call (~40 µs), which the keys need and the matcher does not (any reading will do there,
 * and the candidates it checks were found through the keys).
 */
export function unitsOf(name: string, opts: { person?: boolean; context?: boolean } = {}): Unit[] {
  const parts = foldText(name).match(UNIT) ?? [];
  if (!opts.context) return parts.map((text) => (isHan(text) ? { text, han: true, readings: readingsOf(text) } : { text, han: false, readings: [text] }));
  const hanText = opts.context ? parts.filter((p) => isHan(p)).join('') : '';
  const inContext = hanText ? pinyin(hanText, { ...PINYIN, ...(opts.person ? { surname: 'head' as const } : {}) }) : [];
  let k = 0;
  return parts.map((text) => {
    if (!isHan(text)) return { text, han: false, readings: [text] };
    const all = readingsOf(text);
    const here = inContext[k++];
    const readings = here && LATIN_READING.test(here) && here !== all[0] ? [here, ...all.filter((x) => x !== here)] : all;
    return { text, han: true, readings };
  });
}

/** The flat reading of a unit: a character's usual reading out of context. */
const flatOf = (u: Unit): string => (u.han ? readingsOf(u.text)[0]! : u.text);

const withAlternative = (inContext: string, flat: string) => (flat === inContext ? inContext : `${inContext} ${flat}`);

/** The pinyin of the units in context and flat (the alternative is '' when both are the same). */
export function pinyinOf(units: Unit[]): { inContext: string; flat: string } {
  return { inContext: units.map((u) => u.readings[0]!).join(''), flat: units.map(flatOf).join('') };
}

/**
 * The search keys of a store's or a person's name: the one place they are computed, for every write
 * of a name (create, edit, import, merge, back-fill). A polyphone read otherwise in context keeps its
 * flat reading too (重庆 → `chongqing zhongqing`), so that either finds it.
 */
export function searchKeys(name: string, opts: { person?: boolean } = {}): SearchKeys {
  const units = unitsOf(name, { ...opts, context: true });
  const { inContext, flat } = pinyinOf(units);
  const initials = (pick: (u: Unit) => string) => units.map((u) => [...pick(u)][0] ?? '').join('');
  return {
    pinyinKey: withAlternative(inContext, flat),
    initialsKey: withAlternative(initials((u) => u.readings[0]!), initials(flatOf)),
  };
}

/** The keys of a person's name (the first character read as a surname). */
export const personSearchKeys = (name: string): SearchKeys => searchKeys(name, { person: true });
