import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../src/domain/clock.ts';
import { housekeeping } from '../../../src/domain/housekeeping.ts';
import { T0, worldPerTest, type World } from '../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

const now = new Date(T0);
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('housekeeping', () => {
  it('deletes what is old and keeps what is not; a second run deletes nothing more', async () => {
    const account = await w.db.consoleAccount.create({ data: { personId: w.people.admin.id, email: 'a@x.test', passwordHash: 'x', createdAt: ago(DAY_MS), updatedAt: ago(DAY_MS) } });
    await w.db.consoleSession.createMany({
      data: [
        { id: 'expired', accountId: account.id, csrfToken: 'c', createdAt: ago(DAY_MS), lastSeenAt: ago(60_000), expiresAt: ago(1) },
        { id: 'live', accountId: account.id, csrfToken: 'c', createdAt: ago(60_000), lastSeenAt: ago(60_000), expiresAt: new Date(now.getTime() + DAY_MS) },
      ],
    });
    await w.db.upload.createMany({
      data: [
        { id: 'old', accountId: account.id, kind: 'stores', filename: 'a.csv', content: new Uint8Array([1]), createdAt: ago(2 * DAY_MS) },
        { id: 'new', accountId: account.id, kind: 'stores', filename: 'b.csv', content: new Uint8Array([1]), createdAt: ago(60_000) },
      ],
    });
    await w.db.signInThrottle.createMany({
      data: [
        { key: 'ip:old', attempts: 3, windowStart: ago(3 * DAY_MS), updatedAt: ago(2 * DAY_MS) },
        { key: 'ip:blocked', attempts: 30, windowStart: ago(3 * DAY_MS), updatedAt: ago(2 * DAY_MS), blockedUntil: new Date(now.getTime() + 60_000) },
        { key: 'ip:new', attempts: 1, windowStart: ago(60_000), updatedAt: ago(60_000) },
      ],
    });
    await w.db.slackDelivery.createMany({ data: [{ key: 'old', createdAt: ago(2 * DAY_MS) }, { key: 'new', createdAt: ago(60_000) }] });
    await w.db.jobRun.createMany({
      data: [
        { job: 'sweep', slot: 'old', scheduledAt: ago(100 * DAY_MS), status: 'done', startedAt: ago(100 * DAY_MS) },
        { job: 'sweep', slot: 'new', scheduledAt: ago(DAY_MS), status: 'done', startedAt: ago(DAY_MS) },
      ],
    });
    expect(await housekeeping(w.deps, now)).toEqual({ sessions: 1, uploads: 1, throttles: 1, jobRuns: 1 });
    expect((await w.db.consoleSession.findMany()).map((s) => s.id)).toEqual(['live']);
    expect((await w.db.upload.findMany()).map((u) => u.id)).toEqual(['new']);
    expect((await w.db.signInThrottle.findMany({ orderBy: { key: 'asc' } })).map((t) => t.key)).toEqual(['ip:blocked', 'ip:new']);
    expect((await w.db.slackDelivery.findMany()).map((d) => d.key)).toEqual(['new']);
    expect((await w.db.jobRun.findMany()).map((r) => r.slot)).toEqual(['new']);
    expect(await housekeeping(w.deps, now)).toEqual({ sessions: 0, uploads: 0, throttles: 0, jobRuns: 0 });
  });
});
