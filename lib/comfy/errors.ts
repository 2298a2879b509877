/** ComfyUI could not be reached (connection refused, DNS, timeout) or answered something that is not its protocol. */
export class ComfyUnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ComfyUnreachableError';
  }
}

/** `POST /prompt` answered 400: the graph failed ComfyUI's validation. `message` names the node and input. */
export class ComfyRejectedError extends Error {
  constructor(
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ComfyRejectedError';
  }
}

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
  }
}

/** Waiting for a prompt was called off by the workbench (cancel or pause). */
export class ComfyCancelledError extends Error {
  constructor(readonly promptId: string) {
    super('cancelled');
    this.name = 'ComfyCancelledError';
  }
}
