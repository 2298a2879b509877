// Runs one queued prompt the way ComfyUI's PromptExecutor does (execution.py `execute`, main.py `prompt_worker`):
// `execution_start`, `execution_cached`, then per node `executing` (+ `progress` per sampler step, `executed` for
// SaveImage), then `execution_success` / `execution_error` / `execution_interrupted`. Node outputs are cached by
// input signature across prompts (only the signatures of the latest prompt are kept, like ComfyUI's classic cache),
// so an identical resubmission runs nothing and points at the old files.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pyJsonDumps } from './py';
import type { HistoryEntry, ImageRef, NodeMeta, QueueItem, UiOutput } from './queue';
import { queueTuple } from './queue';
import { imageSize, renderPng, renderPreviewJpeg, type LoraApplication, type RenderSpec } from './render';
import { isLink, type ApiGraph } from './validate';

/** How the executor talks to sockets. `sid` null means every socket. */
export interface ExecutorHooks {
  send(type: string, data: Record<string, unknown>, sid: string | null): void;
  sendBinary(data: Buffer, sid: string | null): void;
}

/** Executor settings. */
export interface ExecutorOptions {
  /** SaveImage's folder. */
  outputDir: string;
  /** Delay per sampler step, ms. */
  stepDelayMs: number;
  /** Send one binary JPEG preview frame per sampled prompt. */
  previews: boolean;
}

interface LoraRef {
  name: string;
  strength: number;
}
type Value =
  | { t: 'MODEL'; ckpt: string; loras: LoraRef[] }
  | { t: 'CLIP'; ckpt: string; loras: LoraRef[] }
  | { t: 'VAE'; ckpt: string }
  | { t: 'CONDITIONING'; text: string; clip: { ckpt: string; loras: LoraRef[] } }
  | { t: 'LATENT'; width: number; height: number; batch: number; sampled?: Omit<RenderSpec, 'width' | 'height'> }
  | { t: 'IMAGE'; specs: RenderSpec[] };

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
  ) {
    super(cause.message);
  }
}

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
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.wake = null;
        resolve();
      }, Math.max(0, ms));
      this.timers.add(t);
      this.wake = () => {
        clearTimeout(t);
        this.timers.delete(t);
        this.wake = null;
        resolve();
      };
    });
  }

  private check(nodeId: string): void {
    if (this.interruptRequested || this.disposed) throw new Interrupted(nodeId);
  }

  /**
   * Executes one queue item and returns its history entry (ComfyUI `execute` + `task_done` data). Sends the
   * `execution_*`, `executing`, `progress`, `executed` messages through the hooks, only to the item's `client_id`
   * (no `client_id`: no `execution_*`/`executing`/`executed`, and `progress`/previews/`execution_interrupted` go to
   * every socket). Never rejects: node failures become `execution_error`, interrupts `execution_interrupted`.
   * The final `executing {node: null}` is the caller's job (after the history is stored).
   */
  async execute(item: QueueItem): Promise<HistoryEntry> {
    const { prompt, promptId } = item;
    const clientId = typeof item.extraData.client_id === 'string' ? item.extraData.client_id : null;
    this.interruptRequested = false;
    this.current = { promptId, clientId, node: null };
    const messages: Array<[string, Record<string, unknown>]> = [];
    const addMessage = (event: string, data: Record<string, unknown>, broadcast: boolean) => {
      const d = { ...data, timestamp: Date.now() };
      messages.push([event, d]);
      if (clientId !== null || broadcast) this.hooks.send(event, d, clientId);
    };
    const sendToClient = (event: string, data: Record<string, unknown>) => {
      if (clientId !== null) this.hooks.send(event, data, clientId);
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
    const cachedNodes: string[] = [];
    for (const id of order) {
      const hit = this.cache.get(sigs.get(id) ?? '');
      if (hit) {
        cachedNodes.push(id);
        values.set(id, hit.outputs);
        if (hit.ui) ui.set(id, hit.ui);
      }
    }
    addMessage('execution_cached', { nodes: cachedNodes, prompt_id: promptId }, false);

    const executed: string[] = [];
    let status: 'success' | 'error' = 'success';
    try {
      for (const id of order) {
        if (values.has(id)) continue;
        const node = prompt[id];
        if (!node) continue;
        this.check(id);
        this.current.node = id;
        sendToClient('executing', { node: id, display_node: id, prompt_id: promptId });
        const result = await this.runNode(id, item, values, clientId);
        values.set(id, result.outputs);
        const entry: CacheEntry = { outputs: result.outputs };
        if (result.ui) {
          entry.ui = result.ui;
          ui.set(id, result.ui);
          sendToClient('executed', { node: id, display_node: id, output: result.ui, prompt_id: promptId });
        }
        this.cache.set(sigs.get(id) ?? id, entry);
        executed.push(id);
      }
      addMessage('execution_success', { prompt_id: promptId }, false);
    } catch (ex) {
      status = 'error';
      if (ex instanceof Interrupted) {
        addMessage(
          'execution_interrupted',
          { prompt_id: promptId, node_id: ex.nodeId, node_type: prompt[ex.nodeId]?.class_type ?? '', executed },
          true,
        );
      } else {
        const failure = ex instanceof NodeFailure ? ex : new NodeFailure(this.current.node ?? '', toError(ex), {});
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
            exception_type: 'Exception',
            traceback: [
              `  File "/ComfyUI/execution.py", line 496, in execute\n    output_data, output_ui, has_subgraph = await get_output_data(...)\n`,
              `  File "/ComfyUI/nodes.py", line 1640, in save_images\n    ${failure.cause.message.split('\n')[0]}\n`,
            ],
            current_inputs: failure.inputs,
            current_outputs: currentOutputs,
          },
          false,
        );
      }
    } finally {
      this.current = null;
      this.interruptRequested = false;
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

  private input(values: Map<string, Value[]>, link: unknown): Value | undefined {
    if (!isLink(link)) return undefined;
    return values.get(link[0])?.[link[1]];
  }

  private async runNode(
    id: string,
    item: QueueItem,
    values: Map<string, Value[]>,
    clientId: string | null,
  ): Promise<{ outputs: Value[]; ui?: UiOutput }> {
    const node = item.prompt[id] as ApiGraph[string];
    const inp = node.inputs;
    const get = (name: string) => this.input(values, inp[name]);
    switch (node.class_type) {
      case 'CheckpointLoaderSimple': {
        const ckpt = String(inp.ckpt_name);
        return { outputs: [{ t: 'MODEL', ckpt, loras: [] }, { t: 'CLIP', ckpt, loras: [] }, { t: 'VAE', ckpt }] };
      }
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
      case 'CLIPTextEncode': {
        const clip = get('clip');
        return {
          outputs: [
            {
              t: 'CONDITIONING',
              text: String(inp.text ?? ''),
              clip: clip?.t === 'CLIP' ? { ckpt: clip.ckpt, loras: clip.loras } : { ckpt: '', loras: [] },
            },
          ],
        };
      }
      case 'EmptyLatentImage':
        return {
          outputs: [{ t: 'LATENT', width: num(inp.width, 512), height: num(inp.height, 512), batch: num(inp.batch_size, 1) }],
        };
      case 'KSampler': {
        const model = get('model');
        const positive = get('positive');
        const latent = get('latent_image');
        const steps = Math.max(1, Math.floor(num(inp.steps, 20)));
        const modelLoras = model?.t === 'MODEL' ? model.loras : [];
        const clipLoras = positive?.t === 'CONDITIONING' ? positive.clip.loras : [];
        const loras: LoraApplication[] = modelLoras.map((l) => ({
          name: l.name,
          strength: l.strength,
          clipStrength: clipLoras.find((c) => c.name === l.name)?.strength ?? 0,
        }));
        const sampled: Omit<RenderSpec, 'width' | 'height'> = {
          positive: positive?.t === 'CONDITIONING' ? positive.text : '',
          seed: num(inp.seed, 0),
          checkpoint: model?.t === 'MODEL' ? model.ckpt : '',
          loras,
          cfg: num(inp.cfg, 8),
          steps,
        };
        const base = latent?.t === 'LATENT' ? latent : { t: 'LATENT' as const, width: 512, height: 512, batch: 1 };
        const previewAt = Math.ceil(steps / 2);
        for (let step = 1; step <= steps; step++) {
          await this.sleep(this.opts.stepDelayMs);
          this.check(id);
          this.hooks.send('progress', { value: step, max: steps, prompt_id: item.promptId, node: id }, clientId);
          if (this.opts.previews && step === previewAt) {
            const jpeg = await renderPreviewJpeg({ ...sampled, width: base.width, height: base.height }, step / steps);
            const head = Buffer.alloc(8);
            head.writeUInt32BE(1, 0); // event type 1: PREVIEW_IMAGE
            head.writeUInt32BE(1, 4); // image format 1: JPEG
            this.hooks.sendBinary(Buffer.concat([head, jpeg]), clientId);
          }
        }
        return { outputs: [{ t: 'LATENT', width: base.width, height: base.height, batch: base.batch, sampled }] };
      }
      case 'VAEDecode': {
        const latent = get('samples');
        const l = latent?.t === 'LATENT' ? latent : { t: 'LATENT' as const, width: 512, height: 512, batch: 1 };
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
            await writeFile(path.join(target.folder, file), png);
            results.push({ filename: file, subfolder: target.subfolder, type: 'output' });
            counter++;
          }
          return { outputs: [], ui: { images: results } };
        } catch (ex) {
          throw new NodeFailure(id, toError(ex), { filename_prefix: [prefix], images: [null] });
        }
      }
      default:
        throw new NodeFailure(id, new Error(`unknown node class ${node.class_type}`), {});
    }
  }
}

function toError(ex: unknown): Error {
  return ex instanceof Error ? ex : new Error(String(ex));
}
