// Test behaviours of the simulator: knobs a test (in-process via `RunningSimulator.setBehaviour`, or over HTTP via
// `POST /__sim/behaviour`) turns to make the simulated ComfyUI misbehave the way real servers do. Not part of
// ComfyUI's API.
import { z } from 'zod';

/** The full behaviour state (`GET /__sim/behaviour`). */
export interface SimBehaviour {
  /**
   * How a prompt's end is announced. `modern` (default): `execution_success` (or error/interrupted), then
   * `executing {node: null}`. `legacy`: like servers before mid-2024, no `execution_success` at all (neither on the
   * socket nor in the history status messages); only the final `executing {node: null}` marks the end.
   */
  completion: 'modern' | 'legacy';
  /**
   * Whether a fully cached output node still sends `executed` with its images (true, default: ComfyUI v0.8.0, recorded
   * `gen.b`). false: like older servers (execution.py `recursive_execute` returned early for a node in `outputs`),
   * a cached prompt sends no `executed` at all.
   */
  cachedExecuted: boolean;
  /**
   * Whether `progress_state` (comfy_execution/progress.py `WebUIProgressHandler`, broadcast to every socket) is sent
   * when a node starts, per sampler step and when it finishes. Default true (v0.8.0); false: servers before it.
   */
  progressState: boolean;
  /**
   * Whether the server negotiates feature flags (server.py `websocket_handler`: a first client message
   * `{"type": "feature_flags"}` is answered with the server's flags, and a client that set `supports_preview_metadata`
   * gets previews as binary event 4, PREVIEW_IMAGE_WITH_METADATA) and has `GET /features`. Default true (v0.8.0);
   * false: older servers ignore the message, have no `/features` and send only event 1.
   */
  featureFlags: boolean;
  /**
   * What `POST /prompt` does with a client-chosen `prompt_id`. `any` (default, v0.8.0, recorded `pid.*`): any string is
   * accepted and keys the history. `uuid`: newer servers accept only a lowercase canonical UUID and answer 400
   * `invalid_prompt_id` otherwise. `ignored`: servers before mid-2025 pick their own id.
   */
  promptId: 'any' | 'uuid' | 'ignored';
  /** The next N prompts to start executing fail with `execution_error` halfway through their sampler. Default 0. */
  failNext: number;
  /** `exception_message` of those failures. */
  failMessage: string;
  /** `exception_type` of those failures (a Python exception class name). Default `RuntimeError`. */
  failType: string;
  /** The next N prompts to start executing stop halfway through their sampler with `execution_interrupted`. */
  interruptNext: number;
  /**
   * During the next prompt to start executing, once this many `progress` steps have been sent (0: when its
   * sampler starts), every WebSocket is terminated abruptly; execution goes on and history is written as usual.
   * Reset to null when that prompt starts (one-shot). Default null.
   */
  dropSocketsAfterSteps: number | null;
  /**
   * Answer HTTP routes with garbage instead of ComfyUI's protocol, as a proxy or another program on the port would:
   * `body` `html` (an HTML error page), `text` (plain text, not JSON) or `wrong_shape` (the JSON `{"detail": "Not
   * Found"}`), with HTTP `status` (default 200). `routes`: the first path segments it applies to, with or without the
   * `/api` prefix (e.g. `["prompt", "view"]`); empty (default): every route. WebSocket upgrades and the `/__sim`
   * routes are never garbled. Default null.
   */
  garbage: { body: 'html' | 'text' | 'wrong_shape'; status: number; routes: string[] } | null;
}

export const DEFAULT_BEHAVIOUR: Readonly<SimBehaviour> = {
  completion: 'modern',
  cachedExecuted: true,
  progressState: true,
  featureFlags: true,
  promptId: 'any',
  failNext: 0,
  failMessage: 'Simulated sampler failure (failNext)',
  failType: 'RuntimeError',
  interruptNext: 0,
  dropSocketsAfterSteps: null,
  garbage: null,
};

/** Schema of a behaviour patch: any subset of the fields; unknown keys are rejected. */
export const BehaviourPatch = z.strictObject({
  completion: z.enum(['modern', 'legacy']).optional(),
  cachedExecuted: z.boolean().optional(),
  progressState: z.boolean().optional(),
  featureFlags: z.boolean().optional(),
  promptId: z.enum(['any', 'uuid', 'ignored']).optional(),
  failNext: z.number().int().min(0).max(1_000_000).optional(),
  failMessage: z.string().optional(),
  failType: z
    .string()
    .regex(/^[A-Za-z_][\w.]*$/, 'a Python exception class name')
    .optional(),
  interruptNext: z.number().int().min(0).max(1_000_000).optional(),
  dropSocketsAfterSteps: z.number().int().min(0).max(1_000_000).nullable().optional(),
  garbage: z
    .strictObject({
      body: z.enum(['html', 'text', 'wrong_shape']),
      status: z.number().int().min(200).max(599).default(200),
      routes: z.array(z.string().regex(/^[a-z_]+$/, 'a first path segment such as "prompt"')).default([]),
    })
    .nullable()
    .optional(),
});
/** A patch as a caller writes it (`garbage.status` and `garbage.routes` may be left out). */
export type BehaviourPatch = z.input<typeof BehaviourPatch>;

/**
 * Validates `patch` and applies it to `state` in place. Returns null on success, else a readable error (state is
 * left untouched then).
 */
export function applyBehaviourPatch(state: SimBehaviour, patch: unknown): string | null {
  const r = BehaviourPatch.safeParse(patch);
  if (!r.success) return z.prettifyError(r.error);
  for (const [k, v] of Object.entries(r.data)) {
    if (v !== undefined) (state as unknown as Record<string, unknown>)[k] = v;
  }
  return null;
}
