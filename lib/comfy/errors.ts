import { brand, hasBrand } from '@/lib/api/errors';

// Each class is branded (lib/api/errors.ts): the job manager lives in another bundle than the routes, so these are
// recognised with the is* functions below, never with instanceof.

/** ComfyUI could not be reached (connection refused, DNS, timeout) or answered something that is not its protocol. */
export class ComfyUnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ComfyUnreachableError';
    brand(this, 'comfy_unreachable');
  }
}

/** Whether `err` is a ComfyUnreachableError (of any bundle's copy of this module). */
export const isComfyUnreachable = (err: unknown): err is ComfyUnreachableError => hasBrand(err, 'comfy_unreachable');

/** What an errno code of a failed connection means, in words. */
const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'refused the connection',
  ECONNRESET: 'closed the connection without an answer',
  UND_ERR_SOCKET: 'closed the connection without an answer',
  ENOTFOUND: 'cannot be reached: its host name does not resolve',
  EAI_AGAIN: 'cannot be reached: its host name does not resolve',
  EHOSTUNREACH: 'cannot be reached: no route to its host',
};

/**
 * The ComfyUnreachableError for a request `what` (e.g. `GET /system_stats`) to `baseUrl` that failed with `err`, as
 * thrown by fetch (errno code in `cause`, `TimeoutError` from AbortSignal.timeout) or ws (errno code on the error):
 * `ComfyUI at <url> refused the connection (GET /system_stats: ECONNREFUSED)`, `… did not answer GET /queue within 5 s`.
 */
export function networkFailure(baseUrl: string, what: string, err: unknown, timeoutMs: number): ComfyUnreachableError {
  const e = err as { name?: unknown; code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (e?.name === 'TimeoutError') {
    return new ComfyUnreachableError(`ComfyUI at ${baseUrl} did not answer ${what} within ${timeoutMs / 1000} s`, { cause: err });
  }
  const code = typeof e?.cause?.code === 'string' ? e.cause.code : typeof e?.code === 'string' ? e.code : '';
  const detail = code || String(e?.cause?.message ?? e?.message ?? err);
  return new ComfyUnreachableError(`ComfyUI at ${baseUrl} ${NETWORK_CODES[code] ?? 'cannot be reached'} (${what}: ${detail})`, {
    cause: err,
  });
}

/** `POST /prompt` answered 400: the graph failed ComfyUI's validation. `message` names the node and input. */
export class ComfyRejectedError extends Error {
  constructor(
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ComfyRejectedError';
    brand(this, 'comfy_rejected');
  }
}

/** Whether `err` is a ComfyRejectedError. */
export const isComfyRejected = (err: unknown): err is ComfyRejectedError => hasBrand(err, 'comfy_rejected');

/**
 * The prompt ran and failed (`execution_error`, reason `error`), was interrupted (`interrupted`), or vanished from
 * ComfyUI's queue and history, as after a ComfyUI restart (`lost`: submit it again).
 */
export class ComfyExecutionError extends Error {
  constructor(
    message: string,
    readonly promptId: string,
    readonly reason: 'error' | 'interrupted' | 'lost' = 'error',
  ) {
    super(message);
    this.name = 'ComfyExecutionError';
    brand(this, 'comfy_execution');
  }
}

/** Whether `err` is a ComfyExecutionError. */
export const isComfyExecution = (err: unknown): err is ComfyExecutionError => hasBrand(err, 'comfy_execution');

/** Waiting for a prompt was called off by the workbench (cancel or pause). */
export class ComfyCancelledError extends Error {
  constructor(readonly promptId: string) {
    super('cancelled');
    this.name = 'ComfyCancelledError';
    brand(this, 'comfy_cancelled');
  }
}

/** Whether `err` is a ComfyCancelledError. */
export const isComfyCancelled = (err: unknown): err is ComfyCancelledError => hasBrand(err, 'comfy_cancelled');
