import { afterAll, beforeEach } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { fixedClock } from '../../src/domain/clock.ts';
import { DomainError } from '../../src/domain/errors.ts';
import type { Deps } from '../../src/domain/deps.ts';
import { importOrg } from '../../src/domain/imports/org-import.ts';
import type { Actor } from '../../src/domain/org/roles.ts';
import { actorBySlackId } from '../../src/domain/people/people.ts';
import { freshDatabase } from './db.ts';

export const T0 = '2026-11-22T02:00:00Z'; // 10:00 in Hangzhou

export const orgFile = (): Record<string, unknown> => parseYaml(readFileSync(new URL('../../examples/org.yaml', import.meta.url), 'utf8'));

/** The Slack ids of the example company's people (examples/org.yaml), by their role in the tests. */
export const slackIds = {
  admin: 'U0ADM1',
  mgrWest: 'U0MGR1',
  mgrEast: 'U0MGR2',
  sup1: 'U0SUP1',
  sup2: 'U0SUP2',
  sup3: 'U0SUP3',
  rep1: 'U0REP1',
  rep2: 'U0REP2',
  rep3: 'U0REP3',
  rep4: 'U0REP4',
} as const;

/** The example company (examples/org.yaml) in a fresh database, with a clock fixed at T0. */
export async function world(file: Record<string, unknown> = orgFile()) {
  const database = await freshDatabase();
  const clock = fixedClock(T0);
  const deps: Deps = { db: database.db, clock };
  await importOrg(deps, file);
  const people = {} as Record<keyof typeof slackIds, Actor>;
  for (const [k, slackId] of Object.entries(slackIds)) {
    people[k as keyof typeof slackIds] = (await actorBySlackId(database.db, slackId))!;
  }
  const store = async (name: string) => database.db.store.findFirstOrThrow({ where: { name } });
  /** Re-reads an actor (after its record changed). */
  const actor = async (k: keyof typeof slackIds) => (await actorBySlackId(database.db, slackIds[k]))!;
  return { database, db: database.db, deps, clock, people, store, actor, drop: database.drop };
}
export type World = Awaited<ReturnType<typeof world>>;

/** A fresh world before each test of the file (`set` receives it); all are dropped after the file. */
export function worldPerTest(set: (w: World) => void): void {
  const made: World[] = [];
  beforeEach(async () => {
    const w = await world();
    made.push(w);
    set(w);
  });
  afterAll(async () => {
    for (const w of made) await w.drop();
  });
}

/** The domain error a call fails with (fails the test if it succeeds or fails otherwise). */
export async function rejection(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a domain error');
}
