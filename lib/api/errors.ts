import { flattenError, type ZodError } from 'zod';

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
  blind_rating: 409,
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

/**
 * One zod issue in words, without its top-level field: positions inside arrays count from 1, as a form numbers them
 * (`#2 positive: every prompt needs positive text` for `prompt_pairs.1.positive`).
 */
function issueWords(issue: ZodError['issues'][number]): string {
  const where = issue.path
    .slice(1)
    .map((p) => (typeof p === 'number' ? `#${p + 1}` : String(p)))
    .join(' ');
  return where ? `${where}: ${issue.message}` : issue.message;
}

/**
 * The first message for each top-level field of a zod error (zod's own `z.flattenError`, with issueWords), e.g.
 * `{seeds: "#3: seeds must be whole numbers from 0 to 2^53-1"}`; problems of the whole value under `''`. Setup shows
 * these next to its fields; describeZodError makes the same words one sentence for an API answer.
 */
export function fieldMessages(err: ZodError): Record<string, string> {
  const flat = flattenError(err, issueWords) as { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> };
  const out: Record<string, string> = {};
  if (flat.formErrors[0]) out[''] = flat.formErrors[0];
  for (const [field, messages] of Object.entries(flat.fieldErrors)) if (messages?.[0]) out[field] = messages[0];
  return out;
}

/** A zod error as one sentence a user can read: its first issue, with its field (`seeds #3: must be …`). */
export function describeZodError(err: ZodError): string {
  const issue = err.issues[0];
  if (!issue) return 'invalid input';
  const field = issue.path[0];
  return field === undefined ? issue.message : `${String(field)}${issue.path.length > 1 ? ' ' : ': '}${issueWords(issue)}`;
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
