import type { ZodError } from 'zod';

/**
 * Error codes the API returns, each with its HTTP status: the one table every error of the project maps through
 * (README "Status codes").
 */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_setup: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  locked: 409,
  needs_migration: 409,
  payload_too_large: 413,
  damaged: 422,
  rate_limited: 429,
  internal: 500,
  comfy_unreachable: 502,
  comfy_rejected: 502,
  llm_unreachable: 502,
  llm_rejected: 502,
  llm_bad_answer: 502,
  disk_full: 507,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * The brand of the project's errors. Next.js bundles a module into every route and into the instrumentation hook, so
 * an error thrown by one copy (e.g. the job manager kept on globalThis) fails `instanceof` against another copy's
 * class. `Symbol.for` is one registry per process, so the brand is the same in every bundle.
 */
const BRAND = Symbol.for('lorabench.error');

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** A failure meant for the client: it leaves a route handler as `{error: {code, message}}` with the code's status. */
export class ApiError extends Error {
  readonly [BRAND] = 'api';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toJSON(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

/** Whether `err` carries the brand `kind` (see BRAND), from whichever copy of its module it was thrown. */
export function hasBrand(err: unknown, kind: string): boolean {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === kind;
}

/** Marks `err` with the brand `kind`, for error classes that live outside this module (lib/comfy/errors.ts). */
export function brand<T extends Error>(err: T, kind: string): T {
  Object.defineProperty(err, BRAND, { value: kind, enumerable: false });
  return err;
}

/** Whether `err` is an ApiError of any copy of this module, with a code of the table. */
export function isApiError(err: unknown): err is ApiError {
  const code = (err as { code?: unknown } | null)?.code;
  return hasBrand(err, 'api') && typeof code === 'string' && Object.hasOwn(ERROR_STATUS, code);
}

/** Whether `err` is a zod validation error (by its name and issues, not by class: zod may be bundled twice). */
export function isZodError(err: unknown): err is ZodError {
  const e = err as { name?: unknown; issues?: unknown } | null;
  return typeof e === 'object' && e !== null && (e.name === 'ZodError' || e.name === '$ZodError') && Array.isArray(e.issues);
}

/** The first zod issue as one readable sentence, e.g. `seeds.2: seeds must be whole numbers`. */
export function describeZodError(err: ZodError): string {
  const issue = err.issues[0];
  if (!issue) return 'invalid input';
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}

/** What each "no room to write" errno means, in words. */
const NO_ROOM: Record<string, string> = {
  ENOSPC: 'the disk is full (ENOSPC: no space left on device)',
  EDQUOT: 'the disk quota is used up (EDQUOT)',
  EFBIG: 'the file size limit is reached (EFBIG)',
};

/**
 * The ApiError `disk_full` (HTTP 507 Insufficient Storage) for a write that failed for lack of room (errno ENOSPC,
 * EDQUOT or EFBIG), else null. Session files are written atomically, so the previous version is still in place.
 */
export function diskFullError(err: unknown): ApiError | null {
  const what = NO_ROOM[(err as NodeJS.ErrnoException | null)?.code ?? ''];
  if (!what) return null;
  return new ApiError('disk_full', `Could not save: ${what}. The previous version is kept; free some disk space and try again.`);
}

/** The message of any thrown value, for logs and error messages. */
export function messageOf(err: unknown): string {
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(err);
}
