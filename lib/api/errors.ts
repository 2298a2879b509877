/** Error codes the API returns, each with its HTTP status. */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_setup: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  locked: 409,
  damaged: 422,
  comfy_unreachable: 502,
  comfy_rejected: 502,
  disk_full: 507,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** A failure meant for the client: it leaves a route handler as `{error: {code, message}}` with the code's status. */
export class ApiError extends Error {
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

  toJSON(): { error: { code: ErrorCode; message: string; details?: unknown } } {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
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
