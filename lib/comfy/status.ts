import 'server-only';
import { z } from 'zod';
import { comfyConfig, serverList } from './config';
import { isComfyUnreachable } from './errors';
import { ComfyRunner } from './runner';

export const ComfyUrlQuery = z.object({
  url: z.url({ protocol: /^https?$/, error: 'the ComfyUI URL must be an http(s) URL' }).optional(),
});

export const ComfyStatusSchema = z.object({
  url: z.string(),
  simulated: z.boolean(),
  reachable: z.boolean(),
  gpu: z.string().nullable(),
  /**
   * True for a server without a GPU (`/system_stats` device type `cpu`, as ComfyUI started with `--cpu` reports it,
   * recorded from v0.8.0): it reports system RAM as its VRAM, so `vram_free` is null then.
   */
  cpu: z.boolean(),
  vram_free: z.number().nullable(),
  error: z.string().nullable(),
  checkpoints: z.array(z.string()),
  loras: z.array(z.string()),
  /** KSampler's `sampler_name` and `scheduler` choices from `GET /object_info/KSampler`. */
  samplers: z.array(z.string()),
  schedulers: z.array(z.string()),
});
export type ComfyStatus = z.infer<typeof ComfyStatusSchema>;

/** The status light must not hang on a server that accepts connections and never answers. */
export const PROBE_TIMEOUT_MS = 5_000;

/**
 * Probes a ComfyUI server (default: `COMFYUI_URL`): `GET /system_stats` for the GPU and free VRAM, the checkpoint and
 * LoRA files (`GET /models/…`, or `/object_info` on older servers), and KSampler's samplers and schedulers, each
 * answer within PROBE_TIMEOUT_MS. Never throws: an unreachable, slow or garbled server gives `reachable: false` and
 * the error in words, naming the server.
 */
export async function probeComfy(url?: string): Promise<ComfyStatus> {
  const config = comfyConfig();
  // With several servers, the first one stands for the list here; generation checks each of them.
  const target = serverList(url || config.url)[0] ?? '';
  const simulated = config.simulated && serverList(config.url).includes(target);
  const runner = new ComfyRunner(target, { timeoutMs: PROBE_TIMEOUT_MS });
  try {
    const [stats, checkpoints, loras, samplers, schedulers] = await Promise.all([
      runner.systemStats(),
      runner.listModels('checkpoints'),
      runner.listModels('loras'),
      runner.inputChoices('KSampler', 'sampler_name').catch(() => []),
      runner.inputChoices('KSampler', 'scheduler').catch(() => []),
    ]);
    const gpu = stats.devices[0];
    const cpu = gpu?.type === 'cpu';
    return {
      url: target,
      simulated,
      reachable: true,
      gpu: cpu ? null : (gpu?.name ?? null),
      cpu,
      vram_free: cpu ? null : (gpu?.vram_free ?? null),
      error: null,
      checkpoints,
      loras,
      samplers,
      schedulers,
    };
  } catch (err) {
    return {
      url: target,
      simulated,
      reachable: false,
      gpu: null,
      cpu: false,
      vram_free: null,
      error: `${isComfyUnreachable(err) ? err.message : `ComfyUI at ${target} cannot be reached`}. Is it running, and is the URL right?`,
      checkpoints: [],
      loras: [],
      samplers: [],
      schedulers: [],
    };
  }
}
