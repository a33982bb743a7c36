import { z } from 'zod';
import { Prisma, type Db } from '../../db/client.ts';
import type { Deps } from '../deps.ts';
import type { Actor } from '../org/roles.ts';
import { scopeFor, storeVisibleSql, type Scope } from '../org/scope.ts';
import { matchName, prepareQuery, TYPO_MIN, type MatchKind } from '../search/match.ts';
import { parse } from '../validation.ts';
import { nearMatch, pinyinHolding, textMatch, textPatterns, typoParts, type Source } from './candidates.ts';
import { dialectOf } from '../imports/bulk-sql.ts';
import { nameKey, phoneKey } from './normalize.ts';
import { substringMatchIds } from './substring.ts';

export const searchSchema = z.object({
  text: z.string().trim().min(1).max(100),
  limit: z.number().int().min(1).max(100).default(20),
  /** Only public, active stores the actor may claim (the /claim list). */
  claimable: z.boolean().default(false),
  /** Skip this many results (paging). */
  offset: z.number().int().min(0).max(10_000).default(0),
});
export type SearchInput = z.input<typeof searchSchema>;

/**
 * How a hit matched, best first: 0 exact code, 1 code prefix, 2 exact phone, 3 phone prefix, 4 exact
 * name, 5 name prefix, 6 pinyin or initials from the name's start (`laow`, `lwmg`, `laow面`), 7 part of
 * the name (characters, or pinyin or initials from a later character: `wang`, `wmg`), 8 one typo.
 */
export const RANK = { code: 0, codePrefix: 1, phone: 2, phonePrefix: 3, exact: 4, prefix: 5, pinyin: 6, substring: 7, typo: 8 } as const;
const rankOfKind: Record<MatchKind, number> = { exact: RANK.exact, prefix: RANK.prefix, pinyin: RANK.pinyin, substring: RANK.substring, typo: RANK.typo };

/** An exact code, phone or name: what a command may take as meant without asking. */
export const isExactHit = (h: { rank: number }): boolean => h.rank === RANK.code || h.rank === RANK.phone || h.rank === RANK.exact;

export interface StoreHit {
  id: number;
  code: string;
  name: string;
  nameKey: string;
  phone: string | null;
  address: string | null;
  status: string;
  stage: string;
  grade: string;
  ownerId: number | null;
  protectedUntil: Date | null;
  lastVisitAt: Date | null;
  regionId: number | null;
  owner: { id: number; name: string } | null;
  rank: number;
  /** What was typed → what it matched, when the name does not show it (`lwmg → 老王面馆`); else null. */
  why: string | null;
}

type Row = Omit<StoreHit, 'owner' | 'rank' | 'why'> & { ownerName: string | null; pinyinKey: string | null; lastOrderAt: Date | null };

/**
 * Visible stores matching `match` (SQL on "Store" s), with the owner's name. Raw: a search runs
 * several of these, and as Prisma queries (with the owner as a second query each) they cost more
 * than the SQL; and the visibility rules must not drive the query (see `storeVisibleSql`).
 */
async function findRows(db: Db, visible: Prisma.Sql, src: Source, take: number): Promise<Row[]> {
  return db.$queryRaw<Row[]>`
    SELECT s."id", s."code", s."name", s."nameKey", s."pinyinKey", s."phone", s."address", s."status", s."stage", s."grade",
      s."ownerId", s."protectedUntil", s."lastVisitAt", s."lastOrderAt", s."regionId", o."name" AS "ownerName"
    FROM ${src.from ?? Prisma.sql`"Store" s`} LEFT JOIN "Person" o ON o."id" = s."ownerId"
    WHERE ${src.where} AND ${visible} ORDER BY ${src.order ?? Prisma.sql`s."id"`} LIMIT ${take}`;
}

/** Everything after the prefix: `abc` → [abc, abc\uffff) is an index range on both databases. */
const prefixRange = (column: string, p: string) => Prisma.sql`${Prisma.raw(`s."${column}"`)} >= ${p} AND ${Prisma.raw(`s."${column}"`)} < ${`${p}\uffff`}`;

/**
 * Stores a text index finds, read by the matcher: enough that the best of them are among them. A
 * query common enough to find more (`lao`) is ranked among these; prefixes come by their own ranges.
 */
const TEXT_CANDIDATES = 120;

/**
 * Finds stores by code, phone, name, pinyin or initials, within what the actor may see (the rules of
 * `storeVisibleSql` apply first; ranking only orders what may be seen). Ranked by RANK; within a rank,
 * phone matches in number order, name matches mine first, then my team's, then others', then the
 * public pool's, each by last activity (visit or order), then shortest name.
 */
export async function searchStores(deps: Deps, actor: Actor, input: SearchInput): Promise<{ hits: StoreHit[]; more: boolean }> {
  const v = parse(searchSchema, input);
  const hits = await rankedStores(deps, actor, { text: v.text, claimable: v.claimable, want: v.offset + v.limit + 1 });
  return { hits: hits.slice(v.offset, v.offset + v.limit), more: hits.length > v.offset + v.limit };
}

/**
 * The console's store list searched by text: the ids of the visible stores `text` finds, best first
 * (as searchStores ranks them), at most `max`, each with why it matched.
 */
export async function storeIdsMatching(deps: Deps, actor: Actor, text: string, max: number): Promise<{ id: number; why: string | null }[]> {
  const t = parse(searchSchema.shape.text, text);
  return (await rankedStores(deps, actor, { text: t, claimable: false, want: max })).slice(0, max).map((h) => ({ id: h.id, why: h.why }));
}

/** Every store found for `text`, ranked: at least `want` when there are as many. */
async function rankedStores(deps: Deps, actor: Actor, v: { text: string; claimable: boolean; want: number }): Promise<StoreHit[]> {
  const { scope } = await scopeFor(deps.db, actor);
  const visible = storeVisibleSql(scope, 's', { claimable: v.claimable });
  const q = prepareQuery(v.text);
  const key = nameKey(v.text);
  const code = v.text.trim().toUpperCase();
  const digits = phoneKey(v.text);
  const want = v.want;
  const candidates = Math.max(want, TEXT_CANDIDATES);
  const rows = new Map<number, Row>();
  const find = async (src: Source | Prisma.Sql, take = want) => {
    const source = src instanceof Prisma.Sql ? { where: src } : src;
    for (const r of await findRows(deps.db, visible, source, take)) if (!rows.has(r.id)) rows.set(r.id, r);
  };

  if (/^CRM\d{3,}/.test(code)) {
    await find(prefixRange('code', code));
    // A code names one store: nothing else is worth looking for.
    if ([...rows.values()].some((r) => r.code === code)) return rank(rows, q, { code, digits, scope, typo: false });
  }
  const phoneOnly = digits !== null && /^[\d\s()+-]+$/.test(v.text);
  if (phoneOnly) await find(prefixRange('phoneKey', digits));
  if (q.text) {
    for (const p of new Set([key, q.text])) if (p) await find(prefixRange('nameKey', p));
    // Digits have no pinyin: a phone number is looked for in the names only.
    if (q.latin && !phoneOnly) {
      await find(prefixRange('pinyinKey', q.text));
      await find(prefixRange('initialsKey', q.text));
    }
    const patterns = textPatterns(q);
    if (patterns.length) await find(textMatch(deps.db, patterns), candidates);
    else if (key) await find(Prisma.sql`s."id" IN (${substringMatchIds(scope, key, { claimable: v.claimable, take: want })})`);
  }
  const hits = rank(rows, q, { code, digits, scope, typo: false });
  // One typo only when what was typed finds nothing as it is: `Pool 03` lists no Pool 01, `laowagn`
  // finds 老王面馆.
  if (hits.length > 0 || !q.latin || q.text.length < TYPO_MIN) return hits;
  if (dialectOf(deps.db) === 'sqlite') {
    // First the quick look: names holding a part the typo cannot have spoilt, checked here.
    const { parts, complete } = typoParts(q);
    const near = await typoCandidates(deps.db, visible, q, parts);
    if (near.ids.length) await find(Prisma.sql`s."id" IN (${Prisma.join(near.ids.slice(0, candidates))})`, candidates);
    if (near.ids.length || (complete && !near.truncated)) return rank(rows, q, { code, digits, scope, typo: true });
  }
  await find(nearMatch(deps.db, q), candidates);
  return rank(rows, q, { code, digits, scope, typo: true });
}

/** Names read at most by the typo check's quick look. */
const NEAR_READ = 3_000;

/** The visible stores holding one of `parts` whose name is one edit from the query (ids), and whether there were more to read. */
async function typoCandidates(db: Db, visible: Prisma.Sql, q: ReturnType<typeof prepareQuery>, parts: string[]): Promise<{ ids: number[]; truncated: boolean }> {
  if (!parts.length) return { ids: [], truncated: true };
  const src = pinyinHolding(parts);
  const rows = await db.$queryRaw<{ id: number | bigint; name: string; nameKey: string; pinyinKey: string | null }[]>`
    SELECT s."id", s."name", s."nameKey", s."pinyinKey" FROM ${src.from!} WHERE ${src.where} AND ${visible} ORDER BY ${src.order!} LIMIT ${NEAR_READ}`;
  const ids = rows.filter((r) => matchName(q, r, { typo: true })?.kind === 'typo').map((r) => Number(r.id));
  return { ids, truncated: rows.length === NEAR_READ };
}

function rank(rows: Map<number, Row>, q: ReturnType<typeof prepareQuery>, o: { code: string; digits: string | null; scope: Scope; typo: boolean }): StoreHit[] {
  const hits: (StoreHit & { tier: number; activity: number })[] = [];
  for (const r of rows.values()) {
    let rank: number | null = null;
    let why: string | null = null;
    if (r.code === o.code) rank = RANK.code;
    else if (/^CRM\d{3,}/.test(o.code) && r.code.startsWith(o.code)) rank = RANK.codePrefix;
    else if (o.digits && r.phone && /^[\d\s()+-]+$/.test(q.typed)) {
      const pk = phoneKey(r.phone);
      if (pk === o.digits) rank = RANK.phone;
      else if (pk?.startsWith(o.digits)) rank = RANK.phonePrefix;
    }
    if (rank === null) {
      const m = matchName(q, { name: r.name, nameKey: r.nameKey, pinyinKey: r.pinyinKey }, { typo: o.typo });
      if (!m) continue;
      [rank, why] = [rankOfKind[m.kind], m.why];
    }
    const { ownerName, pinyinKey: _p, lastOrderAt, ...rest } = r;
    const activity = Math.max(r.lastVisitAt?.getTime() ?? 0, lastOrderAt?.getTime() ?? 0);
    hits.push({ ...rest, owner: r.ownerId === null ? null : { id: r.ownerId, name: ownerName ?? '' }, rank, why, tier: tierOf(o.scope, r.ownerId), activity });
  }
  // Within a rank: phone matches in number order; name matches by whose, by last activity, shortest first.
  const within = (a: (typeof hits)[number], b: (typeof hits)[number]) =>
    a.rank <= RANK.phonePrefix ? (a.phone ?? '').localeCompare(b.phone ?? '') : a.tier - b.tier || b.activity - a.activity || a.name.length - b.name.length;
  return hits
    .sort((a, b) => a.rank - b.rank || within(a, b) || a.id - b.id)
    .map(({ tier: _t, activity: _a, ...h }) => h);
}

/** Mine, my team's, someone else's, nobody's (the public pool). */
function tierOf(scope: Scope, ownerId: number | null): number {
  if (ownerId === null) return 3;
  if (ownerId === scope.actor.id) return 0;
  return scope.memberIds.includes(ownerId) ? 1 : 2;
}
