// The CSV import wizard of the console, one for every import (stores, orders): upload → columns →
// dry run → apply. The file is kept in the Upload table between the steps (domain/uploads); the
// columns are guessed and checked by the import's ColumnSpec (domain/imports/mapping.ts). Each
// import brings its dry run and its apply; the wizard brings the rest and the routes under `path`.
import type { Request, Response, Router } from 'express';
import { InvalidInputError, isDomainError, type DomainError } from '../../domain/errors.ts';
import type { CsvEncoding } from '../../domain/imports/csv.ts';
import type { ColumnMapping, ColumnSpec } from '../../domain/imports/mapping.ts';
import { html, type Html } from '../html.ts';
import { errorSummary, select, text } from './forms.ts';
import type { ConsoleKey } from '../i18n/index.ts';
import { csrfField, formErrors, handler, render, requireAdmin, tr, trMessage, uploadedFile, type ConsoleDeps } from './kit.ts';
import { loadUpload, saveUpload, type Upload, type UploadKind } from './uploads.ts';

/** What the first read of a file tells: shown on the mapping step, with the guessed columns chosen. */
export interface ImportFile<F extends string> {
  encoding: CsvEncoding;
  headers: string[];
  rows: number;
  guess: ColumnMapping<F>;
}

export interface ImportWizardSpec<F extends string> {
  kind: UploadKind;
  /** Where the wizard's pages are under /console, e.g. `/stores/import`. */
  path: string;
  /** Only admins import (every step answers 403 to anyone else). */
  adminOnly: boolean;
  columns: ColumnSpec<F, F>;
  /** The page's title, what to upload, the file field's hint, and "this upload is gone". */
  text: { title: ConsoleKey; intro: ConsoleKey; fileHint: ConsoleKey; gone: ConsoleKey };
  /** A field's label on the mapping form, and its hint (if any). */
  label: (req: Request, field: F) => string;
  hint?: (req: Request, field: F) => string;
  /**
   * Reads the file (throws, or rejects with, InvalidInputError for one that is not CSV). A big file's
   * read should give the event loop its turns (a promise): the upload step counts every row.
   */
  read: (req: Request, bytes: Buffer) => ImportFile<F> | Promise<ImportFile<F>>;
  /** The dry run of the file with this mapping; a mapping error thrown goes back to the mapping step. */
  preview: (req: Request, res: Response, cd: ConsoleDeps, upload: Upload, mapping: Record<F, string>) => Promise<void>;
  /** The import itself (and `discardUpload` once done); a mapping error thrown goes back to the mapping step. */
  apply: (req: Request, res: Response, cd: ConsoleDeps, upload: Upload, mapping: Record<F, string>) => Promise<void>;
}

export interface ImportWizard<F extends string> {
  /** The mapping as hidden fields, for a dry run's "apply" form. */
  hiddenMapping(mapping: Partial<Record<F, string>>): Html[];
  /** Registers the wizard's routes: `path` (GET the upload form, POST the file), `path/:id` (the mapping), `path/:id/preview`, `path/:id/apply`. */
  routes(router: Router, cd: ConsoleDeps): void;
}

export function importWizard<F extends string>(spec: ImportWizardSpec<F>): ImportWizard<F> {
  const { columns } = spec;
  /** A field's form name: the domain's issue path, so that an issue lands on its field. */
  const nameOf = (f: F): string => `${columns.pathPrefix}${f}`;
  const allRequired = columns.fields.every((f) => columns.required.includes(f));
  const guard = (req: Request) => {
    if (spec.adminOnly) requireAdmin(req);
  };
  const isMappingError = (e: unknown): e is DomainError => isDomainError(e) && (e.key === columns.messages.missing || e.key === columns.messages.invalid);

  /** The chosen columns, as the mapping step's form (or a dry run's hidden fields) sent them. */
  const mappingOf = (req: Request): Record<F, string> => Object.fromEntries(columns.fields.map((f) => [f, text(req.body?.[nameOf(f)])])) as Record<F, string>;

  const hiddenMapping = (mapping: Partial<Record<F, string>>): Html[] => columns.fields.map((f) => html`<input type="hidden" name="${nameOf(f)}" value="${mapping[f] ?? ''}">`);

  function uploadPage(req: Request, res: Response, error: string | null = null): void {
    render(req, res, {
      title: tr(req, spec.text.title),
      status: error ? 422 : 200,
      body: html`<h1>${tr(req, spec.text.title)}</h1>
        <p>${tr(req, spec.text.intro)}</p>
        <form method="post" action="/console${spec.path}" enctype="multipart/form-data" class="card">
          ${csrfField(req)}
          ${errorSummary(error ?? undefined)}
          <div class="field${error ? ' invalid' : ''}">
            <label for="${spec.kind}-file">${tr(req, 'wizard.file')}</label>
            <input id="${spec.kind}-file" type="file" name="file" accept=".csv,text/csv" required>
            <small class="muted">${tr(req, spec.text.fileHint)}</small>
          </div>
          <div class="actions"><button type="submit">${tr(req, 'wizard.upload')}</button></div>
        </form>`,
    });
  }

  async function receive(req: Request, res: Response, cd: ConsoleDeps): Promise<void> {
    const file = uploadedFile(req);
    if (!file || file.buffer.length === 0) return uploadPage(req, res, tr(req, 'wizard.no_file'));
    try {
      // Read now, so that a file that is not CSV is refused at once rather than at the next step.
      await spec.read(req, file.buffer);
    } catch (e) {
      if (e instanceof InvalidInputError) return uploadPage(req, res, trMessage(req, e));
      throw e;
    }
    const id = await saveUpload(cd, req, spec.kind, file);
    res.redirect(303, `/console${spec.path}/${id}`);
  }

  /** The mapping step: the guessed columns, or those chosen with the problems found in them. */
  async function mappingPage(req: Request, res: Response, cd: ConsoleDeps, chosen?: Record<F, string>, error?: DomainError): Promise<void> {
    const upload = await loadUpload(cd, req, spec.kind, spec.text.gone);
    const file = await spec.read(req, upload.bytes);
    const mapping: Partial<Record<F, string>> = chosen ?? file.guess;
    const errors = error ? formErrors(req, error) : { fields: {} as Record<string, string> };
    const options = (f: F) => [
      { value: '', label: tr(req, columns.required.includes(f) ? 'wizard.choose_column' : 'wizard.not_in_file') },
      ...file.headers.map((h) => ({ value: h, label: h })),
    ];
    // When every field is required, the marks would say nothing.
    const label = (f: F) => `${spec.label(req, f)}${!allRequired && columns.required.includes(f) ? ` (${tr(req, 'wizard.required')})` : ''}`;
    render(req, res, {
      title: tr(req, spec.text.title),
      status: error ? 422 : 200,
      body: html`<h1>${tr(req, spec.text.title)}</h1>
        <form method="post" action="/console${spec.path}/${upload.id}/preview" class="card" id="mapping">
          <h2>${tr(req, 'wizard.mapping')}</h2>
          <p class="muted">${tr(req, 'wizard.file_facts', { name: upload.filename, rows: file.rows, encoding: tr(req, `wizard.encoding.${file.encoding}`) })}</p>
          ${errorSummary(error ? trMessage(req, error) : undefined)}
          ${csrfField(req)}
          ${columns.fields.map((f) => select({ label: label(f), name: nameOf(f), options: options(f), value: mapping[f] ?? '', error: errors.fields[nameOf(f)], hint: spec.hint?.(req, f) }))}
          <div class="actions"><button type="submit">${tr(req, 'wizard.preview')}</button></div>
        </form>`,
    });
  }

  /** A step on the uploaded file with the chosen columns; a problem with the columns goes back to the mapping step (422). */
  const step = (cd: ConsoleDeps, run: ImportWizardSpec<F>['preview']) =>
    handler(async (req, res) => {
      guard(req);
      const upload = await loadUpload(cd, req, spec.kind, spec.text.gone);
      const mapping = mappingOf(req);
      try {
        await run(req, res, cd, upload, mapping);
      } catch (e) {
        if (isMappingError(e)) return mappingPage(req, res, cd, mapping, e);
        throw e;
      }
    });

  /** A step that needs no mapping yet: the upload form, the upload, the mapping form. */
  const page = (run: (req: Request, res: Response) => void | Promise<void>) =>
    handler(async (req, res) => {
      guard(req);
      await run(req, res);
    });

  return {
    hiddenMapping,
    routes(router, cd) {
      router.get(spec.path, page((req, res) => uploadPage(req, res)));
      router.post(spec.path, page((req, res) => receive(req, res, cd)));
      router.get(`${spec.path}/:id`, page((req, res) => mappingPage(req, res, cd)));
      router.post(`${spec.path}/:id/preview`, step(cd, spec.preview));
      router.post(`${spec.path}/:id/apply`, step(cd, spec.apply));
    },
  };
}
