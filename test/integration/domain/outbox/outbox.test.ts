import { describe, expect, it } from 'vitest';
import { inTransaction, Prisma } from '../../../../src/db/client.ts';
import { cardKey, cardKeySql } from '../../../../src/domain/approvals/notices.ts';
import { createOpportunity } from '../../../../src/domain/opportunities/opportunities.ts';
import { imageNotice, imageOf, MAX_IMAGE_BYTES } from '../../../../src/domain/outbox/image.ts';
import { enqueue, type Notice } from '../../../../src/domain/outbox/outbox.ts';
import { worldPerTest, type World } from '../../../support/world.ts';

// The outbox's contract as the domain writes it (src/domain/outbox), and the approval card's key,
// which the domain computes in code and the outbox's pruning in SQL.

let w: World;
worldPerTest((x) => (w = x));

const write = (n: Notice) => inTransaction(w.db, (tx) => enqueue(tx, n, w.clock.now()));

describe('enqueue', () => {
  it('writes a notice for a person, or for a channel, once per key', async () => {
    await write({ dedupeKey: 'dm', kind: 'visit.logged', recipientId: w.people.rep1.id, payload: { visitId: 1 } });
    await write({ dedupeKey: 'team', kind: 'approval.update', channel: 'C0TEAM', payload: { requestId: 1 } });
    await write({ dedupeKey: 'team', kind: 'approval.update', channel: 'C0OTHER', payload: { requestId: 2 } });
    const rows = await w.db.outbox.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.dedupeKey, r.recipientId, r.channel, r.status, JSON.parse(r.payload)])).toEqual([
      ['dm', w.people.rep1.id, null, 'pending', { visitId: 1 }],
      ['team', null, 'C0TEAM', 'pending', { requestId: 1 }],
    ]);
  });

  it('refuses a notice for nobody', async () => {
    const nobody = { dedupeKey: 'x', kind: 'visit.logged', channel: '', payload: {} } as Notice;
    await expect(write(nobody)).rejects.toThrow('neither a recipient nor a channel');
    expect(await w.db.outbox.count()).toBe(0);
  });
});

describe('the approval card key', () => {
  it('is the same in SQL as in code', async () => {
    for (const [step, person] of [[1, 2], [37, 1005], [123_456, 7]] as const) {
      const [r] = await w.db.$queryRaw<{ k: string }[]>`SELECT ${cardKeySql(Prisma.sql`${step}`, Prisma.sql`${person}`)} AS "k"`;
      expect(r!.k).toBe(cardKey(step, person));
    }
  });

  it('finds every card the engine wrote from its step and recipient', async () => {
    await createOpportunity(w.deps, w.people.rep1, { storeId: (await w.store('Sunny Cafe')).id, name: 'Trial', amount: 100, expectedCloseAt: '2026-12-31' });
    const cards = await w.db.outbox.findMany({ where: { kind: 'approval.card' } });
    expect(cards.length).toBeGreaterThan(0);
    const matched = await w.db.$queryRaw<{ dedupeKey: string }[]>`SELECT o."dedupeKey" FROM "Outbox" o JOIN "ApprovalStep" st
      ON o."dedupeKey" = ${cardKeySql(Prisma.raw('st."id"'), Prisma.raw('o."recipientId"'))} ORDER BY o."dedupeKey"`;
    expect(matched.map((m) => m.dedupeKey)).toEqual(cards.map((c) => c.dedupeKey).sort());
  });
});

describe('an image notice', () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
  const image = { filename: 'chart.png', title: 'Chart', altText: 'A chart', content: png };

  it('carries the image in its payload, for a person or a channel', async () => {
    const n = imageNotice({ dedupeKey: 'chart:1', channel: 'C0TEAM' }, { ...image, comment: 'This week' });
    expect(n).toMatchObject({ kind: 'image.upload', channel: 'C0TEAM', payload: { filename: 'chart.png', title: 'Chart', altText: 'A chart', comment: 'This week' } });
    await write(n);
    await write(imageNotice({ dedupeKey: 'chart:2', recipientId: w.people.rep1.id }, image));
    const rows = await w.db.outbox.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.kind, r.channel, r.recipientId])).toEqual([['image.upload', 'C0TEAM', null], ['image.upload', null, w.people.rep1.id]]);
    const back = imageOf(JSON.parse(rows[1]!.payload));
    expect(Buffer.from(back.content).equals(Buffer.from(png))).toBe(true);
    expect(back).toMatchObject({ filename: 'chart.png', title: 'Chart', altText: 'A chart' });
    expect(back.comment).toBeUndefined();
  });

  it('is refused when Slack would not show it as an image, or when it is too large', () => {
    const to = { dedupeKey: 'x', channel: 'C0TEAM' };
    expect(() => imageNotice(to, { ...image, filename: 'chart.svg' })).toThrow('a .png, .jpg or .gif name');
    expect(() => imageNotice(to, { ...image, altText: '' })).toThrow();
    expect(() => imageNotice(to, { ...image, content: new Uint8Array(0) })).toThrow();
    expect(() => imageNotice(to, { ...image, content: new Uint8Array(MAX_IMAGE_BYTES + 1) })).toThrow('more than');
    expect(() => imageOf({ ...image, contentBase64: 'not base64!' })).toThrow();
  });
});
