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

/** The prompt ran and failed (`execution_error`), was interrupted, or vanished from ComfyUI's queue and history. */
export class ComfyExecutionError extends Error {
  constructor(
    message: string,
    readonly promptId: string,
  ) {
    super(message);
    this.name = 'ComfyExecutionError';
  }
}
