// A file uploaded for an import, kept between its steps (mapping, preview, apply) in the Upload table.
// Only the account that uploaded it can read it, for a day; abandoned ones are removed at the next upload.
import { randomBytes } from 'node:crypto';
import { inTransaction } from '../../db/client.ts';
import { DAY_MS } from '../clock.ts';
import type { Deps } from '../deps.ts';

export const UPLOAD_TTL_MS = DAY_MS;
export type UploadKind = 'stores' | 'orders';

export interface Upload {
  id: string;
  filename: string;
  bytes: Buffer;
}

/** Keeps the file for its account and returns its id (random, unguessable); removes the expired ones. */
export async function saveUpload(deps: Deps, accountId: number, kind: UploadKind, file: { name: string; bytes: Buffer }): Promise<string> {
  const now = deps.clock.now();
  const id = randomBytes(18).toString('base64url');
  await inTransaction(deps.db, async (tx) => {
    await tx.upload.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - UPLOAD_TTL_MS) } } });
    await tx.upload.create({ data: { id, accountId, kind, filename: file.name.slice(0, 200), content: new Uint8Array(file.bytes), createdAt: now } });
  });
  return id;
}

/** The account's upload of this kind; null for someone else's, an expired one or an id that does not exist. */
export async function findUpload(deps: Deps, accountId: number, kind: UploadKind, id: string): Promise<Upload | null> {
  const row = await deps.db.upload.findUnique({ where: { id } });
  const fresh = row && deps.clock.now().getTime() - row.createdAt.getTime() < UPLOAD_TTL_MS;
  if (!row || !fresh || row.accountId !== accountId || row.kind !== kind) return null;
  return { id: row.id, filename: row.filename, bytes: Buffer.from(row.content) };
}

/** After the apply: the file is no longer needed. */
export async function discardUpload(deps: Deps, id: string): Promise<void> {
  await inTransaction(deps.db, (tx) => tx.upload.deleteMany({ where: { id } }));
}
