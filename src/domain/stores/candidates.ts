import { Prisma, type Db } from '../../db/client.ts';
import { dialectOf } from '../imports/bulk-sql.ts';
import { isHan } from '../search/fold.ts';
import { unitsOf } from '../search/keys.ts';
import type { Query } from '../search/match.ts';

/*
 * Candidate stores for a search, from the databases' text indexes (migration 0008): SQLite's FTS5
 * trigram index "StoreSearch" over nameKey, pinyinKey and initialsKey; PostgreSQL's pg_trgm GIN index
 * over the same three joined by spaces. Both find a substring of 3 or more characters; what they find
 * is a candidate, read and ranked by the matcher (domain/search/match.ts).
 */

/** A text index finds nothing shorter than a trigram. */
const TRIGRAM = 3;
const len = (s: string) => [...s].length;

/**
 * What a matching store's keys must contain, as alternatives (OR) of parts that must all be there
 * (AND), each of 3 characters or more: the query as typed (a part of the name, of the pinyin or of
 * the initials); with Chinese characters in it, each run of letters as typed and each run of
 * characters as its pinyin (`laow面` → laow AND mian: 老王面馆 spelt either way); with several
 * words, each word the same way. Empty when nothing is long enough: the caller falls back to ranges.
 */
export function textPatterns(q: Query): string[][] {
  const groups: string[][] = [];
  const add = (parts: string[]) => {
    const long = [...new Set(parts.filter((p) => len(p) >= TRIGRAM))];
    if (long.length && !groups.some((g) => g.join('\u0000') === long.join('\u0000'))) groups.push(long);
  };
  add([q.text]);
  if (!q.latin) add(runsAsPinyin(q.text));
  if (q.words.length > 1) add(q.words.flatMap(runsAsPinyin));
  return groups;
}

/** `laow面馆` → ['laow', 'mianguan']: letters as typed, characters as their usual reading. */
function runsAsPinyin(text: string): string[] {
  const runs: string[] = [];
  let run = '';
  let han: boolean | null = null;
  for (const ch of text) {
    const h = isHan(ch);
    if (h !== han && run) {
      runs.push(han ? pinyinOfRun(run) : run);
      run = '';
    }
    han = h;
    run += ch;
  }
  if (run) runs.push(han ? pinyinOfRun(run) : run);
  return runs;
}

const pinyinOfRun = (run: string) => unitsOf(run).map((u) => u.readings[0]!).join('');

/** The one expression PostgreSQL's trigram index is built on (migration 0008): the query must say it the same way. */
const PG_KEYS = Prisma.raw(`(s."nameKey" || ' ' || coalesce(s."pinyinKey", '') || ' ' || coalesce(s."initialsKey", ''))`);

const ftsPhrase = (p: string) => `"${p.replace(/"/g, '""')}"`;

/** A search's source of rows: `s` is "Store"; `from` replaces the plain table (a join with the text index). */
export interface Source {
  from?: Prisma.Sql;
  where: Prisma.Sql;
  order?: Prisma.Sql;
}

/**
 * The stores whose keys hold one of `groups` (see textPatterns). SQLite: the text index drives, in
 * its own (rowid) order, so that a common trigram stops at the LIMIT instead of being read whole.
 */
export function textMatch(db: Db, groups: string[][]): Source {
  if (dialectOf(db) === 'sqlite') {
    const match = groups.map((g) => `(${g.map(ftsPhrase).join(' AND ')})`).join(' OR ');
    return {
      from: Prisma.sql`"StoreSearch" f JOIN "Store" s ON s."id" = f.rowid`,
      where: Prisma.sql`f."StoreSearch" MATCH ${match}`,
      order: Prisma.sql`f.rowid`,
    };
  }
  const like = (p: string) => Prisma.sql`${PG_KEYS} LIKE ${`%${p}%`}`;
  return { where: Prisma.sql`(${Prisma.join(groups.map((g) => Prisma.sql`(${Prisma.join(g.map(like), ' AND ')})`), ' OR ')})` };
}

/**
 * SQL: the stores `s` whose pinyin shares a trigram with the query, most shared first, for the
 * typo check (one edit leaves some of a 5-letter query's trigrams whole). As an ORDER BY term too.
 */
export function nearMatch(db: Db, q: Query): Source {
  const grams = [...new Set(Array.from({ length: q.text.length - TRIGRAM + 1 }, (_, i) => q.text.slice(i, i + TRIGRAM)))];
  if (dialectOf(db) === 'sqlite') {
    const match = `"pinyinKey" : (${grams.map(ftsPhrase).join(' OR ')})`;
    // bm25 of the rows FTS5 found: those with more (and rarer) of the trigrams first.
    return {
      where: Prisma.sql`s."id" IN (SELECT rowid FROM "StoreSearch" WHERE "StoreSearch" MATCH ${match} ORDER BY rank LIMIT ${NEAR_SCAN})`,
      order: Prisma.sql`s."id"`,
    };
  }
  return {
    where: Prisma.sql`(${Prisma.join(grams.map((g) => Prisma.sql`${PG_KEYS} LIKE ${`%${g}%`}`), ' OR ')})`,
    order: Prisma.sql`word_similarity(${q.text}, coalesce(s."pinyinKey", '')) DESC, s."id"`,
  };
}

/** Rows the typo check reads at most: those sharing the most trigrams with the query. */
const NEAR_SCAN = 400;

/**
 * Parts of a Latin query of which a name one edit away (a letter changed, added, dropped, or two
 * swapped) must contain one as it is, for the typo check's quick look (SQLite); `complete` when that
 * holds for every such edit. From 8 letters: either half (an edit spoils at most one of them), or the
 * whole with the two letters across the middle swapped back. Shorter: its 4-letter runs, which miss
 * an edit in the middle (the caller then asks `nearMatch`). A run of 4+ letters is found among far
 * fewer names than a trigram of the ranked look-up (`lao`, `ang` are in thousands).
 */
export function typoParts(q: Query): { parts: string[]; complete: boolean } {
  const t = q.text;
  const n = t.length;
  if (n >= 8) {
    const h = n >> 1;
    return { parts: [...new Set([t.slice(0, h), t.slice(h), t.slice(0, h - 1) + t[h] + t[h - 1] + t.slice(h + 1)])], complete: true };
  }
  return { parts: [...new Set(Array.from({ length: n - 3 }, (_, i) => t.slice(i, i + 4)))], complete: false };
}

/** SQLite: the stores whose pinyin holds one of `parts`, in the text index's order. */
export function pinyinHolding(parts: string[]): Source {
  return {
    from: Prisma.sql`"StoreSearch" f JOIN "Store" s ON s."id" = f.rowid`,
    where: Prisma.sql`f."StoreSearch" MATCH ${`"pinyinKey" : (${parts.map(ftsPhrase).join(' OR ')})`}`,
    order: Prisma.sql`f.rowid`,
  };
}
