// The conformance probes' view of a ComfyUI server: plain HTTP and WebSocket exchanges (no workbench code, so the
// probes check the server, not our client), the standard graph of the recorded probes, and WebSocket messages in the
// compact notation of /work/shared/comfyui-v0.8.0/transcript.json (`executing(4)`, `progress(1/2@3)`, …).
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

/** One HTTP answer: status, content type without parameters ('' when none), body text and JSON (null when not JSON). */
export interface Answer {
  status: number;
  type: string;
  text: string;
  json: unknown;
}

export type Graph = Record<string, { class_type: string; inputs: Record<string, unknown> }>;

/** How long one prompt may take to end on the server under test (a CPU server is slow). */
const PROMPT_TIMEOUT_MS = 120_000;

/** A WebSocket message as `executing(4)`, `execution_cached[4,5]`, `progress_state(3:running,4:finished)`, … */
export function compact(type: string, data: Record<string, any>): string {
  switch (type) {
    case 'execution_cached':
      return `execution_cached[${(data.nodes as string[]).join(',')}]`;
    case 'executing':
      return `executing(${data.node ?? 'null'})`;
    case 'executed':
      return `executed(${data.node})`;
    case 'progress':
      return `progress(${data.value}/${data.max}@${data.node})`;
    case 'progress_state': {
      const nodes = Object.entries(data.nodes as Record<string, { state: string }>)
        .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
        .map(([id, s]) => `${id}:${s.state}`);
      return `progress_state(${nodes.join(',')})`;
    }
    default:
      return type;
  }
}

/** A WebSocket that records every text message and binary frame. */
export class Socket {
  readonly messages: Array<{ type: string; data: Record<string, any> }> = [];
  readonly binaries: Buffer[] = [];
  private waiters: Array<() => void> = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const buf = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      if (isBinary) this.binaries.push(buf);
      else this.messages.push(JSON.parse(buf.toString('utf8')) as { type: string; data: Record<string, any> });
      for (const w of this.waiters) w();
    });
  }

  /** Opens `/ws` (with `?clientId=` when given), sends `firstMessage` if any, and waits for the first message. */
  static async open(baseUrl: string, clientId?: string, firstMessage?: unknown): Promise<Socket> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws${clientId ? `?clientId=${clientId}` : ''}`);
    const s = new Socket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    if (firstMessage !== undefined) ws.send(JSON.stringify(firstMessage));
    await s.until(() => s.messages.length > 0, 10_000);
    return s;
  }

  /** Resolves once `pred()` holds; rejects after `timeoutMs`. */
  until(pred: () => boolean, timeoutMs = PROMPT_TIMEOUT_MS): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`no such message within ${timeoutMs / 1000} s; got ${this.messages.map((m) => m.type).join(',')}`));
      }, timeoutMs);
      const check = () => {
        if (!pred()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  /** The compact form of every message about `promptId` (status messages carry none). */
  about(promptId: string): string[] {
    return this.messages.filter((m) => m.data?.prompt_id === promptId).map((m) => compact(m.type, m.data));
  }

  /** Waits for `executing {node: null}` of `promptId`, the last message of a prompt. */
  ended(promptId: string): Promise<void> {
    return this.until(() => this.messages.some((m) => m.type === 'executing' && m.data.node === null && m.data.prompt_id === promptId));
  }

  close(): void {
    this.ws.close();
  }
}

/** A ComfyUI server under test, by base URL. */
export class Server {
  private models: Promise<{ checkpoint: string; lora: string }> | null = null;

  constructor(readonly url: string) {}

  /** One request; `body` is sent as is when a string, else as JSON. */
  async http(method: string, route: string, body?: unknown): Promise<Answer> {
    const init: RequestInit = { method, signal: AbortSignal.timeout(30_000) };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      init.headers = { 'content-type': 'application/json' };
    }
    const res = await fetch(`${this.url}${route}`, init);
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      json = null;
    }
    return { status: res.status, type: (res.headers.get('content-type') ?? '').split(';')[0]!.trim(), text, json };
  }

  /** The first checkpoint and LoRA file the server lists (the standard graph uses them). Throws when it has none. */
  async files(): Promise<{ checkpoint: string; lora: string }> {
    this.models ??= (async () => {
      const [c, l] = await Promise.all([this.http('GET', '/models/checkpoints'), this.http('GET', '/models/loras')]);
      const checkpoint = (c.json as string[] | null)?.[0];
      const lora = (l.json as string[] | null)?.[0];
      if (!checkpoint || !lora) throw new Error('the server lists no checkpoint or no LoRA file: the generation probes need one of each');
      return { checkpoint, lora };
    })();
    return this.models;
  }

  /**
   * The standard graph of the recorded probes (node ids of ComfyUI's default workflow): 4 CheckpointLoaderSimple →
   * 10 LoraLoader → 6/7 CLIPTextEncode, 5 EmptyLatentImage 64×64, 3 KSampler (2 steps), 8 VAEDecode, 9 SaveImage.
   * `strength: null` gives the baseline (no node 10).
   */
  async graph(o: { seed: number; strength?: number | null; steps?: number }): Promise<Graph> {
    const { checkpoint, lora } = await this.files();
    const strength = o.strength === undefined ? 1 : o.strength;
    const model = strength === null ? ['4', 0] : ['10', 0];
    const clip = strength === null ? ['4', 1] : ['10', 1];
    const g: Graph = {
      '3': {
        class_type: 'KSampler',
        inputs: {
          seed: o.seed,
          steps: o.steps ?? 2,
          cfg: 7,
          sampler_name: 'euler',
          scheduler: 'normal',
          denoise: 1,
          model,
          positive: ['6', 0],
          negative: ['7', 0],
          latent_image: ['5', 0],
        },
      },
      '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: checkpoint } },
      '5': { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 64, batch_size: 1 } },
      '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a red cube', clip } },
      '7': { class_type: 'CLIPTextEncode', inputs: { text: 'blurry', clip } },
      '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
      '9': { class_type: 'SaveImage', inputs: { filename_prefix: 'lorabench-conformance', images: ['8', 0] } },
    };
    if (strength !== null) {
      g['10'] = {
        class_type: 'LoraLoader',
        inputs: { model: ['4', 0], clip: ['4', 1], lora_name: lora, strength_model: strength, strength_clip: strength },
      };
    }
    return g;
  }

  /** A graph sharing no node with the standard one (nodes.py EmptyImage → SaveImage), to empty the node cache. */
  flushGraph(): Graph {
    return {
      '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: Math.floor(Math.random() * 0xffffff) } },
      '2': { class_type: 'SaveImage', inputs: { filename_prefix: 'lorabench-conformance-flush', images: ['1', 0] } },
    };
  }

  /** A seed no earlier run used, so the server's cache holds nothing of the graph. */
  freshSeed(): number {
    return Number.parseInt(randomUUID().replace(/-/g, '').slice(0, 12), 16);
  }

  /** POSTs `graph` with `client_id` = the socket's id (and `extra` body keys) and waits for its end; returns its id. */
  async run(ws: Socket, clientId: string, graph: Graph, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await this.http('POST', '/prompt', { prompt: graph, client_id: clientId, ...extra });
    const id = (res.json as { prompt_id?: string } | null)?.prompt_id;
    if (res.status !== 200 || !id) throw new Error(`POST /prompt answered ${res.status}: ${res.text.slice(0, 300)}`);
    await ws.ended(id);
    return id;
  }

  /** Polls `/history/{id}` until the prompt is there; returns the entry. */
  async history(id: string): Promise<Record<string, any>> {
    const end = Date.now() + PROMPT_TIMEOUT_MS;
    for (;;) {
      const entry = ((await this.http('GET', `/history/${encodeURIComponent(id)}`)).json as Record<string, any> | null)?.[id];
      if (entry) return entry as Record<string, any>;
      if (Date.now() > end) throw new Error(`no history for ${id}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
