import type { Db, Tx } from '../db/client.ts';
import { DEMO_ADMIN } from './company.ts';

// Sandbox mode lets anyone who reaches the port act as anyone of the company, with no sign-in. So it
// runs only on the demo company: a database is the demo's when the demo seed marked it (a row the
// settings loader ignores), or, for databases seeded before the mark existed, when it has the demo admin.
const MARK = 'sandbox.demoCompany';

export type DatabaseKind = 'empty' | 'demo' | 'company';

export async function markDemo(db: Db | Tx, at: Date): Promise<void> {
  const value = JSON.stringify({ markedAt: at.toISOString() });
  await db.setting.upsert({ where: { key: MARK }, create: { key: MARK, value }, update: {} });
}

export async function databaseKind(db: Db): Promise<DatabaseKind> {
  if (await db.setting.findUnique({ where: { key: MARK }, select: { key: true } })) return 'demo';
  if ((await db.person.count()) === 0) return 'empty';
  const legacyDemo = await db.consoleAccount.findUnique({ where: { email: DEMO_ADMIN.email }, select: { id: true } });
  return legacyDemo ? 'demo' : 'company';
}
