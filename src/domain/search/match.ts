import { nameKey } from '../stores/normalize.ts';
import { isHan, squeezed, words } from './fold.ts';
import { pinyinOf, unitsOf, type Unit } from './keys.ts';

/**
 * How a name matched what was typed, best first: the whole name; its start; its pinyin or initials
 * from the first character (`laow`, `lwmg`, `laow面`); a part of it (characters anywhere, pinyin or
 * initials from a later character: `wang`, `wmg`; every word of a query of several); one typo.
 */
export type MatchKind = 'exact' | 'prefix' | 'pinyin' | 'substring' | 'typo';

export interface NameMatch {
  kind: MatchKind;
  /** What was typed → what it matched, when the name does not show it (`lwmg → 老王面馆`); else null. */
  why: string | null;
}

export interface Query {
  typed: string;
  /** Folded, without spaces or punctuation. */
  text: string;
  words: string[];
  /** Only letters and digits (no Chinese characters): pinyin, initials, English. */
  latin: boolean;
  /** Where the run of letters at each position of `text` ends (at a Chinese character or the end). */
  runEnd: number[];
  wordRunEnds: number[][];
}

/** Queries of fewer letters are not read with a typo: too many names are one edit away. */
export const TYPO_MIN = 5;
const TYPO_MAX = 30;

const runEnds = (q: string): number[] => {
  const end: number[] = new Array<number>(q.length);
  for (let i = q.length - 1; i >= 0; i--) end[i] = isHan(q[i]!) ? i : i + 1 < q.length && !isHan(q[i + 1]!) ? end[i + 1]! : i + 1;
  return end;
};

export function prepareQuery(typed: string): Query {
  const w = words(typed);
  const text = w.join('');
  return { typed: typed.trim(), text, words: w, latin: text.length > 0 && ![...text].some(isHan), runEnd: runEnds(text), wordRunEnds: w.map(runEnds) };
}

interface Target {
  name: string;
  /** The stored normalised name, when at hand (an exact match ignores 有限公司, Co., Ltd. …). */
  nameKey?: string;
  /** The stored keys when there are (the typo check reads the pinyin); computed otherwise. */
  pinyinKey?: string | null;
  person?: boolean;
}

/**
 * How `target`'s name matches the query, or null. Pure; a few µs for a shop's name. `typo: false`
 * skips the typo check (the costly part) when a caller has exact matches already.
 */
export function matchName(q: Query, target: Target, opts: { typo?: boolean } = {}): NameMatch | null {
  if (!q.text) return null;
  const units = cachedUnits(target.name, target.person === true);
  const name = units.map((u) => u.text).join('');
  if (name === q.text) return { kind: 'exact', why: null };
  if (name.startsWith(q.text)) {
    return squeezed(target.nameKey ?? nameKey(target.name)) === q.text ? { kind: 'exact', why: null } : { kind: 'prefix', why: null };
  }
  const first = walkFrom(q.text, q.runEnd, units, 0);
  if (first) return { kind: 'pinyin', why: why(q, units, first) };
  if (name.includes(q.text)) return { kind: 'substring', why: null };
  for (let start = 1; start < units.length; start++) {
    const later = walkFrom(q.text, q.runEnd, units, start);
    if (later) return { kind: 'substring', why: why(q, units, later) };
  }
  if (q.words.length > 1 && q.words.every((w, k) => name.includes(w) || units.some((_, i) => walkFrom(w, q.wordRunEnds[k]!, units, i)))) {
    return { kind: 'substring', why: `${q.typed} → ${target.name}` };
  }
  if (opts.typo !== false && q.latin && q.text.length >= TYPO_MIN && q.text.length <= TYPO_MAX) {
    const keys = target.pinyinKey ? target.pinyinKey.split(' ') : Object.values(pinyinOf(unitsOf(target.name, { person: target.person, context: true })));
    for (const key of keys) {
      const near = nearSubstring(q.text, key);
      if (near !== null) return { kind: 'typo', why: `${q.typed} → ${near}` };
    }
  }
  return null;
}

// A name's units, kept for the next keystrokes of a type-ahead (which read the same candidates again);
// forgotten all at once past a bound.
const unitsCache = new Map<string, Unit[]>();
const UNITS_CACHED = 20_000;
function cachedUnits(name: string, person: boolean): Unit[] {
  const key = person ? `p\u0000${name}` : name;
  let u = unitsCache.get(key);
  if (!u) {
    if (unitsCache.size >= UNITS_CACHED) unitsCache.clear();
    unitsCache.set(key, (u = unitsOf(name, { person })));
  }
  return u;
}

interface Walked {
  start: number;
  end: number;
}

const why = (q: Query, units: Unit[], w: Walked) =>
  `${q.typed} → ${units
    .slice(w.start, w.end)
    .map((u, i, all) => (i > 0 && (!u.han || !all[i - 1]!.han) ? ` ${u.text}` : u.text))
    .join('')}`;

/** The query read along the name's units from `start`: as full pinyin or initials, with any characters. */
function walkFrom(q: string, runEnd: number[], units: Unit[], start: number): Walked | null {
  const u = units[start]!;
  const c0 = q[0]!;
  // Most starts fail on the first letter: not worth a walk.
  if (u.han ? !u.readings.some((r) => r[0] === c0) && !q.startsWith(u.text) : u.text[0] !== c0) return null;
  for (const initials of [false, true]) {
    const end = walk(q, runEnd, units, start, initials);
    if (end >= 0) return { start, end };
  }
  return null;
}

/**
 * The units consumed reading `q` from units[start], or -1. A Chinese character of the query must be
 * the unit's character. A run of letters is read as whole syllables (or whole words), the last of
 * the run possibly cut short (`laow` → lao wang); with `initials`, as one letter per unit (`lwmg`).
 * Backtracking (xian: 先 or 西安), with the dead ends remembered: at most |q| × |units| steps.
 */
function walk(q: string, runEnd: number[], units: Unit[], start: number, initials: boolean): number {
  let dead: Set<number> | null = null;
  const go = (qi: number, ui: number): number => {
    if (qi === q.length) return ui;
    if (ui === units.length) return -1;
    const key = qi * 4096 + ui;
    if (dead?.has(key)) return -1;
    const u = units[ui]!;
    let end = -1;
    if (runEnd[qi] === qi) {
      // A Chinese character (a surrogate pair for the rarest: two code units).
      const c = String.fromCodePoint(q.codePointAt(qi)!);
      if (u.text === c) end = go(qi + c.length, ui + 1);
    } else if (initials) {
      if (u.readings.some((r) => r[0] === q[qi])) end = go(qi + 1, ui + 1);
    } else {
      const e = runEnd[qi]!;
      for (const r of u.readings) {
        if (q.startsWith(r, qi) && qi + r.length <= e) end = go(qi + r.length, ui + 1);
        else if (r.length > e - qi && r.startsWith(q.slice(qi, e))) end = go(e, ui + 1);
        if (end >= 0) break;
      }
    }
    if (end < 0) (dead ??= new Set()).add(key);
    return end;
  };
  return go(0, start);
}

/**
 * The part of `text` within one edit of `q` (a letter wrong, missing, extra, or two swapped:
 * Damerau–Levenshtein, restricted), anywhere in `text`; null if none.
 */
let dBuf = new Int32Array(1024);
let fromBuf = new Int32Array(1024);

export function nearSubstring(q: string, text: string): string | null {
  const n = q.length;
  const m = text.length;
  if (n === 0 || m === 0) return null;
  // d[i][j]: the fewest edits reading q[0..i) as a part of text ending at j (starting anywhere:
  // d[0][j] = 0); from[i][j]: where that part starts. Flat arrays, reused: this runs per candidate.
  const w = m + 1;
  if (dBuf.length < (n + 1) * w) [dBuf, fromBuf] = [new Int32Array((n + 1) * w * 2), new Int32Array((n + 1) * w * 2)];
  const d = dBuf;
  const from = fromBuf;
  for (let j = 0; j <= m; j++) [d[j], from[j]] = [0, j];
  for (let i = 1; i <= n; i++) {
    const row = i * w;
    const up = row - w;
    d[row] = i;
    from[row] = 0;
    for (let j = 1; j <= m; j++) {
      let best = d[up + j - 1]! + (q[i - 1] === text[j - 1] ? 0 : 1);
      let src = from[up + j - 1]!;
      if (d[up + j]! + 1 < best) [best, src] = [d[up + j]! + 1, from[up + j]!];
      if (d[row + j - 1]! + 1 < best) [best, src] = [d[row + j - 1]! + 1, from[row + j - 1]!];
      if (i > 1 && j > 1 && q[i - 1] === text[j - 2] && q[i - 2] === text[j - 1] && d[up - w + j - 2]! + 1 < best) {
        [best, src] = [d[up - w + j - 2]! + 1, from[up - w + j - 2]!];
      }
      d[row + j] = best;
      from[row + j] = src;
    }
  }
  const last = n * w;
  for (let j = Math.max(0, n - 1); j <= m; j++) {
    if (d[last + j]! > 1) continue;
    // Shown with the letter after it when that is just as near (laowagn → laowang, not laowan).
    const k = j < m && d[last + j + 1]! <= d[last + j]! ? j + 1 : j;
    return text.slice(from[last + k]!, k);
  }
  return null;
}

const kindOrder: Record<MatchKind, number> = { exact: 0, prefix: 1, pinyin: 2, substring: 3, typo: 4 };

/**
 * The items whose name `typed` finds, best match first (in the given order within a kind), each with
 * why; with one typo only when none is found as typed. For lists matched in memory (people).
 */
export function rankByName<T>(items: T[], typed: string, read: (item: T) => Target): { item: T; why: string | null }[] {
  const q = prepareQuery(typed);
  const find = (typo: boolean) => {
    const found: { item: T; why: string | null; order: number; at: number }[] = [];
    items.forEach((item, at) => {
      const m = matchName(q, read(item), { typo });
      if (m) found.push({ item, why: m.why, order: kindOrder[m.kind], at });
    });
    return found;
  };
  const exact = find(false);
  return (exact.length ? exact : find(true))
    .sort((a, b) => a.order - b.order || a.at - b.at)
    .map(({ item, why }) => ({ item, why }));
}
