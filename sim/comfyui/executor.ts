// Runs one queued prompt the way ComfyUI's PromptExecutor does (execution.py `execute`, main.py `prompt_worker`):
// `execution_start`, `execution_cached`, then per node `executing` (+ `progress` per sampler step, `executed` for
// SaveImage), then `execution_success` / `execution_error` / `execution_interrupted`. Node outputs are cached by
// input signature across prompts (only the signatures of the latest prompt are kept, like ComfyUI's classic cache),
// so an identical resubmission runs nothing and points at the old files. Two graph styles render: KSampler graphs
// (CheckpointLoaderSimple, LoraLoader, EmptyLatentImage) and Flux-style graphs (UNETLoader, DualCLIPLoader,
// VAELoader, LoraLoaderModelOnly, FluxGuidance, RandomNoise, KSamplerSelect, BasicScheduler, BasicGuider,
// SamplerCustomAdvanced, EmptySD3LatentImage). A {@link RunPlan} injects test behaviours into one run.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { nodeClass, SAMPLER_CLASSES } from './catalog';
import { executionOrder } from './execution-order';
import { previewFrame, previewFrameWithMetadata } from './preview-frames';
import { ProgressState } from './progress-state';
import { pyJsonDumps } from './py';
import type { HistoryEntry, ImageRef, NodeMeta, QueueItem, UiOutput } from './queue';
import { queueTuple } from './queue';
import { imageSize, renderPng, renderPreviewJpeg, type LoraApplication, type RenderSpec } from './render';
import { isLink, type ApiGraph } from './validate';

/** How the executor talks to sockets. `sid` null means every socket. */
export interface ExecutorHooks {
  send(type: string, data: Record<string, unknown>, sid: string | null): void;
  sendBinary(data: Buffer, sid: string | null): void;
  /** Whether the socket `sid` announced `supports_preview_metadata` in its feature flags (and the server honours them). */
  supportsPreviewMetadata(sid: string | null): boolean;
  /** Closes every WebSocket abruptly (used by {@link RunPlan.dropSocketsAfterSteps}). */
  dropSockets?(): void;
}

/** Executor settings. */
export interface ExecutorOptions {
  /** SaveImage's folder. */
  outputDir: string;
  /** Delay per sampler step, ms (ignored when `renderMs` is set). */
  stepDelayMs: number;
  /** Fixed sampling time per image, ms, spread evenly over the steps; null/undefined: use `stepDelayMs`. */
  renderMs?: number | null;
  /** Send a binary JPEG preview frame per sampler step (event 4 to clients that asked for metadata, else event 1). */
  previews: boolean;
}

/** Test behaviours for one run, decided by the server when the prompt leaves the queue. */
export interface RunPlan {
  /** `legacy`: no `execution_success` (neither sent nor in the history messages), like servers before mid-2024. */
  completion?: 'modern' | 'legacy';
  /** false: a cached output node sends no `executed` (servers before v0.8.0-era caching). Default true. */
  cachedExecuted?: boolean;
  /** false: no `progress_state` messages. Default true. */
  progressState?: boolean;
  /** Raise `execution_error` with this message/type halfway through the sampler. */
  fail?: { message: string; type: string };
  /** Stop with `execution_interrupted` halfway through the sampler. */
  interrupt?: boolean;
  /** Call `hooks.dropSockets()` once this many progress steps of the run have been sent (0: at sampler start). */
  dropSocketsAfterSteps?: number | null;
}

interface LoraRef {
  name: string;
  strength: number;
}
type Sampled = Omit<RenderSpec, 'width' | 'height'>;
type Value =
  | { t: 'MODEL'; ckpt: string; loras: LoraRef[] }
  | { t: 'CLIP'; ckpt: string; loras: LoraRef[] }
  | { t: 'VAE'; ckpt: string }
  | { t: 'CONDITIONING'; text: string; clip: { ckpt: string; loras: LoraRef[] }; guidance?: number }
  | { t: 'LATENT'; width: number; height: number; batch: number; sampled?: Sampled }
  | { t: 'IMAGE'; specs: RenderSpec[] }
  | { t: 'NOISE'; seed: number }
  | { t: 'SAMPLER'; name: string }
  | { t: 'SIGMAS'; steps: number; scheduler: string; denoise: number }
  | { t: 'GUIDER'; model: Extract<Value, { t: 'MODEL' }> | null; conditioning: Extract<Value, { t: 'CONDITIONING' }> | null };

interface CacheEntry {
  outputs: Value[];
  ui?: UiOutput;
}

class Interrupted extends Error {
  constructor(readonly nodeId: string) {
    super('Processing interrupted');
  }
}

class NodeFailure extends Error {
  constructor(
    readonly nodeId: string,
    readonly cause: Error,
    readonly inputs: Record<string, unknown>,
    readonly exceptionType = 'Exception',
    readonly traceback: string[] | null = null,
  ) {
    super(cause.message);
  }
}

/** One execute() call: its messages go out only while it has not been abandoned (see {@link Executor.abandon}). */
interface Run {
  item: QueueItem;
  clientId: string | null;
  plan: RunPlan;
  abandoned: boolean;
  /** Progress steps sent so far in this run. */
  steps: number;
  dropped: boolean;
  /** The node where a planned failure / interrupt strikes (a sampler that runs, else the first node that runs). */
  strikeNode: string | null;
  progress: ProgressState;
  send(type: string, data: Record<string, unknown>, sid: string | null): void;
}

const TB_EXECUTE =
  '  File "/ComfyUI/execution.py", line 496, in execute\n    output_data, output_ui, has_subgraph = await get_output_data(...)\n';

/**
 * `folder_paths.get_save_image_path` + SaveImage naming: resolves a `filename_prefix` (with `%width%`, `%height%`,
 * `%year%`... substituted) to the folder, the file stem, the next free counter (max existing `<stem>_NNNNN_` + 1)
 * and the `subfolder` to report. Throws (an execution error, like ComfyUI) for a prefix that is absolute or has a
 * `..` segment, i.e. one that would save outside `outputDir`.
 */
export async function saveImagePath(
  prefix: string,
  outputDir: string,
  width: number,
  height: number,
): Promise<{ folder: string; filename: string; counter: number; subfolder: string }> {
  let p = prefix;
  if (p.includes('%')) {
    const now = new Date();
    const z = (n: number) => String(n).padStart(2, '0');
    p = p
      .replaceAll('%width%', String(width))
      .replaceAll('%height%', String(height))
      .replaceAll('%year%', String(now.getFullYear()))
      .replaceAll('%month%', z(now.getMonth() + 1))
      .replaceAll('%day%', z(now.getDate()))
      .replaceAll('%hour%', z(now.getHours()))
      .replaceAll('%minute%', z(now.getMinutes()))
      .replaceAll('%second%', z(now.getSeconds()));
  }
  const root = path.resolve(outputDir);
  const norm = path.posix.normalize(p.replace(/\\/g, '/'));
  const folderRel = path.posix.dirname(norm);
  const full = path.resolve(root, folderRel);
  if (path.isAbsolute(p) || p.split(/[\\/]/).includes('..') || (full !== root && !full.startsWith(root + path.sep))) {
    throw new Error(
      `**** ERROR: Saving image outside the output folder is not allowed.\n full_output_folder: ${full}\n         output_dir: ${root}`,
    );
  }
  const filename = path.posix.basename(norm);
  const subfolder = folderRel === '.' ? '' : folderRel;
  let counter = 1;
  try {
    let max = 0;
    for (const f of await readdir(full)) {
      if (!f.startsWith(`${filename}_`)) continue;
      const digits = /^\d+/.exec(f.slice(filename.length + 1).split('_')[0] ?? '');
      if (digits) max = Math.max(max, Number.parseInt(digits[0], 10));
    }
    counter = max + 1;
  } catch {
    await mkdir(full, { recursive: true });
  }
  return { folder: full, filename, counter, subfolder };
}

/** A minimal UI-format workflow for the PNG `workflow` chunk when the client sent no `extra_pnginfo.workflow`. */
function minimalWorkflow(prompt: ApiGraph): Record<string, unknown> {
  const ids = Object.keys(prompt)
    .map((k) => Number.parseInt(k, 10))
    .filter(Number.isFinite);
  return {
    last_node_id: ids.length ? Math.max(...ids) : 0,
    last_link_id: 0,
    nodes: [],
    links: [],
    groups: [],
    config: {},
    extra: { simulator: 'lora-bench comfyui simulator' },
    version: 0.4,
  };
}

/** Node signature for the cache: class + inputs, links replaced by the linked node's signature (ancestors included). */
function signatures(prompt: ApiGraph): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (id: string, stack: Set<string>): string => {
    const known = out.get(id);
    if (known) return known;
    const node = prompt[id];
    if (!node || stack.has(id)) return `missing:${id}`;
    stack.add(id);
    const parts: unknown[] = [node.class_type];
    for (const key of Object.keys(node.inputs).sort()) {
      const v = node.inputs[key];
      parts.push([key, isLink(v) ? ['ANCESTOR', visit(v[0], stack), v[1]] : v]);
    }
    stack.delete(id);
    const sig = JSON.stringify(parts);
    out.set(id, sig);
    return sig;
  };
  for (const id of Object.keys(prompt)) visit(id, new Set());
  return out;
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** Runs prompts one at a time; keeps the node cache between prompts. */
export class Executor {
  private readonly cache = new Map<string, CacheEntry>();
  private interruptRequested = false;
  private disposed = false;
  private wake: (() => void) | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private run: Run | null = null;
  /** The prompt being executed and its current node (for `executing` on reconnect, and `/interrupt`). */
  current: { promptId: string; clientId: string | null; node: string | null } | null = null;

  constructor(
    private readonly opts: ExecutorOptions,
    private readonly hooks: ExecutorHooks,
  ) {}

  /** Asks the running prompt to stop at the next check (before a node or after a sampler step). No-op when idle. */
  interrupt(): void {
    if (!this.current) return;
    this.interruptRequested = true;
    this.wake?.();
  }

  /**
   * Gives up the running prompt silently (a simulated server restart): it stops at its next check, sends nothing
   * more, caches nothing; its execute() still resolves (the caller must drop that entry). No-op when idle.
   */
  abandon(): void {
    if (this.run) this.run.abandoned = true;
    this.interrupt();
    this.current = null;
  }

  /** Forgets every cached node output (a restarted server starts cold). */
  clearCache(): void {
    this.cache.clear();
  }

  /** Stops for good: the running prompt is interrupted, later ones stop at their first check; timers are cleared. */
  dispose(): void {
    this.disposed = true;
    this.interrupt();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private sleep(ms: number): Promise<void> {
    if (this.disposed) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(
        () => {
          this.timers.delete(t);
          this.wake = null;
          resolve();
        },
        Math.max(0, ms),
      );
      this.timers.add(t);
      this.wake = () => {
        clearTimeout(t);
        this.timers.delete(t);
        this.wake = null;
        resolve();
      };
    });
  }

  private check(nodeId: string, run?: Run): void {
    if (this.interruptRequested || this.disposed || run?.abandoned) throw new Interrupted(nodeId);
  }

  /**
   * Executes one queue item and returns its history entry (ComfyUI `execute` + `task_done` data). Sends the
   * `execution_*`, `executing`, `progress`, `executed` messages through the hooks, only to the item's `client_id`
   * (no `client_id`: no `execution_*`/`executing`/`executed`, and `progress`/previews/`execution_interrupted` go to
   * every socket). Never rejects: node failures become `execution_error`, interrupts `execution_interrupted`.
   * The final `executing {node: null}` is the caller's job (after the history is stored). `plan` injects test
   * behaviours (see {@link RunPlan}).
   */
  async execute(item: QueueItem, plan: RunPlan = {}): Promise<HistoryEntry> {
    const { prompt, promptId } = item;
    const clientId = typeof item.extraData.client_id === 'string' ? item.extraData.client_id : null;
    const run: Run = {
      item,
      clientId,
      plan,
      abandoned: false,
      steps: 0,
      dropped: false,
      strikeNode: null,
      progress: new ProgressState(promptId),
      send: (type, data, sid) => {
        if (!run.abandoned) this.hooks.send(type, data, sid);
      },
    };
    const progressState = (data: Record<string, unknown>) => {
      if (plan.progressState !== false) run.send('progress_state', data, clientId);
    };
    this.run = run;
    this.interruptRequested = false;
    this.current = { promptId, clientId, node: null };
    const messages: Array<[string, Record<string, unknown>]> = [];
    const addMessage = (event: string, data: Record<string, unknown>, broadcast: boolean) => {
      const d = { ...data, timestamp: Date.now() };
      messages.push([event, d]);
      if (clientId !== null || broadcast) run.send(event, d, clientId);
    };
    const sendToClient = (event: string, data: Record<string, unknown>) => {
      if (clientId !== null) run.send(event, data, clientId);
    };

    addMessage('execution_start', { prompt_id: promptId }, false);

    // Cache: keep only entries the new prompt can use (classic cache `clean_unused`), then see what is cached.
    const sigs = signatures(prompt);
    const wanted = new Set(sigs.values());
    for (const key of [...this.cache.keys()]) if (!wanted.has(key)) this.cache.delete(key);
    const values = new Map<string, Value[]>();
    const ui = new Map<string, UiOutput>();
    const order: string[] = [];
    const seen = new Set<string>();
    const collect = (id: string) => {
      if (seen.has(id) || !prompt[id]) return;
      seen.add(id);
      for (const v of Object.values(prompt[id].inputs)) if (isLink(v)) collect(v[0]);
      order.push(id);
    };
    // Output nodes in id order, each after its inputs (depth first, inputs in key order).
    const outputs = [...item.outputs].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    for (const o of outputs) collect(o);
    const cached = new Set<string>();
    for (const id of order) {
      const hit = this.cache.get(sigs.get(id) ?? '');
      if (hit) {
        cached.add(id);
        values.set(id, hit.outputs);
        if (hit.ui) ui.set(id, hit.ui);
      }
    }
    // execution.py `PromptExecutor.execute`: the cached nodes in the prompt's own order.
    addMessage('execution_cached', { nodes: Object.keys(prompt).filter((id) => cached.has(id)), prompt_id: promptId }, false);

    const isOutput = (id: string) => nodeClass(prompt[id]?.class_type ?? '')?.output_node === true;
    const runList = executionOrder(prompt, outputs, (id) => cached.has(id), isOutput);
    const toRun = runList.filter((id) => !cached.has(id));
    const isSampler = (id: string) => SAMPLER_CLASSES.has(prompt[id]?.class_type ?? '');
    if (plan.fail || plan.interrupt) {
      run.strikeNode = toRun.find(isSampler) ?? toRun[0] ?? null;
    }

    const executed: string[] = [];
    let status: 'success' | 'error' = 'success';
    try {
      if ((plan.fail || plan.interrupt) && run.strikeNode === null) {
        // Everything was cached: strike before any node would run, charged to the (cached) sampler.
        this.strike(run, order.find(isSampler) ?? outputs[0] ?? '', {});
      }
      for (const id of runList) {
        const node = prompt[id];
        if (!node) continue;
        this.check(id, run);
        if (cached.has(id)) {
          // A cached output node "runs" from the cache: v0.8.0 sends `executed` with its images (recorded `gen.b`).
          const cachedUi = ui.get(id);
          if (cachedUi && plan.cachedExecuted !== false) {
            sendToClient('executed', { node: id, display_node: id, output: cachedUi, prompt_id: promptId });
          }
          progressState(run.progress.finish(id));
          continue;
        }
        if (this.current) this.current.node = id;
        progressState(run.progress.start(id));
        sendToClient('executing', { node: id, display_node: id, prompt_id: promptId });
        if (id === run.strikeNode && !isSampler(id)) this.strike(run, id, node.inputs);
        const result = await this.runNode(id, run, values);
        values.set(id, result.outputs);
        const entry: CacheEntry = { outputs: result.outputs };
        if (result.ui) {
          entry.ui = result.ui;
          ui.set(id, result.ui);
          sendToClient('executed', { node: id, display_node: id, output: result.ui, prompt_id: promptId });
        }
        if (!run.abandoned) this.cache.set(sigs.get(id) ?? id, entry);
        progressState(run.progress.finish(id));
        executed.push(id);
      }
      if (plan.completion !== 'legacy') addMessage('execution_success', { prompt_id: promptId }, false);
    } catch (ex) {
      status = 'error';
      if (ex instanceof Interrupted) {
        addMessage(
          'execution_interrupted',
          { prompt_id: promptId, node_id: ex.nodeId, node_type: prompt[ex.nodeId]?.class_type ?? '', executed },
          true,
        );
      } else {
        const failure = ex instanceof NodeFailure ? ex : new NodeFailure(this.current?.node ?? '', toError(ex), {});
        const currentOutputs: Record<string, unknown> = {};
        for (const [id] of values) currentOutputs[id] = [];
        addMessage(
          'execution_error',
          {
            prompt_id: promptId,
            node_id: failure.nodeId,
            node_type: prompt[failure.nodeId]?.class_type ?? '',
            executed,
            exception_message: failure.cause.message,
            exception_type: failure.exceptionType,
            traceback: failure.traceback ?? [
              TB_EXECUTE,
              `  File "/ComfyUI/nodes.py", line 1640, in save_images\n    ${failure.cause.message.split('\n')[0]}\n`,
            ],
            current_inputs: failure.inputs,
            current_outputs: currentOutputs,
          },
          false,
        );
      }
    } finally {
      if (this.run === run) {
        this.run = null;
        this.current = null;
        this.interruptRequested = false;
      }
    }

    const outputsUi: Record<string, UiOutput> = {};
    const meta: Record<string, NodeMeta> = {};
    for (const id of order) {
      const u = ui.get(id);
      if (!u) continue;
      outputsUi[id] = u;
      meta[id] = { node_id: id, display_node: id, parent_node: null, real_node_id: id };
    }
    return {
      prompt: queueTuple(item),
      outputs: outputsUi,
      status: { status_str: status, completed: status === 'success', messages },
      meta,
    };
  }

  /** Raises the planned failure or interrupt of `run` at node `id`. */
  private strike(run: Run, id: string, inputs: Record<string, unknown>): never {
    if (run.plan.fail) {
      const type = run.item.prompt[id]?.class_type ?? '';
      const tb = [TB_EXECUTE];
      if (type === 'KSampler') {
        tb.push(
          '  File "/ComfyUI/nodes.py", line 1525, in sample\n    return common_ksampler(model, seed, steps, cfg, sampler_name, scheduler, positive, negative, latent_image, denoise=denoise)\n',
        );
      } else if (type === 'SamplerCustomAdvanced') {
        tb.push(
          '  File "/ComfyUI/comfy_extras/nodes_custom_sampler.py", line 696, in execute\n    samples = guider.sample(noise.generate_noise(latent), latent_image, sampler, sigmas, denoise_mask=noise_mask, callback=callback, disable_pbar=disable_pbar, seed=noise.seed)\n',
        );
      }
      tb.push(
        `  File "/ComfyUI/comfy/samplers.py", line 1155, in sample\n    raise ${run.plan.fail.type}(${JSON.stringify(run.plan.fail.message)})\n`,
      );
      throw new NodeFailure(id, new Error(run.plan.fail.message), currentInputs(inputs), run.plan.fail.type, tb);
    }
    throw new Interrupted(id);
  }

  /** Counts one sent progress step and drops the sockets when the plan says so. */
  private countStep(run: Run): void {
    const after = run.plan.dropSocketsAfterSteps;
    if (after === null || after === undefined || run.dropped || run.abandoned) return;
    if (run.steps >= after) {
      run.dropped = true;
      this.hooks.dropSockets?.();
    }
  }

  private input(values: Map<string, Value[]>, link: unknown): Value | undefined {
    if (!isLink(link)) return undefined;
    return values.get(link[0])?.[link[1]];
  }

  /**
   * The sampling loop shared by KSampler and SamplerCustomAdvanced: per step a delay (renderMs × batch spread over
   * the steps, else stepDelayMs), an interrupt check, `progress_state`, `progress` and a preview frame; a planned
   * failure / interrupt strikes after half of the steps.
   */
  private async sample(id: string, run: Run, sampled: Sampled, base: { width: number; height: number; batch: number }): Promise<void> {
    const steps = sampled.steps;
    const promptId = run.item.promptId;
    const inputs = run.item.prompt[id]?.inputs ?? {};
    const half = Math.floor(steps / 2);
    const renderMs = this.opts.renderMs;
    const total = renderMs === null || renderMs === undefined ? null : renderMs * Math.max(1, base.batch);
    const started = Date.now();
    this.countStep(run);
    for (let step = 1; step <= steps; step++) {
      if (run.strikeNode === id && step > half) this.strike(run, id, inputs);
      if (total === null) await this.sleep(this.opts.stepDelayMs);
      else await this.sleep(started + (total * step) / steps - Date.now());
      this.check(id, run);
      // main.py `hijack_progress` hook: progress_state (and event 4 for a client that asked for it), then progress,
      // then event 1 for a client that did not.
      if (run.plan.progressState !== false) run.send('progress_state', run.progress.update(id, step, steps), run.clientId);
      const jpeg = this.opts.previews
        ? await renderPreviewJpeg({ ...sampled, width: base.width, height: base.height }, step / steps)
        : null;
      const withMeta = this.hooks.supportsPreviewMetadata(run.clientId);
      const meta = { node_id: id, prompt_id: promptId, display_node_id: id, parent_node_id: null, real_node_id: id };
      if (jpeg && withMeta && !run.abandoned) this.hooks.sendBinary(previewFrameWithMetadata(jpeg, meta), run.clientId);
      run.send('progress', { value: step, max: steps, prompt_id: promptId, node: id }, run.clientId);
      if (jpeg && !withMeta && !run.abandoned) this.hooks.sendBinary(previewFrame(jpeg), run.clientId);
      run.steps++;
      this.countStep(run);
    }
    if (run.strikeNode === id) this.strike(run, id, inputs); // steps < 1 cannot happen, but never finish a doomed node
  }

  private async runNode(id: string, run: Run, values: Map<string, Value[]>): Promise<{ outputs: Value[]; ui?: UiOutput }> {
    const item = run.item;
    const node = item.prompt[id] as ApiGraph[string];
    const inp = node.inputs;
    const get = (name: string) => this.input(values, inp[name]);
    const noLatent: Extract<Value, { t: 'LATENT' }> = { t: 'LATENT', width: 512, height: 512, batch: 1 };
    switch (node.class_type) {
      case 'CheckpointLoaderSimple':
      case 'CheckpointLoader': {
        const ckpt = String(inp.ckpt_name);
        return {
          outputs: [
            { t: 'MODEL', ckpt, loras: [] },
            { t: 'CLIP', ckpt, loras: [] },
            { t: 'VAE', ckpt },
          ],
        };
      }
      case 'UNETLoader':
        return { outputs: [{ t: 'MODEL', ckpt: String(inp.unet_name), loras: [] }] };
      case 'CLIPLoader':
      case 'DualCLIPLoader':
      case 'TripleCLIPLoader': {
        const names = [inp.clip_name, inp.clip_name1, inp.clip_name2, inp.clip_name3].filter((n) => n !== undefined);
        return { outputs: [{ t: 'CLIP', ckpt: names.map(String).join('+'), loras: [] }] };
      }
      case 'VAELoader':
        return { outputs: [{ t: 'VAE', ckpt: String(inp.vae_name) }] };
      case 'LoraLoader':
      case 'LoraLoaderModelOnly': {
        const model = get('model');
        const name = String(inp.lora_name);
        const m: Value =
          model?.t === 'MODEL'
            ? { t: 'MODEL', ckpt: model.ckpt, loras: [...model.loras, { name, strength: num(inp.strength_model, 0) }] }
            : { t: 'MODEL', ckpt: '', loras: [] };
        if (node.class_type === 'LoraLoaderModelOnly') return { outputs: [m] };
        const clip = get('clip');
        const c: Value =
          clip?.t === 'CLIP'
            ? { t: 'CLIP', ckpt: clip.ckpt, loras: [...clip.loras, { name, strength: num(inp.strength_clip, 0) }] }
            : { t: 'CLIP', ckpt: '', loras: [] };
        return { outputs: [m, c] };
      }
      case 'CLIPTextEncode':
      case 'CLIPTextEncodeSDXL':
      case 'CLIPTextEncodeSDXLRefiner': {
        const clip = get('clip');
        return {
          outputs: [
            {
              t: 'CONDITIONING',
              text: String(inp.text ?? inp.text_g ?? ''),
              clip: clip?.t === 'CLIP' ? { ckpt: clip.ckpt, loras: clip.loras } : { ckpt: '', loras: [] },
            },
          ],
        };
      }
      case 'FluxGuidance': {
        const cond = get('conditioning');
        const c: Value =
          cond?.t === 'CONDITIONING'
            ? { ...cond, guidance: num(inp.guidance, 3.5) }
            : { t: 'CONDITIONING', text: '', clip: { ckpt: '', loras: [] }, guidance: num(inp.guidance, 3.5) };
        return { outputs: [c] };
      }
      case 'EmptyLatentImage':
      case 'EmptySD3LatentImage': {
        const d = node.class_type === 'EmptyLatentImage' ? 512 : 1024;
        return {
          outputs: [{ t: 'LATENT', width: num(inp.width, d), height: num(inp.height, d), batch: num(inp.batch_size, 1) }],
        };
      }
      case 'RandomNoise':
      case 'DisableNoise':
        return { outputs: [{ t: 'NOISE', seed: num(inp.noise_seed, 0) }] };
      case 'LatentUpscale':
      case 'LatentUpscaleBy': {
        const l = get('samples');
        const from = l?.t === 'LATENT' ? l : noLatent;
        const by = num(inp.scale_by, 1);
        const width = node.class_type === 'LatentUpscale' ? num(inp.width, from.width) || from.width : Math.round(from.width * by);
        const height = node.class_type === 'LatentUpscale' ? num(inp.height, from.height) || from.height : Math.round(from.height * by);
        return { outputs: [{ ...from, width, height }] };
      }
      case 'VAEEncode':
        return { outputs: [noLatent] };
      case 'EmptyImage': {
        const blank = { positive: '', seed: num(inp.color, 0), checkpoint: '', loras: [], cfg: 1, steps: 1 };
        return { outputs: [{ t: 'IMAGE', specs: [{ ...blank, width: num(inp.width, 512), height: num(inp.height, 512) }] }] };
      }
      case 'KSamplerSelect':
        return { outputs: [{ t: 'SAMPLER', name: String(inp.sampler_name) }] };
      case 'BasicScheduler':
        return {
          outputs: [
            {
              t: 'SIGMAS',
              steps: Math.max(1, Math.floor(num(inp.steps, 20))),
              scheduler: String(inp.scheduler),
              denoise: num(inp.denoise, 1),
            },
          ],
        };
      case 'BasicGuider':
      case 'CFGGuider': {
        const model = get('model');
        const cond = get(node.class_type === 'CFGGuider' ? 'positive' : 'conditioning');
        return {
          outputs: [{ t: 'GUIDER', model: model?.t === 'MODEL' ? model : null, conditioning: cond?.t === 'CONDITIONING' ? cond : null }],
        };
      }
      case 'KSampler':
      case 'KSamplerAdvanced': {
        const model = get('model');
        const positive = get('positive');
        const latent = get('latent_image');
        // KSamplerAdvanced samples steps start_at_step..min(end_at_step, steps).
        const total = Math.floor(num(inp.steps, 20));
        const span = Math.min(total, Math.floor(num(inp.end_at_step, total))) - Math.floor(num(inp.start_at_step, 0));
        const steps = Math.max(1, span);
        const modelLoras = model?.t === 'MODEL' ? model.loras : [];
        const clipLoras = positive?.t === 'CONDITIONING' ? positive.clip.loras : [];
        const sampled: Sampled = {
          positive: positive?.t === 'CONDITIONING' ? positive.text : '',
          seed: num(inp.seed ?? inp.noise_seed, 0),
          checkpoint: model?.t === 'MODEL' ? model.ckpt : '',
          loras: loraApplications(modelLoras, clipLoras),
          cfg: num(inp.cfg, 8),
          steps,
        };
        const base = latent?.t === 'LATENT' ? latent : noLatent;
        await this.sample(id, run, sampled, base);
        return { outputs: [{ t: 'LATENT', width: base.width, height: base.height, batch: base.batch, sampled }] };
      }
      case 'SamplerCustom':
      case 'SamplerCustomAdvanced': {
        const custom = node.class_type === 'SamplerCustom';
        const noise: Value | undefined = custom ? { t: 'NOISE', seed: num(inp.noise_seed, 0) } : get('noise');
        const model0 = get('model');
        const pos0 = get('positive');
        const guider: Value | undefined = custom
          ? { t: 'GUIDER', model: model0?.t === 'MODEL' ? model0 : null, conditioning: pos0?.t === 'CONDITIONING' ? pos0 : null }
          : get('guider');
        const sigmas = get('sigmas');
        const latent = get('latent_image');
        const model = guider?.t === 'GUIDER' ? guider.model : null;
        const cond = guider?.t === 'GUIDER' ? guider.conditioning : null;
        const sampled: Sampled = {
          positive: cond ? cond.text : '',
          seed: noise?.t === 'NOISE' ? noise.seed : 0,
          checkpoint: model ? model.ckpt : '',
          loras: loraApplications(model ? model.loras : [], cond ? cond.clip.loras : []),
          // BasicGuider has no cfg (it is 1); Flux's distilled guidance plays its part in the colour grading.
          cfg: cond?.guidance ?? 1,
          steps: sigmas?.t === 'SIGMAS' ? sigmas.steps : 20,
        };
        const base = latent?.t === 'LATENT' ? latent : noLatent;
        await this.sample(id, run, sampled, base);
        const out: Value = { t: 'LATENT', width: base.width, height: base.height, batch: base.batch, sampled };
        return { outputs: [out, out] };
      }
      case 'VAEDecode': {
        const latent = get('samples');
        const l = latent?.t === 'LATENT' ? latent : noLatent;
        const sampled = l.sampled ?? { positive: '', seed: 0, checkpoint: '', loras: [], cfg: 8, steps: 1 };
        const specs: RenderSpec[] = [];
        for (let i = 0; i < Math.max(1, l.batch); i++) specs.push({ ...sampled, width: l.width, height: l.height, batchIndex: i });
        return { outputs: [{ t: 'IMAGE', specs }] };
      }
      case 'SaveImage': {
        const images = get('images');
        const specs = images?.t === 'IMAGE' ? images.specs : [];
        const prefix = String(inp.filename_prefix ?? 'ComfyUI');
        try {
          const first = specs[0];
          const size = first ? imageSize(first.width, first.height) : { width: 0, height: 0 };
          const target = await saveImagePath(prefix, this.opts.outputDir, size.width, size.height);
          const extra = item.extraData.extra_pnginfo;
          const text: Array<[string, string]> = [['prompt', pyJsonDumps(item.prompt)]];
          if (extra && typeof extra === 'object' && !Array.isArray(extra)) {
            for (const [k, v] of Object.entries(extra)) text.push([k, pyJsonDumps(v)]);
          }
          if (!text.some(([k]) => k === 'workflow')) text.push(['workflow', pyJsonDumps(minimalWorkflow(item.prompt))]);
          const results: ImageRef[] = [];
          let counter = target.counter;
          for (const [batch, spec] of specs.entries()) {
            const stem = target.filename.replaceAll('%batch_num%', String(batch));
            const file = `${stem}_${String(counter).padStart(5, '0')}_.png`;
            const png = await renderPng(spec, text);
            if (run.abandoned) throw new Interrupted(id); // a restart while encoding writes no file
            await writeFile(path.join(target.folder, file), png);
            results.push({ filename: file, subfolder: target.subfolder, type: 'output' });
            counter++;
          }
          return { outputs: [], ui: { images: results } };
        } catch (ex) {
          if (ex instanceof Interrupted) throw ex;
          throw new NodeFailure(id, toError(ex), { filename_prefix: [prefix], images: [null] });
        }
      }
      default: {
        // Model patches and conditioning tweaks (CLIPSetLastLayer, ModelSamplingFlux/SD3, ConditioningZeroOut,
        // ConditioningSetTimestepRange, ConditioningCombine): each output passes on the first input of its type.
        const inputs = Object.keys(inp).map(get);
        const outputs = (nodeClass(node.class_type)?.output ?? []).map((type) => inputs.find((v) => v?.t === type));
        if (outputs.length === 0 || outputs.some((v) => v === undefined)) {
          throw new NodeFailure(id, new Error(`unknown node class ${node.class_type}`), {});
        }
        return { outputs: outputs as Value[] };
      }
    }
  }
}

/** The LoRAs of a MODEL path, each with the `strength_clip` of the same LoRA on the prompt's CLIP path (0 if none). */
function loraApplications(modelLoras: readonly LoraRef[], clipLoras: readonly LoraRef[]): LoraApplication[] {
  return modelLoras.map((l) => ({
    name: l.name,
    strength: l.strength,
    clipStrength: clipLoras.find((c) => c.name === l.name)?.strength ?? 0,
  }));
}

/** `current_inputs` of an execution_error: every input as a one-element list, links as a Python object repr. */
function currentInputs(inputs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inputs)) {
    out[k] = [isLink(v) ? `<object from node ${v[0]} output ${v[1]}>` : v];
  }
  return out;
}

function toError(ex: unknown): Error {
  return ex instanceof Error ? ex : new Error(String(ex));
}
