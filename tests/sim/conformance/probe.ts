import type { Server } from './server';

/** One conformance probe: a request or a WebSocket conversation and the answer real ComfyUI gives. */
export interface Probe {
  name: string;
  /**
   * Where `expected` comes from: the probe of /work/shared/comfyui-v0.8.0/transcript.json it was recorded as ("recorded
   * `key`", ComfyUI v0.8.0, commit fc0cb10) and the ComfyUI file and function that gives it.
   */
  source: string;
  /** Real ComfyUI's answer, in the form `observe` returns. */
  expected: unknown;
  /** Asks the server and returns its answer, reduced to what does not depend on the machine or the moment. */
  observe(server: Server): Promise<unknown>;
}
