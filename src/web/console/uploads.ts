// The import uploads of the signed-in account (domain/uploads), by the id in the request's path.
import type { Request } from 'express';
import { NotFoundError } from '../../domain/errors.ts';
import { discardUpload as discard, findUpload, saveUpload as save, type Upload, type UploadKind } from '../../domain/uploads/uploads.ts';
import { keyParam, session, type ConsoleDeps, type UploadedFile } from './kit.ts';

export type { Upload, UploadKind };

export function saveUpload(cd: ConsoleDeps, req: Request, kind: UploadKind, file: UploadedFile): Promise<string> {
  return save(cd.deps, session(req).account.id, kind, { name: file.name, bytes: file.buffer });
}

/** The upload of `req.params.id` for this account; someone else's, an expired one or a made-up id are "not found" (`missingKey`). */
export async function loadUpload(cd: ConsoleDeps, req: Request, kind: UploadKind, missingKey: string): Promise<Upload> {
  const upload = await findUpload(cd.deps, session(req).account.id, kind, keyParam(req, missingKey));
  if (!upload) throw new NotFoundError(missingKey);
  return upload;
}

export function discardUpload(cd: ConsoleDeps, id: string): Promise<void> {
  return discard(cd.deps, id);
}
