// Adapters don't query: the web console, the API, the Slack app, the scheduled jobs, the sandbox and the
// start call domain functions, which hold the Prisma client. Checked on the source text: a model call on a client or a transaction
// (`deps.db.store.findMany(`, `tx.person.count(`), raw SQL, a transaction, or an import of the
// generated client.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const QUERY: RegExp[] = [
  /\b(?:db|tx|prisma)\s*\.\s*[a-z]\w*\s*\.\s*(?:find|create|update|delete|upsert|count|aggregate|groupBy)\w*\s*\(/,
  /\$(?:queryRaw|executeRaw|transaction)\w*/,
  /\binTransaction\s*\(/,
  /from\s+['"](?:@prisma\/client|[./]+(?:[\w-]+\/)*generated\/)/,
];

/**
 * The Slack app's files that still query, as `src/bot/…` paths. The list only shrinks: a file that
 * stops querying must leave it (the test says so), and no other file may start.
 */
const BOT_FILES_THAT_QUERY = [
  // The outbox's delivery reads what a notice is about (issue 13 keeps the outbox's SQL in bot/outbox).
  'src/bot/outbox/confirmations.ts',
  'src/bot/outbox/outbox-sql.ts',
  'src/bot/outbox/pool-notices.ts',
  'src/bot/outbox/recipient.ts',
];

function sources(dir: string): string[] {
  if (!statSync(dir).isDirectory()) return [dir];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.ts$/.test(name) ? [path] : [];
  });
}

/** `path:line: text` of every line that queries, under `dir`. */
function queries(dir: string): string[] {
  return sources(dir).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => (QUERY.some((q) => q.test(line)) ? [`${relative('.', file)}:${i + 1}: ${line.trim()}`] : [])),
  );
}

const filesOf = (hits: string[]): string[] => [...new Set(hits.map((h) => h.slice(0, h.indexOf(':'))))].sort();

describe('adapters do not query', () => {
  it('finds what it looks for', () => {
    const hit = (line: string) => QUERY.some((q) => q.test(line));
    expect(hit('const rows = await cd.deps.db.store.findMany({ where })')).toBe(true);
    expect(hit('await tx.upload.deleteMany({ where: { id } });')).toBe(true);
    expect(hit('db.approvalRequest.count({ where: { status: "pending" } }),')).toBe(true);
    expect(hit('await database.db.$queryRawUnsafe("SELECT 1");')).toBe(true);
    expect(hit('return inTransaction(deps.db, async (tx) => {')).toBe(true);
    expect(hit("import { Prisma } from '../../generated/sqlite/client.ts';")).toBe(true);
    expect(hit('const counts = await scopeCounts(cd.deps, actor);')).toBe(false);
    expect(hit("import type { Db } from '../db/client.ts';")).toBe(false);
  });

  it('src/web: the console and the API never query', () => {
    expect(queries('src/web')).toEqual([]);
  });

  it('src/jobs, src/sandbox and the start (src/main.ts): never query', () => {
    expect([...queries('src/jobs'), ...queries('src/sandbox')]).toEqual([]);
    expect(queries('src/main.ts')).toEqual([]);
  });

  it('src/bot: only the files listed query, and each of them still does (remove it from the list when it stops)', () => {
    const querying = filesOf(queries('src/bot'));
    const unlisted = querying.filter((f) => !BOT_FILES_THAT_QUERY.includes(f));
    const stopped = BOT_FILES_THAT_QUERY.filter((f) => !querying.includes(f));
    expect({ unlisted: queries('src/bot').filter((h) => unlisted.some((f) => h.startsWith(`${f}:`))), stopped }).toEqual({ unlisted: [], stopped: [] });
  });
});
