// The console's reads that moved out of its routes into the domain: the overview's counts, the
// approvals queue, a person's console account, import uploads.
import { describe, expect, it } from 'vitest';
import { reassignStep } from '../../../../src/domain/approvals/engine.ts';
import { reassignQueue } from '../../../../src/domain/approvals/queries.ts';
import { consoleAccountOf, grantConsoleAccess } from '../../../../src/domain/console/accounts.ts';
import { createOpportunity } from '../../../../src/domain/opportunities/opportunities.ts';
import { scopeCounts } from '../../../../src/domain/org/overview.ts';
import { personName } from '../../../../src/domain/people/people.ts';
import { discardUpload, findUpload, saveUpload, UPLOAD_TTL_MS } from '../../../../src/domain/uploads/uploads.ts';
import { rejection, worldPerTest, type World } from '../../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

describe('the overview counts', () => {
  it('count the whole company for an admin', async () => {
    expect(await scopeCounts(w.deps, w.people.admin)).toEqual({ all: true, unitName: null, units: 6, people: 10, regions: 2, stores: 7, publicStores: 3, pendingApprovals: 0 });
  });

  it('count a manager’s unit and what lies below it: stores in its regions or owned by its people', async () => {
    const s = await w.store('Sunny Cafe');
    await createOpportunity(w.deps, w.people.rep1, { storeId: s.id, name: 'Coffee machines', amount: 1_000_000, expectedCloseAt: '2026-12-31' });
    expect(await scopeCounts(w.deps, w.people.mgrWest)).toEqual({ all: false, unitName: 'West Lake area', units: 3, people: 6, regions: 1, stores: 5, publicStores: 2, pendingApprovals: 1 });
    expect(await scopeCounts(w.deps, w.people.mgrEast)).toMatchObject({ unitName: 'Qiantang area', units: 2, people: 3, stores: 2, publicStores: 1, pendingApprovals: 0 });
  });
});

describe('the approvals queue', () => {
  it('lists the pending steps with their approvers and who they may go to, for admins only', async () => {
    const s = await w.store('Sunny Cafe');
    const o = await createOpportunity(w.deps, w.people.rep1, { storeId: s.id, name: 'Coffee machines', amount: 1_000_000, expectedCloseAt: '2026-12-31' });
    expect((await rejection(reassignQueue(w.deps, w.people.mgrWest, { page: 1, pageSize: 50 }))).code).toBe('forbidden');
    const q = await reassignQueue(w.deps, w.people.admin, { page: 1, pageSize: 50 });
    expect(q.total).toBe(1);
    expect(q.requests).toEqual([
      {
        id: o.reportRequestId,
        flow: 'report',
        requester: { id: w.people.rep1.id, name: 'Li Lei' },
        store: { name: 'Sunny Cafe', code: s.code },
        steps: [{ id: expect.any(Number), level: 1, createdAt: w.clock.now(), approvers: [{ id: w.people.sup1.id, name: 'Han Meimei' }] }],
      },
    ]);
    expect(q.candidates.map((c) => c.name)).toEqual(['Chen Jie', 'Han Meimei', 'Olivia Brown', 'Wang Fang', 'Zhao Lei', 'Zhou Min']);
    const { to } = await reassignStep(w.deps, w.people.admin, q.requests[0]!.steps[0]!.id, { toPersonId: w.people.sup2.id });
    expect(to).toEqual({ id: w.people.sup2.id, name: 'Olivia Brown' });
    expect((await reassignQueue(w.deps, w.people.admin, { page: 1, pageSize: 50 })).requests[0]!.steps[0]!.approvers).toEqual([{ id: w.people.sup2.id, name: 'Olivia Brown' }]);
    expect((await reassignQueue(w.deps, w.people.admin, { page: 2, pageSize: 50 })).requests).toEqual([]);
  });
});

describe('a person’s console account', () => {
  it('is null without one, else its email, last sign-in and lock', async () => {
    expect(await consoleAccountOf(w.deps, w.people.mgrWest.id)).toBeNull();
    await grantConsoleAccess(w.deps, w.people.admin, { personId: w.people.mgrWest.id, email: 'wang.fang@example.com' });
    expect(await consoleAccountOf(w.deps, w.people.mgrWest.id)).toEqual({ email: 'wang.fang@example.com', lastSignInAt: null, lock: null });
  });

  it('names a person by id, null for none', async () => {
    expect(await personName(w.deps, w.people.sup2.id)).toBe('Olivia Brown');
    expect(await personName(w.deps, 999_999)).toBeNull();
    expect(await personName(w.deps, Number.NaN)).toBeNull();
  });
});

describe('import uploads', () => {
  const file = { name: 'stores.csv', bytes: Buffer.from('name,lng,lat\n') };

  it('are read back only by their account, for their kind, for a day', async () => {
    const id = await saveUpload(w.deps, 1, 'stores', file);
    expect(id).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await findUpload(w.deps, 1, 'stores', id)).toEqual({ id, filename: 'stores.csv', bytes: file.bytes });
    expect(await findUpload(w.deps, 2, 'stores', id)).toBeNull();
    expect(await findUpload(w.deps, 1, 'orders', id)).toBeNull();
    expect(await findUpload(w.deps, 1, 'stores', 'no-such-upload-id')).toBeNull();
    w.clock.advance(UPLOAD_TTL_MS);
    expect(await findUpload(w.deps, 1, 'stores', id)).toBeNull();
  });

  it('are removed when applied, and the expired ones at the next upload', async () => {
    const old = await saveUpload(w.deps, 1, 'orders', file);
    w.clock.advance(UPLOAD_TTL_MS + 1);
    const fresh = await saveUpload(w.deps, 1, 'orders', file);
    expect((await w.db.upload.findMany({ select: { id: true } })).map((u) => u.id)).toEqual([fresh]);
    expect(old).not.toBe(fresh);
    await discardUpload(w.deps, fresh);
    expect(await w.db.upload.count()).toBe(0);
  });
});
