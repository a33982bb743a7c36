// Store search (issue 18) on the data set: each kind of query a rep or a lead types (code, phone,
// the name's start or a part of it, pinyin from the start or from a later syllable, initials, pinyin
// and characters mixed, one typo) timed on the domain call; the store type-ahead through the real
// server; back-filling the search keys of every store and person; what the keys and the text index
// add to the database file. SQLite (the bench's data set is a SQLite file).
import { createHmac } from 'node:crypto';
import { statSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/client.ts';
import { fixedClock } from '../src/domain/clock.ts';
import type { Deps } from '../src/domain/deps.ts';
import type { Actor } from '../src/domain/org/roles.ts';
import { actorById } from '../src/domain/people/people.ts';
import { backfillSearchKeys } from '../src/domain/search/backfill.ts';
import { unitsOf, type Unit } from '../src/domain/search/keys.ts';
import { searchStores } from '../src/domain/stores/search.ts';
import { start } from '../src/main.ts';
import { SlackStandin } from '../src/slack-standin/standin.ts';
import { rng, type Rng } from '../src/demo/random.ts';
import { summarize, timeEach, type Suite, type SuiteContext, type Timing } from './harness.ts';

const SUITE = 'search';
const ITERATIONS = Math.max(1, Number(process.env.SEABOARD_BENCH_ITERATIONS ?? '200'));
const WARMUP = 20;
const REQUESTS = Number(process.env.SEABOARD_BENCH_SLACK_REQUESTS ?? 1000);
const SECRET = 'bench-signing-secret';
/** The issue's targets: p95 of any query kind, p99 of the type-ahead, back-fill of 100,000 stores, file growth. */
const TARGET = { queryP95: 20, typeAheadP99: 100, backfill100kS: 30, growthPct: 30 } as const;

export const searchSuite: Suite = {
  name: SUITE,
  description: 'store search by kind of query (pinyin, initials, mixed, typo …), type-ahead, key back-fill, file growth (SQLite)',
  async run(ctx) {
    await queryKinds(ctx);
    await typeAhead(ctx);
    await backfill(ctx);
    await growth(ctx);
  },
};

// ---- what people type -----------------------------------------------------------------------------

interface StoreRow {
  id: number;
  code: string;
  name: string;
  phone: string | null;
  ownerId: number | null;
}

type Kind = 'code' | 'phone' | 'name start' | 'name part' | 'pinyin start' | 'pinyin later' | 'initials' | 'mixed' | 'typo';
const KINDS: Kind[] = ['code', 'phone', 'name start', 'name part', 'pinyin start', 'pinyin later', 'initials', 'mixed', 'typo'];

const han = (u: Unit) => u.han;
const syllables = (units: Unit[]) => units.map((u) => u.readings[0]!).join('');

/** What someone looking for `s` types, of a kind; null when the name has no such query (an English name has no initials of characters). */
function queryOf(kind: Kind, s: StoreRow, r: Rng): string | null {
  const units = unitsOf(s.name, { context: true });
  const chinese = units.filter(han).length >= 3 && han(units[0]!) && han(units[1]!);
  switch (kind) {
    case 'code':
      return s.code;
    case 'phone':
      return s.phone;
    case 'name start':
      return [...s.name].slice(0, 2).join('');
    case 'name part':
      return chinese ? units.slice(1, 3).map((u) => u.text).join('') : (units[1]?.text ?? null);
    case 'pinyin start':
      return chinese ? syllables(units.slice(0, 2)) + units[2]!.readings[0]!.slice(0, 1) : null;
    case 'pinyin later':
      return chinese ? syllables(units.slice(1, 3)) : null;
    case 'initials':
      return chinese ? units.slice(0, Math.min(4, units.length)).map((u) => u.readings[0]![0]).join('') : null;
    case 'mixed':
      return chinese ? units[0]!.readings[0]! + units[1]!.text : null;
    case 'typo': {
      const p = chinese ? syllables(units.slice(0, 3)) : (units[0]?.text ?? '');
      if (p.length < 6) return null;
      const i = r.int(2, p.length - 2); // two letters swapped inside the word
      return p.slice(0, i) + p[i + 1] + p[i] + p.slice(i + 2);
    }
  }
}

function stores(raw: BetterSqlite3.Database, sql: string, ...args: unknown[]): StoreRow[] {
  return raw.prepare(sql).all(...args) as StoreRow[];
}

// ---- 1. the domain call, by kind of query ---------------------------------------------------------------

async function queryKinds(ctx: SuiteContext): Promise<void> {
  const ds = await ctx.dataset();
  const path = await ctx.scratch('search');
  const database = await openDatabase(`file:${path}`);
  const raw = new BetterSqlite3(path, { readonly: true });
  const deps: Deps = { db: database.db, clock: fixedClock(ds.now) };
  try {
    const actors = new Map<number, Actor>();
    const actor = async (id: number) => actors.get(id) ?? actors.set(id, await actorById(database.db, id)).get(id)!;
    const r = rng(1818);
    // A rep looks for its own stores; a manager for any store of its area (the widest scope short of an admin).
    const reps = (raw.prepare(`SELECT "id" FROM "Person" WHERE "role" = 'rep' AND "active" = 1`).all() as { id: number }[]).map((p) => p.id);
    const managers = (raw.prepare(`SELECT "id", "unitId" FROM "Person" WHERE "role" = 'manager' AND "active" = 1`).all() as { id: number }[]).map((p) => p.id);
    const sample = stores(raw, `SELECT "id", "code", "name", "phone", "ownerId" FROM "Store" WHERE "status" = 'active' AND "ownerId" IS NOT NULL ORDER BY random() LIMIT 5000`);
    for (const [who, pick] of [
      ['rep', (s: StoreRow) => s.ownerId!],
      ['manager', () => r.pick(managers)],
    ] as const) {
      for (const kind of KINDS) {
        const work: { actor: number; text: string }[] = [];
        for (const s of sample) {
          if (work.length === ITERATIONS + WARMUP) break;
          const text = queryOf(kind, s, r);
          if (text) work.push({ actor: who === 'rep' && !reps.includes(s.ownerId!) ? r.pick(reps) : pick(s), text });
        }
        let found = 0;
        const t = await timeEach(work, WARMUP, async (w) => {
          const { hits } = await searchStores(deps, await actor(w.actor), { text: w.text, limit: 20 });
          if (hits.length) found++;
        });
        ctx.report({ ...summarize(SUITE, `${who}: ${kind}`, t, TARGET.queryP95, `e.g. ${JSON.stringify(work[0]?.text ?? '')}; ${found} of ${work.length} found something`), targetOn: 'p95' });
      }
    }
  } finally {
    raw.close();
    await database.close();
    ctx.dropScratch(path);
  }
}

// ---- 2. the type-ahead through the server ------------------------------------------------------------

async function typeAhead(ctx: SuiteContext): Promise<void> {
  await ctx.dataset();
  const path = await ctx.scratch('search-typeahead');
  const raw = new BetterSqlite3(path, { readonly: true });
  const owned = stores(raw, `SELECT s."id", s."code", s."name", s."phone", s."ownerId", p."slackId" AS "slackId", p."slackTeamId" AS "teamId" FROM "Store" s JOIN "Person" p ON p."id" = s."ownerId"
    WHERE s."status" = 'active' AND p."active" = 1 AND p."role" = 'rep' ORDER BY random() LIMIT 3000`) as (StoreRow & { slackId: string; teamId: string | null })[];
  raw.close();
  const standin = new SlackStandin();
  await standin.listen();
  const config = loadConfig({ DATABASE_URL: `file:${path}`, PORT: '0', SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_API_URL: `${standin.url}/api/` });
  const running = await start(config);
  const r = rng(1819);
  const timing: Timing = { samples: [], failures: 0, firstError: null };
  try {
    for (let i = 0; i < REQUESTS + WARMUP; i++) {
      const s = r.pick(owned);
      const text = queryOf(r.pick(KINDS), s, r) ?? [...s.name].slice(0, 2).join('');
      const payload = { type: 'block_suggestion', user: { id: s.slackId, team_id: s.teamId ?? 'T0BENCH' }, team: { id: s.teamId ?? 'T0BENCH' }, action_id: 'store_select', block_id: 'storeId', value: text, container: { type: 'view', view_id: 'V0' } };
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      const ts = Math.floor(Date.now() / 1000);
      const t0 = performance.now();
      try {
        const res = await fetch(`${running.url}/slack/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}` },
          body,
        });
        const answer = await res.text();
        if (res.status !== 200 || !answer.includes('"options"')) throw new Error(`HTTP ${res.status}: ${answer.slice(0, 100)}`);
        if (i >= WARMUP) timing.samples.push(performance.now() - t0);
      } catch (e) {
        if (i >= WARMUP) timing.failures++;
        timing.firstError ??= String(e);
      }
    }
    ctx.report({ ...summarize(SUITE, 'type-ahead (block_suggestion)', timing, TARGET.typeAheadP99, 'signed request to options returned; every kind of query'), targetOn: 'p99' });
  } finally {
    await running.stop();
    await standin.close();
    ctx.dropScratch(path);
  }
}

// ---- 3. back-filling the keys ----------------------------------------------------------------------

async function backfill(ctx: SuiteContext): Promise<void> {
  const ds = await ctx.dataset();
  const path = await ctx.scratch('search-backfill');
  // The data set as a database from before migration 0008 would be once migrated: no keys yet.
  const raw = new BetterSqlite3(path);
  raw.exec(`UPDATE "Store" SET "pinyinKey" = NULL, "initialsKey" = NULL; UPDATE "Person" SET "pinyinKey" = NULL, "initialsKey" = NULL`);
  raw.close();
  const database = await openDatabase(`file:${path}`);
  try {
    const t0 = performance.now();
    const filled = await backfillSearchKeys(database);
    const s = (performance.now() - t0) / 1000;
    const scale = ds.shape.stores / 100_000;
    const target = Number((TARGET.backfill100kS * scale).toFixed(2));
    ctx.report({
      suite: SUITE, name: 'back-fill keys', n: 1, unit: 's', median: s, p95: null, p99: null, target, failures: 0,
      note: `${filled.stores.toLocaleString('en')} stores, ${filled.people.toLocaleString('en')} people; target ${TARGET.backfill100kS} s per 100,000 stores${scale === 1 ? '' : ` (× ${scale})`}`,
    });
  } finally {
    await database.close();
    ctx.dropScratch(path);
  }
}

// ---- 4. what the keys and the index add to the file ----------------------------------------------------

async function growth(ctx: SuiteContext): Promise<void> {
  await ctx.dataset();
  const path = await ctx.scratch('search-growth');
  const db = new BetterSqlite3(path);
  try {
    db.exec('VACUUM');
    const withSearch = statSync(path).size;
    db.exec(`DROP TRIGGER "StoreSearch_insert"; DROP TRIGGER "StoreSearch_delete"; DROP TRIGGER "StoreSearch_update"; DROP TABLE "StoreSearch";
      DROP INDEX "Store_pinyinKey_idx"; DROP INDEX "Store_initialsKey_idx";
      UPDATE "Store" SET "pinyinKey" = NULL, "initialsKey" = NULL; UPDATE "Person" SET "pinyinKey" = NULL, "initialsKey" = NULL; VACUUM`);
    const without = statSync(path).size;
    const pct = (withSearch / without - 1) * 100;
    const mb = (b: number) => (b / 2 ** 20).toFixed(1);
    ctx.report({
      suite: SUITE, name: 'file growth (keys + index)', n: 1, unit: '%', median: pct, p95: null, p99: null, target: TARGET.growthPct, failures: 0,
      note: `${mb(without)} MB without the search keys and text index, ${mb(withSearch)} MB with (both vacuumed)`,
    });
  } finally {
    db.close();
    ctx.dropScratch(path);
  }
}
