// Typed domain errors. Each carries a stable code (for adapters: HTTP status, Slack reply) and a
// message key with parameters, translated by the adapters through src/i18n.
export type DomainErrorCode = 'not_found' | 'forbidden' | 'conflict' | 'limit_reached' | 'invalid';

export type MessageParams = Record<string, string | number | Date | null | undefined>;

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly key: string;
  readonly params: MessageParams;
  /** Problems by field path, for forms (`{ 'people[3].unit': 'no unit "hz-wst"' }`). */
  readonly issues: Issue[];

  constructor(code: DomainErrorCode, key: string, params: MessageParams = {}, issues: Issue[] = []) {
    super(`${key} ${JSON.stringify(params)}`);
    this.name = 'DomainError';
    this.code = code;
    this.key = key;
    this.params = params;
    this.issues = issues;
  }
}

export interface Issue {
  path: string;
  key: string;
  params?: MessageParams;
}

export class NotFoundError extends DomainError {
  constructor(key: string, params: MessageParams = {}) {
    super('not_found', key, params);
  }
}
export class ForbiddenError extends DomainError {
  constructor(key: string, params: MessageParams = {}) {
    super('forbidden', key, params);
  }
}
export class ConflictError extends DomainError {
  constructor(key: string, params: MessageParams = {}) {
    super('conflict', key, params);
  }
}
export class LimitReachedError extends DomainError {
  constructor(key: string, params: MessageParams = {}) {
    super('limit_reached', key, params);
  }
}
export class InvalidInputError extends DomainError {
  constructor(key: string, params: MessageParams = {}, issues: Issue[] = []) {
    super('invalid', key, params, issues);
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
