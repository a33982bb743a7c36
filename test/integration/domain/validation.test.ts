import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApiToken } from '../../../src/domain/console/api-tokens.ts';
import { recordOrders } from '../../../src/domain/orders/orders.ts';
import { changeStage, createOpportunity } from '../../../src/domain/opportunities/opportunities.ts';
import { createUnit, renameUnit } from '../../../src/domain/org/units.ts';
import { addPerson } from '../../../src/domain/people/manage.ts';
import { saveRegion } from '../../../src/domain/regions/regions.ts';
import { addContact } from '../../../src/domain/stores/contacts.ts';
import { createStore } from '../../../src/domain/stores/stores.ts';
import { isPlainText, parse, plainText } from '../../../src/domain/validation.ts';
import { rejection, worldPerTest, type World } from '../../support/world.ts';

let w: World;
worldPerTest((x) => (w = x));

/** Control characters and bidirectional overrides that must never get into a name or an identifier. */
const HIDDEN = ['\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u009b', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\t', '\n', '\r', '\u2028'];

const refusedFor = async (field: string, p: Promise<unknown>) => {
  const e = await rejection(p);
  expect(e.code).toBe('invalid');
  expect(e.issues.find((i) => i.path === field)?.key, field).toBe('validation.control_chars');
};

describe('plainText', () => {
  it('refuses C0 and C1 controls and the bidi embeddings, overrides and isolates, with one message', () => {
    const schema = plainText(z.string().trim().min(1).max(100));
    for (const c of HIDDEN) {
      const e = (() => {
        try {
          parse(schema, `SO-1001${c}x`);
        } catch (err) {
          return err as { issues: { key: string }[] };
        }
        return null;
      })();
      expect(e?.issues[0]?.key, JSON.stringify(c)).toBe('validation.control_chars');
    }
    expect(parse(schema, '  外婆家（湖滨店） ')).toBe('外婆家（湖滨店）');
    expect(parse(schema, 'Café “Ünïcode” – ok ✓ 😀 עברית')).toBe('Café “Ünïcode” – ok ✓ 😀 עברית');
  });

  it('lets a multi-line text keep its line breaks and tabs, and nothing else of the kind', () => {
    expect(isPlainText('line 1\r\nline 2\n\tindented\u2028', { multiline: true })).toBe(true);
    for (const c of ['\u0000', '\u000b', '\u001b', '\u0085', '\u202e', '\u2066']) expect(isPlainText(`a${c}b`, { multiline: true }), JSON.stringify(c)).toBe(false);
  });
});

describe('every name and identifier of the domain', () => {
  it('refuses hidden characters: stores, contacts, people, units, regions, orders, opportunities, API tokens', async () => {
    const sunny = await w.store('Sunny Cafe');
    const t1 = await w.db.orgUnit.findUniqueOrThrow({ where: { key: 'hz-west-t1' } });
    const before = { stores: await w.db.store.count(), people: await w.db.person.count(), units: await w.db.orgUnit.count(), orders: await w.db.order.count() };

    await refusedFor('name', createStore(w.deps, w.people.rep1, { name: 'Evil\u202eanil', lng: 120.12, lat: 30.23 }));
    await refusedFor('address', createStore(w.deps, w.people.rep1, { name: 'Fine', address: '1 Road\u0000', lng: 120.12, lat: 30.23 }));
    await refusedFor('address', createStore(w.deps, w.people.rep1, { name: 'Fine', address: 'Floor 2\n\u202e1 Road', lng: 120.12, lat: 30.23 }));
    await refusedFor('name', addContact(w.deps, w.people.rep1, { storeId: sunny.id, name: 'Li\u2066Lei' }));
    await refusedFor('name', addPerson(w.deps, w.people.admin, { name: 'Zhou\u0000Min', role: 'rep', unitId: t1.id }));
    await refusedFor('name', createUnit(w.deps, w.people.admin, { key: 'x1', name: 'Unit\u202d', parentId: t1.id }));
    await refusedFor('name', renameUnit(w.deps, w.people.admin, { unitId: t1.id, name: 'Team\u009b1' }));
    const ring = [[121, 31], [121.1, 31], [121.1, 31.1], [121, 31.1], [121, 31]];
    await refusedFor('name', saveRegion(w.deps, w.people.admin, { key: 'far', name: 'Far\u202e', unitId: t1.id, polygon: { type: 'Polygon', coordinates: [ring] } as never }));
    const order = { orderNo: 'SO-1001\u0000', storeCode: sunny.code, amount: 100, orderedAt: new Date('2026-11-21T00:00:00Z') };
    expect((await rejection(recordOrders(w.deps, [order]))).code).toBe('invalid');
    expect((await rejection(recordOrders(w.deps, [{ ...order, orderNo: 'SO-\u202e1001' }]))).code).toBe('invalid');
    expect((await rejection(recordOrders(w.deps, [{ ...order, orderNo: 'SO-1001', storeCode: `${sunny.code}\u0000` }]))).code).toBe('invalid');
    await refusedFor('name', createOpportunity(w.deps, w.people.rep1, { storeId: sunny.id, name: 'Deal\u202e', amount: 100, expectedCloseAt: '2026-12-31' }));
    await refusedFor('name', createApiToken(w.deps, w.people.admin, { name: 'ERP\u0000' }));

    expect({ stores: await w.db.store.count(), people: await w.db.person.count(), units: await w.db.orgUnit.count(), orders: await w.db.order.count() }).toEqual(before);
  });

  it('keeps line breaks in notes, but not hidden direction marks', async () => {
    const sunny = await w.store('Sunny Cafe');
    const o = await createOpportunity(w.deps, w.people.rep1, { storeId: sunny.id, name: 'Deal', amount: 100, expectedCloseAt: '2026-12-31', notes: 'first line\nsecond line' });
    expect(o.notes).toBe('first line\nsecond line');
    await refusedFor('notes', createOpportunity(w.deps, w.people.rep1, { storeId: sunny.id, name: 'Deal 2', amount: 100, expectedCloseAt: '2026-12-31', notes: 'pay to \u202eNC1 tnuocca' }));
    await refusedFor('note', changeStage(w.deps, w.people.rep1, o.id, { stage: 'proposal', note: 'ok\u0000' }));
  });
});
