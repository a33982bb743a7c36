// A file uploaded for an import, kept between its steps (mapping, preview, apply) in the Upload table.
// Only the account that uploaded it can read it, for a day; abandoned ones are removed at the next upload.
import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { NotFoundError } from '../../domain/errors.ts';
import { keyParam, session, type ConsoleDeps, type UploadedFile } from './kit.ts';

export const UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;
export type UploadKind = 'stores' | 'orders';

export interface Upload {
  id: string;
  filename: string;
  bytes: Buffer;
}

export async function saveUpload(cd: ConsoleDeps, req: Request, kind: UploadKind, file: UploadedFile): Promise<string> {
  const now = cd.deps.clock.now();
  const id = randomBytes(18).toString('base64url');
  await cd.deps.db.upload.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - UPLOAD_TTL_MS) } } });
  await cd.deps.db.upload.create({
    data: { id, accountId: session(req).account.id, kind, filename: file.name.slice(0, 200), content: new Uint8Array(file.buffer), createdAt: now },
  });
  return id;
}

/** The upload of `req.params.id` for this account; someone else's, an expired one or a made-up id are "not found" (`missingKey`). */
export async function loadUpload(cd: ConsoleDeps, req: Request, kind: UploadKind, missingKey: string): Promise<Upload> {
  const id = keyParam(req, missingKey);
  const row = await cd.deps.db.upload.findUnique({ where: { id } });
  const fresh = row && cd.deps.clock.now().getTime() - row.createdAt.getTime() < UPLOAD_TTL_MS;
  if (!row || !fresh || row.accountId !== session(req).account.id || row.kind !== kind) throw new NotFoundError(missingKey);
  return { id: row.id, filename: row.filename, bytes: Buffer.from(row.content) };
}

/** After the apply: the file is no longer needed. */
export async function discardUpload(cd: ConsoleDeps, id: string): Promise<void> {
  await cd.deps.db.upload.deleteMany({ where: { id } });
}
