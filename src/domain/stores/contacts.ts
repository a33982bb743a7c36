import { z } from 'zod';
import { inTransaction } from '../../db/client.ts';
import { audit } from '../audit/audit.ts';
import type { Deps } from '../deps.ts';
import { ForbiddenError } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { scopeFor } from '../org/scope.ts';
import { parse, plainText } from '../validation.ts';
import { idSchema, phoneSchema } from './fields.ts';
import { canEditStore, visibleStore } from './stores.ts';

export const contactSchema = z.object({
  storeId: idSchema,
  name: plainText(z.string().trim().min(1).max(60)),
  title: plainText(z.string().trim().max(60)).optional(),
  phone: phoneSchema.optional(),
  email: z.string().trim().max(120).pipe(z.email()).optional(),
  isPrimary: z.boolean().default(false),
});

/** One primary contact per store: making one primary demotes the others. The store's first contact is primary. */
export async function addContact(deps: Deps, actor: Actor, input: z.input<typeof contactSchema>) {
  const v = parse(contactSchema, input);
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const { scope } = await scopeFor(tx, actor);
    const store = await visibleStore(tx, scope, v.storeId);
    if (!canEditStore(scope, store)) throw new ForbiddenError('store.cannot_edit');
    const first = (await tx.contact.count({ where: { storeId: store.id } })) === 0;
    const primary = v.isPrimary || first;
    if (primary) await tx.contact.updateMany({ where: { storeId: store.id }, data: { isPrimary: false } });
    const contact = await tx.contact.create({
      data: { storeId: store.id, name: v.name, title: v.title ?? null, phone: v.phone ?? null, email: v.email ?? null, isPrimary: primary },
    });
    await audit(tx, { actorId: actor.id, action: 'contact.create', entity: 'contact', entityId: contact.id, after: contact, at: now });
    return contact;
  });
}
