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

export interface WsMessage {
  type: string;
  data: any;
}

/** A WebSocket client that records every frame. */
export class RecordingSocket {
  readonly messages: WsMessage[] = [];
  readonly binaries: Buffer[] = [];
  private listeners: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const buf = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      if (isBinary) this.binaries.push(buf);
      else this.messages.push(JSON.parse(buf.toString('utf8')) as WsMessage);
      for (const l of this.listeners) l();
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

  /** Messages that carry `prompt_id === id`. */
  forPrompt(id: string): WsMessage[] {
    return this.messages.filter((m) => m.data && m.data.prompt_id === id);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
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
