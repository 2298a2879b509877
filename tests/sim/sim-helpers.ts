// Shared helpers of the simulator tests: a hand-built text-to-image graph, a recording WebSocket client and HTTP
// shortcuts. Not a test file itself.
import sharp from 'sharp';
import WebSocket from 'ws';

export type Graph = Record<string, { class_type: string; inputs: Record<string, unknown> }>;

export interface GraphOptions {
  seed?: number;
  steps?: number;
  /** null: the baseline graph without LoraLoader. */
  lora?: { name: string; strength: number } | null;
  prefix?: string;
  positive?: string;
  size?: number;
}

/** The text-to-image graph of comfyui-protocol.md ("The graph"), or its baseline (no node "10"). */
export function t2iGraph(o: GraphOptions = {}): Graph {
  const lora = o.lora === undefined ? { name: 'my_lora.safetensors', strength: 0.75 } : o.lora;
  const model = lora ? ['10', 0] : ['4', 0];
  const clip = lora ? ['10', 1] : ['4', 1];
  const g: Graph = {
    '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' } },
    '6': { class_type: 'CLIPTextEncode', inputs: { text: o.positive ?? 'a portrait, mytrigger', clip } },
    '7': { class_type: 'CLIPTextEncode', inputs: { text: 'blurry', clip } },
    '5': { class_type: 'EmptyLatentImage', inputs: { width: o.size ?? 256, height: o.size ?? 256, batch_size: 1 } },
    '3': {
      class_type: 'KSampler',
      inputs: {
        seed: o.seed ?? 898938,
        steps: o.steps ?? 3,
        cfg: 7.0,
        sampler_name: 'euler',
        scheduler: 'normal',
        denoise: 1.0,
        model,
        positive: ['6', 0],
        negative: ['7', 0],
        latent_image: ['5', 0],
      },
    },
    '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
    '9': { class_type: 'SaveImage', inputs: { filename_prefix: o.prefix ?? 'test/img', images: ['8', 0] } },
  };
  if (lora) {
    g['10'] = {
      class_type: 'LoraLoader',
      inputs: { model: ['4', 0], clip: ['4', 1], lora_name: lora.name, strength_model: lora.strength, strength_clip: lora.strength },
    };
  }
  return g;
}

export interface FluxGraphOptions {
  noiseSeed?: number;
  steps?: number;
  /** null: the baseline graph without LoraLoaderModelOnly (node "12"). */
  lora?: { name: string; strength: number } | null;
  prefix?: string;
  positive?: string;
  guidance?: number;
  size?: number;
}

/**
 * A Flux-dev text-to-image graph in API format, as ComfyUI's Flux example workflow exports it: UNETLoader "12" +
 * DualCLIPLoader "11" + VAELoader "10", CLIPTextEncode "6" → FluxGuidance "26" → BasicGuider "22", RandomNoise "25",
 * KSamplerSelect "16", BasicScheduler "17", EmptySD3LatentImage "27", SamplerCustomAdvanced "13", VAEDecode "8",
 * SaveImage "9"; with a LoRA, LoraLoaderModelOnly "30" sits between the UNETLoader and guider + scheduler.
 */
export function fluxGraph(o: FluxGraphOptions = {}): Graph {
  const lora = o.lora === undefined ? { name: 'flux_realism_lora.safetensors', strength: 0.8 } : o.lora;
  const model = lora ? ['30', 0] : ['12', 0];
  const g: Graph = {
    '12': { class_type: 'UNETLoader', inputs: { unet_name: 'flux1-dev.safetensors', weight_dtype: 'default' } },
    '11': {
      class_type: 'DualCLIPLoader',
      inputs: { clip_name1: 't5xxl_fp8_e4m3fn.safetensors', clip_name2: 'clip_l.safetensors', type: 'flux' },
    },
    '10': { class_type: 'VAELoader', inputs: { vae_name: 'ae.safetensors' } },
    '6': { class_type: 'CLIPTextEncode', inputs: { text: o.positive ?? 'a mountain lake at sunset, photo', clip: ['11', 0] } },
    '26': { class_type: 'FluxGuidance', inputs: { guidance: o.guidance ?? 3.5, conditioning: ['6', 0] } },
    '22': { class_type: 'BasicGuider', inputs: { model, conditioning: ['26', 0] } },
    '25': { class_type: 'RandomNoise', inputs: { noise_seed: o.noiseSeed ?? 219670278747233 } },
    '16': { class_type: 'KSamplerSelect', inputs: { sampler_name: 'euler' } },
    '17': { class_type: 'BasicScheduler', inputs: { scheduler: 'simple', steps: o.steps ?? 4, denoise: 1, model } },
    '27': { class_type: 'EmptySD3LatentImage', inputs: { width: o.size ?? 128, height: o.size ?? 128, batch_size: 1 } },
    '13': {
      class_type: 'SamplerCustomAdvanced',
      inputs: { noise: ['25', 0], guider: ['22', 0], sampler: ['16', 0], sigmas: ['17', 0], latent_image: ['27', 0] },
    },
    '8': { class_type: 'VAEDecode', inputs: { samples: ['13', 0], vae: ['10', 0] } },
    '9': { class_type: 'SaveImage', inputs: { filename_prefix: o.prefix ?? 'flux/img', images: ['8', 0] } },
  };
  if (lora) {
    g['30'] = {
      class_type: 'LoraLoaderModelOnly',
      inputs: { model: ['12', 0], lora_name: lora.name, strength_model: lora.strength },
    };
  }
  return g;
}

export interface WsMessage {
  type: string;
  data: any;
}

/** A WebSocket client that records every frame. */
export class RecordingSocket {
  readonly messages: WsMessage[] = [];
  /** `Date.now()` when each entry of `messages` arrived. */
  readonly receivedAt: number[] = [];
  readonly binaries: Buffer[] = [];
  /** Close code once the socket has closed (1006: dropped without a close frame). */
  closeCode: number | null = null;
  private listeners: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const buf = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      if (isBinary) this.binaries.push(buf);
      else {
        this.messages.push(JSON.parse(buf.toString('utf8')) as WsMessage);
        this.receivedAt.push(Date.now());
      }
      for (const l of this.listeners) l();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
    });
  }

  /** Opens `ws(s)://…/ws?clientId=…` (path `/ws` unless `apiPrefix`) and waits for the first `status`. */
  static async connect(baseUrl: string, clientId?: string, apiPrefix = false): Promise<RecordingSocket> {
    const q = clientId ? `?clientId=${clientId}` : '';
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${apiPrefix ? '/api' : ''}/ws${q}`);
    const s = new RecordingSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await s.waitFor((m) => m.type === 'status');
    return s;
  }

  /** Resolves with the first recorded message matching `pred` (past or future); rejects after `timeoutMs`. */
  waitFor(pred: (m: WsMessage) => boolean, timeoutMs = 5000): Promise<WsMessage> {
    const found = this.messages.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.messages.find(pred);
        if (m) {
          cleanup();
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out; got ${this.messages.map((x) => x.type).join(',')}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
      };
      this.listeners.push(check);
    });
  }

  /** Waits for `executing {node: null, prompt_id}` (the end of a prompt). */
  waitDone(promptId: string, timeoutMs = 5000): Promise<WsMessage> {
    return this.waitFor((m) => m.type === 'executing' && m.data.node === null && m.data.prompt_id === promptId, timeoutMs);
  }

  /** Resolves with the close code once the socket has closed; rejects after `timeoutMs`. */
  waitClosed(timeoutMs = 5000): Promise<number> {
    if (this.closeCode !== null) return Promise.resolve(this.closeCode);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket did not close')), timeoutMs);
      this.ws.once('close', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  /** Messages that carry `prompt_id === id`. */
  forPrompt(id: string): WsMessage[] {
    return this.messages.filter((m) => m.data && m.data.prompt_id === id);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED || this.closeCode !== null) return;
    await new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

/**
 * `type` of each message, `executing:<node>` for executing and `progress:<value>/<max>@<node>` for progress;
 * `progress_state` is left out (tests/sim/conformance checks it).
 */
export function sequence(msgs: readonly WsMessage[]): string[] {
  return msgs
    .filter((m) => m.type !== 'progress_state')
    .map((m) =>
      m.type === 'executing'
        ? `executing:${m.data.node}`
        : m.type === 'progress'
          ? `progress:${m.data.value}/${m.data.max}@${m.data.node}`
          : m.type,
    );
}

/** POST JSON; returns status, parsed JSON body (or null when empty) and the raw text. */
export async function postJson(url: string, body: unknown): Promise<{ status: number; json: any; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : null, text };
}

/** GET JSON. */
export async function getJson(url: string): Promise<{ status: number; json: any }> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : null };
}

/** Polls `/history/{id}` until it is non-empty. */
export async function waitHistory(base: string, id: string, timeoutMs = 5000): Promise<any> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const { json } = await getJson(`${base}/history/${id}`);
    if (json && json[id]) return json[id];
    if (Date.now() > end) throw new Error(`no history for ${id}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Downloads an image via `/view` and returns the PNG bytes. */
export async function viewImage(base: string, ref: { filename: string; subfolder: string; type: string }): Promise<Buffer> {
  const q = new URLSearchParams({ filename: ref.filename, subfolder: ref.subfolder, type: ref.type });
  const res = await fetch(`${base}/view?${q.toString()}`);
  if (res.status !== 200) throw new Error(`/view answered ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

/** Raw RGB pixels of an encoded image. */
export async function pixels(png: Buffer): Promise<Buffer> {
  return sharp(png).removeAlpha().raw().toBuffer();
}

/** Mean absolute difference per channel value (0..255). */
export function meanAbsDiff(a: Buffer, b: Buffer): number {
  if (a.length !== b.length) throw new Error('size mismatch');
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs((a[i] as number) - (b[i] as number));
  return d / a.length;
}
