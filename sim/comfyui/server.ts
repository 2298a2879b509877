// The built-in ComfyUI simulator: ComfyUI's HTTP + WebSocket API (server.py) on node:http + ws, backed by the
// validator, queue, executor and procedural renderer of this folder. Every route also answers under `/api`.
// Protocol reference: /work/shared/comfyui-protocol.md and comfyanonymous/ComfyUI server.py / execution.py.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import sharp from 'sharp';
import { WebSocketServer, WebSocket } from 'ws';
import { z } from 'zod';
import { applyBehaviourPatch, DEFAULT_BEHAVIOUR, type BehaviourPatch, type SimBehaviour } from './behaviour';
import { MODEL_FOLDERS, modelMetadata, objectInfo, objectInfoEntry, SEED_MAX } from './catalog';
import { Executor, type RunPlan } from './executor';
import { judge, type GateOptions } from './gate';
import { PromptQueue, queueTuple, type HistoryEntry, type QueueItem } from './queue';
import { systemStats } from './system-stats';
import { isPlainObject, validatePrompt } from './validate';

/** Options of {@link startSimulator}. */
export interface SimulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Delay per sampler step in ms; default 50. Ignored when `renderMs` is set. */
  stepDelayMs?: number;
  /**
   * Fixed sampling time per image in ms (× batch_size for a batch): the sampler's steps are spread evenly over it,
   * whatever their number; overrides `stepDelayMs`. Default unset (null).
   */
  renderMs?: number | null;
  /**
   * Added delay in ms before every HTTP request is handled, so every response (`/view` downloads and `/__sim`
   * routes included) comes at least this much later; WebSocket frames are not delayed. Default 0.
   */
  latencyMs?: number;
  /** Where SaveImage writes; default a fresh temp dir (removed again by close()). */
  outputDir?: string;
  /**
   * Send a binary JPEG preview frame per sampler step, like ComfyUI started with `--preview-method`: event 4
   * (PREVIEW_IMAGE_WITH_METADATA) to a client whose feature flags asked for it, else event 1; default false.
   */
  previews?: boolean;
  /**
   * The machine `GET /system_stats` reports: `cuda` (default, a simulated GPU) or `cpu` (like ComfyUI started with
   * `--cpu`: device `{name: "cpu", type: "cpu", index: null}` with the system RAM as its VRAM, recorded from v0.8.0).
   */
  device?: 'cuda' | 'cpu';
  /** Initial test behaviour (see {@link SimBehaviour}); default {@link DEFAULT_BEHAVIOUR}. Throws when invalid. */
  behaviour?: BehaviourPatch;
  /**
   * Serve only under this path prefix (e.g. `/comfy`, as behind a reverse proxy; `url` then ends in it). Default none.
   * Applies to every route, `/__sim` and the WebSocket included (gate.ts).
   */
  prefix?: string;
  /** Require this key (`X-API-Key`, bearer token or basic-auth password) on every request, else 401 (gate.ts). */
  key?: string;
}

export type { BehaviourPatch, SimBehaviour } from './behaviour';

/** A started simulator. */
/** See {@link RunningSimulator.stats}. */
export interface SimStats {
  busy_ms: number;
  prompts: number;
}

export interface RunningSimulator {
  /** Base URL, e.g. `http://127.0.0.1:8188`, or `http://127.0.0.1:8188/comfy` with a prefix. */
  url: string;
  port: number;
  /** SaveImage's output folder. */
  outputDir: string;
  /** Stops the running prompt, closes every socket and the listener; removes the output dir if it was a temp dir. */
  close(): Promise<void>;
  /**
   * Changes test behaviours (any subset of {@link SimBehaviour}) and returns the full behaviour. Counters
   * (`failNext`, `interruptNext`) and `dropSocketsAfterSteps` are consumed when a prompt starts executing.
   * Throws an Error for an invalid patch (nothing is changed then). Same as `POST /__sim/behaviour`.
   */
  setBehaviour(patch: BehaviourPatch): SimBehaviour;
  /** The current behaviour (a copy). Same as `GET /__sim/behaviour`. */
  behaviour(): SimBehaviour;
  /**
   * How long the simulator has spent executing prompts (rendering, encoding and saving their images), in ms, and how
   * many it executed, since it started: the GPU's busy time of a real server. Same as `GET /__sim/stats`.
   */
  stats(): SimStats;
  /**
   * Simulates a ComfyUI restart on the same port: terminates every WebSocket, abandons the running prompt (it sends
   * nothing more and gets no history) and the pending ones, forgets all history, the node cache and the prompt
   * numbers. Files already saved stay. Resolves once the abandoned prompt has stopped; new prompts are accepted at
   * once (they start after that). Same as `POST /__sim/restart`.
   */
  restart(): Promise<void>;
}

/** server.py `max_upload_size` default (100 MB), as `GET /features` reports it. */
const MAX_BODY = 100 * 1024 * 1024;
/**
 * comfy_api/feature_flags.py `SERVER_FEATURE_FLAGS` as v0.8.0 answers them (recorded `get.GET /features` and
 * `ws.connect + client feature_flags`).
 */
const SERVER_FEATURES = { supports_preview_metadata: true, max_upload_size: MAX_BODY, extension: { manager: { supports_v4: true } } };
/** aiohttp's answer to a request it could not handle (recorded `bad.malformed JSON body`, `bad.prompt is a string`). */
const INTERNAL_ERROR_TEXT = '500 Internal Server Error\n\nServer got itself in trouble';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const PromptBody = z.looseObject({
  prompt: z.unknown().optional(),
  client_id: z.string().nullish(),
  extra_data: z.record(z.string(), z.unknown()).nullish(),
  front: z.boolean().nullish(),
  number: z.number().nullish(),
  prompt_id: z.string().nullish(),
  partial_execution_targets: z.array(z.string()).nullish(),
});
const QueueBody = z.looseObject({ clear: z.boolean().nullish(), delete: z.array(z.string()).nullish() });
const InterruptBody = z.looseObject({ prompt_id: z.string().nullish() });

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

function errorBody(type: string, message: string, details: string, withNodeErrors = false): Record<string, unknown> {
  const body: Record<string, unknown> = { error: { type, message, details, extra_info: {} } };
  if (withNodeErrors) body.node_errors = {};
  return body;
}

function sendJson(res: ServerResponse, status: number, body: unknown, text?: string): void {
  const buf = Buffer.from(text ?? JSON.stringify(body), 'utf8');
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': buf.length });
  res.end(buf);
}

function sendEmpty(res: ServerResponse, status = 200): void {
  res.writeHead(status, { 'Content-Length': 0 });
  res.end();
}

function sendText(res: ServerResponse, status: number, text: string, type = 'text/plain; charset=utf-8'): void {
  const buf = Buffer.from(text, 'utf8');
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': buf.length });
  res.end(buf);
}

/**
 * No route for this path. A GET or HEAD falls through to aiohttp's static route of the frontend: 404 with an empty
 * body (recorded `get.GET /nosuchroute`); other methods get aiohttp's plain-text 404.
 */
function notFound(res: ServerResponse, method: string): void {
  if (method !== 'GET' && method !== 'HEAD') return sendText(res, 404, '404: Not Found');
  res.writeHead(404, { 'Content-Type': 'application/octet-stream', 'Content-Length': 0 });
  res.end();
}

/**
 * A known route with another method: aiohttp's plain-text 405 (recorded `get.PUT /prompt (wrong method)`), except a
 * GET, which the static route takes and answers 404 (recorded `get.GET /interrupt (wrong method)`).
 */
function methodNotAllowed(res: ServerResponse, method: string): void {
  if (method === 'GET' || method === 'HEAD') return notFound(res, method);
  sendText(res, 405, '405: Method Not Allowed');
}

const PROXY_ERROR_PAGE =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>' +
  '<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';

/** The `garbage` behaviour's answers: what a proxy's error page, a plain-text server or another JSON API would send. */
function sendGarbage(res: ServerResponse, status: number, body: 'html' | 'text' | 'wrong_shape'): void {
  if (body === 'html') return sendText(res, status, PROXY_ERROR_PAGE, 'text/html');
  if (body === 'text') return sendText(res, status, 'upstream connect error or disconnect/reset before headers. reset reason: overflow');
  sendJson(res, status, { detail: 'Not Found' });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY) throw new HttpError(413, errorBody('request_too_large', 'Request body too large', `limit ${MAX_BODY} bytes`));
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Reads a JSON body; throws HttpError 400 on invalid JSON. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const raw = (await readBody(req)).toString('utf8');
  try {
    return JSON.parse(raw) as unknown;
  } catch (ex) {
    throw new HttpError(400, errorBody('invalid_json', 'Invalid JSON body', ex instanceof Error ? ex.message : String(ex)));
  }
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, withNodeErrors = false): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new HttpError(400, errorBody('invalid_request', 'Invalid request body', z.prettifyError(r.error), withNodeErrors));
  }
  return r.data;
}

const CONTENT_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.json': 'application/json',
  '.txt': 'text/plain',
};

/**
 * Starts the simulator and resolves once it listens.
 * Input: {@link SimulatorOptions}. Output: {@link RunningSimulator} with the real port (when `port` is 0).
 * Rejects when the port cannot be bound or the output dir cannot be created.
 */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = opts.host ?? '127.0.0.1';
  const tempDir = opts.outputDir ? null : await mkdtemp(path.join(os.tmpdir(), 'comfyui-sim-'));
  const outputDir = path.resolve(opts.outputDir ?? (tempDir as string));
  await mkdir(outputDir, { recursive: true });
  let startedAt = Date.now();
  const latencyMs = Math.max(0, opts.latencyMs ?? 0);
  const device = opts.device ?? 'cuda';
  const behaviour: SimBehaviour = { ...DEFAULT_BEHAVIOUR };
  if (opts.behaviour) {
    const err = applyBehaviourPatch(behaviour, opts.behaviour);
    if (err) throw new Error(`invalid behaviour: ${err}`);
  }

  // --- sockets ------------------------------------------------------------------------------------------------
  // Like server.py: sid → socket; a reconnect with the same clientId replaces the entry, and a closing socket
  // removes its sid even if a newer socket registered it since (close the old socket before reconnecting).
  const sockets = new Map<string, WebSocket>();
  /** server.py `sockets_metadata[sid]["feature_flags"]`: what each client announced in its first message. */
  const clientFlags = new Map<string, Record<string, unknown>>();
  const supportsPreviewMetadata = (sid: string | null) =>
    behaviour.featureFlags && sid !== null && clientFlags.get(sid)?.supports_preview_metadata === true;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

  const send = (type: string, data: Record<string, unknown>, sid: string | null) => {
    const text = JSON.stringify({ type, data });
    if (sid === null) {
      for (const ws of sockets.values()) if (ws.readyState === WebSocket.OPEN) ws.send(text);
    } else {
      const ws = sockets.get(sid);
      if (ws && ws.readyState === WebSocket.OPEN) ws.send(text);
    }
  };
  const sendBinary = (data: Buffer, sid: string | null) => {
    const targets = sid === null ? [...sockets.values()] : [sockets.get(sid)];
    for (const ws of targets) if (ws && ws.readyState === WebSocket.OPEN) ws.send(data, { binary: true });
  };

  const queue = new PromptQueue(() => send('status', { status: { exec_info: { queue_remaining: queue.remaining() } } }, null));
  const dropSockets = () => {
    for (const ws of wss.clients) ws.terminate();
  };
  const executor = new Executor(
    { outputDir, stepDelayMs: opts.stepDelayMs ?? 50, renderMs: opts.renderMs ?? null, previews: opts.previews ?? false },
    { send, sendBinary, dropSockets, supportsPreviewMetadata },
  );
  let promptNumber = 0;
  let closed = false;
  let running: Promise<void> | null = null;
  /** Bumped by restart(): a run that started in an older epoch leaves no trace. */
  let epoch = 0;

  /** Consumes the one-shot behaviours for the prompt that starts now. */
  const takePlan = (): RunPlan => {
    const plan: RunPlan = {
      completion: behaviour.completion,
      cachedExecuted: behaviour.cachedExecuted,
      progressState: behaviour.progressState,
    };
    if (behaviour.failNext > 0) {
      behaviour.failNext--;
      plan.fail = { message: behaviour.failMessage, type: behaviour.failType };
    } else if (behaviour.interruptNext > 0) {
      behaviour.interruptNext--;
      plan.interrupt = true;
    }
    if (behaviour.dropSocketsAfterSteps !== null) {
      plan.dropSocketsAfterSteps = behaviour.dropSocketsAfterSteps;
      behaviour.dropSocketsAfterSteps = null;
    }
    return plan;
  };

  const stats: SimStats = { busy_ms: 0, prompts: 0 };

  // --- worker -----------------------------------------------------------------------------------------------------
  const pump = () => {
    if (closed || running) return;
    const item = queue.take();
    if (!item) return;
    running = runItem(item).finally(() => {
      running = null;
      setImmediate(pump);
    });
  };
  const runItem = async (item: QueueItem) => {
    const myEpoch = epoch;
    let entry: HistoryEntry;
    const t0 = performance.now();
    try {
      entry = await executor.execute(item, takePlan());
      stats.busy_ms += performance.now() - t0;
      stats.prompts += 1;
    } catch (ex) {
      // execute() reports node failures itself; this only guards against simulator bugs.
      console.error('ComfyUI simulator: internal error while executing', item.promptId, ex);
      entry = { prompt: queueTuple(item), outputs: {}, status: { status_str: 'error', completed: false, messages: [] }, meta: {} };
    }
    if (myEpoch !== epoch) return; // abandoned by a restart: no history, no messages
    queue.finish(item, entry);
    const clientId = typeof item.extraData.client_id === 'string' ? item.extraData.client_id : null;
    if (clientId !== null) send('executing', { node: null, prompt_id: item.promptId }, clientId);
  };

  // --- routes -----------------------------------------------------------------------------------------------------
  const postPrompt = async (req: IncomingMessage, res: ServerResponse) => {
    // server.py `post_prompt`: `await request.json()` raises on a body that is not JSON, and `validate_prompt` on a
    // prompt that is not a dict; aiohttp answers both with a plain-text 500 (recorded `bad.malformed JSON body`,
    // `bad.prompt is a string`).
    let json: unknown;
    try {
      json = JSON.parse((await readBody(req)).toString('utf8')) as unknown;
    } catch {
      return sendText(res, 500, INTERNAL_ERROR_TEXT);
    }
    if (!isPlainObject(json)) return sendText(res, 500, INTERNAL_ERROR_TEXT);
    if (!('prompt' in json)) {
      sendJson(res, 400, errorBody('no_prompt', 'No prompt provided', 'No prompt provided', true));
      return;
    }
    if (!isPlainObject(json.prompt)) return sendText(res, 500, INTERNAL_ERROR_TEXT);
    const body = parseWith(PromptBody, json, true);
    const chosen = typeof body.prompt_id === 'string' ? body.prompt_id : null;
    if (chosen !== null && behaviour.promptId === 'uuid' && !UUID_RE.test(chosen)) {
      sendJson(res, 400, errorBody('invalid_prompt_id', 'prompt_id must be a valid UUID', '', true));
      return;
    }
    let number: number;
    if (typeof body.number === 'number') number = body.number;
    else {
      number = body.front ? -promptNumber : promptNumber;
      promptNumber++;
    }
    // v0.8.0 keys its history by any client-chosen string (recorded `pid.*`); older servers chose their own.
    const promptId = chosen !== null && behaviour.promptId !== 'ignored' ? chosen : randomUUID();
    const result = validatePrompt(body.prompt, body.partial_execution_targets ?? null);
    if (!result.valid) {
      sendJson(res, 400, { error: result.error, node_errors: result.nodeErrors });
      return;
    }
    const extraData: Record<string, unknown> = { ...(body.extra_data ?? {}) };
    if (typeof body.client_id === 'string') extraData.client_id = body.client_id;
    extraData.create_time = Date.now();
    queue.put({ number, promptId, prompt: result.prompt, extraData, outputs: result.outputs });
    sendJson(res, 200, { prompt_id: promptId, number, node_errors: result.nodeErrors });
    setImmediate(pump);
  };

  const view = async (url: URL, res: ServerResponse) => {
    const q = url.searchParams;
    let filename = q.get('filename');
    if (filename === null) return sendEmpty(res, 404);
    let type = q.get('type') ?? 'output';
    const annotated = /^(.*) \[(output|input|temp)\]$/.exec(filename);
    if (annotated) {
      filename = annotated[1] as string;
      type = annotated[2] as string;
    }
    if (!filename) return sendEmpty(res, 400);
    if (filename.startsWith('/') || filename.includes('..')) return sendEmpty(res, 400);
    if (!['output', 'input', 'temp'].includes(type)) return sendEmpty(res, 400);
    if (type !== 'output') return sendEmpty(res, 404); // the simulator has no input/temp files
    let dir = outputDir;
    const sub = q.get('subfolder');
    if (sub) {
      const full = path.resolve(outputDir, sub);
      if (full !== outputDir && !full.startsWith(outputDir + path.sep)) return sendEmpty(res, 403);
      dir = full;
    }
    const file = path.join(dir, path.basename(filename));
    try {
      if (!(await stat(file)).isFile()) return sendEmpty(res, 404);
    } catch {
      return sendEmpty(res, 404);
    }
    let data: Buffer = await readFile(file);
    let contentType = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    const preview = q.get('preview');
    const channel = q.get('channel') ?? 'rgba';
    if (preview && contentType.startsWith('image/')) {
      const [fmt, qual] = preview.split(';');
      const quality = Math.min(100, Math.max(1, Number.parseInt(qual ?? '90', 10) || 90));
      if (fmt === 'webp') {
        data = await sharp(data).webp({ quality }).toBuffer();
        contentType = 'image/webp';
      } else if (fmt === 'jpeg' || fmt === 'jpg') {
        data = await sharp(data).jpeg({ quality }).toBuffer();
        contentType = 'image/jpeg';
      }
    } else if (channel === 'rgb' && contentType === 'image/png') {
      data = await sharp(data).removeAlpha().png().toBuffer();
    }
    res.writeHead(200, {
      'Content-Type': contentType,
      'Content-Length': data.length,
      'Content-Disposition': `filename="${path.basename(file)}"`,
    });
    res.end(data);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let p = url.pathname;
    if (p === '/' && req.method === 'GET') {
      return sendText(
        res,
        200,
        '<!doctype html><title>ComfyUI simulator</title><p>LoRA Bench ComfyUI simulator. See /system_stats.</p>',
        'text/html; charset=utf-8',
      );
    }
    if (p === '/api' || p.startsWith('/api/')) p = p.slice(4) || '/';
    const method = req.method ?? 'GET';
    let seg: string[];
    try {
      seg = p
        .split('/')
        .slice(1)
        .map((s) => decodeURIComponent(s));
    } catch {
      return notFound(res, method);
    }
    const allow = (...methods: string[]) => {
      if (!methods.includes(method)) throw new HttpError(405, null);
    };
    const [a, b, ...rest] = seg;
    const garbage = behaviour.garbage;
    if (garbage && a !== '__sim' && (garbage.routes.length === 0 || garbage.routes.includes(a ?? ''))) {
      return sendGarbage(res, garbage.status, garbage.body);
    }
    if (rest.length > 0) return notFound(res, method);

    switch (a) {
      case 'prompt':
        if (b !== undefined) break;
        allow('GET', 'POST');
        if (method === 'GET') return sendJson(res, 200, { exec_info: { queue_remaining: queue.remaining() } });
        return postPrompt(req, res);
      case 'queue': {
        if (b !== undefined) break;
        allow('GET', 'POST');
        if (method === 'GET') return sendJson(res, 200, queue.snapshot());
        const body = parseWith(QueueBody, await readJson(req));
        if (body.clear) queue.clear();
        if (body.delete) queue.delete(body.delete);
        return sendEmpty(res);
      }
      case 'history': {
        if (b !== undefined) {
          allow('GET');
          const e = queue.historyItem(b);
          return sendJson(res, 200, e ? { [b]: e } : {});
        }
        allow('GET', 'POST');
        if (method === 'GET') {
          const maxRaw = url.searchParams.get('max_items');
          const offRaw = url.searchParams.get('offset');
          const max = maxRaw !== null ? Number.parseInt(maxRaw, 10) : undefined;
          const off = offRaw !== null ? Number.parseInt(offRaw, 10) : -1;
          return sendJson(res, 200, queue.historyMap(Number.isFinite(max) ? max : undefined, Number.isFinite(off) ? off : -1));
        }
        const body = parseWith(QueueBody, await readJson(req));
        if (body.clear) queue.clearHistory();
        if (body.delete) queue.deleteHistory(body.delete);
        return sendEmpty(res);
      }
      case 'interrupt': {
        if (b !== undefined) break;
        allow('POST');
        // Like server.py: an empty or non-JSON body means a global interrupt.
        let body: { prompt_id?: string | null } = {};
        try {
          const parsed = InterruptBody.safeParse(JSON.parse((await readBody(req)).toString('utf8')));
          if (parsed.success) body = parsed.data;
        } catch {
          body = {};
        }
        const current = executor.current;
        if (!body.prompt_id || (current && current.promptId === body.prompt_id)) executor.interrupt();
        return sendEmpty(res);
      }
      case 'object_info': {
        allow('GET');
        const fixSeed = (text: string) => text.replaceAll(JSON.stringify(SEED_MAX), '18446744073709551615');
        if (b === undefined) return sendJson(res, 200, null, fixSeed(JSON.stringify(objectInfo())));
        const entry = objectInfoEntry(b);
        return sendJson(res, 200, null, fixSeed(JSON.stringify(entry ? { [b]: entry } : {})));
      }
      case 'models': {
        allow('GET');
        if (b === undefined) return sendJson(res, 200, Object.keys(MODEL_FOLDERS));
        const files = Object.prototype.hasOwnProperty.call(MODEL_FOLDERS, b) ? MODEL_FOLDERS[b] : undefined;
        if (!files) return sendEmpty(res, 404);
        return sendJson(res, 200, files);
      }
      case 'view_metadata': {
        if (b === undefined) break;
        allow('GET');
        const filename = url.searchParams.get('filename');
        if (!filename || !filename.endsWith('.safetensors')) return sendEmpty(res, 404);
        const meta = modelMetadata(b, filename);
        if (!meta) return sendEmpty(res, 404);
        return sendJson(res, 200, meta);
      }
      case 'view':
        if (b !== undefined) break;
        allow('GET');
        return view(url, res);
      case 'system_stats':
        if (b !== undefined) break;
        allow('GET');
        return sendJson(res, 200, systemStats(device, startedAt, running !== null));
      case 'embeddings':
        if (b !== undefined) break;
        allow('GET');
        return sendJson(res, 200, []);
      case 'extensions':
        if (b !== undefined) break;
        allow('GET');
        return sendJson(res, 200, []);
      case 'features':
        if (b !== undefined || !behaviour.featureFlags) break;
        allow('GET');
        return sendJson(res, 200, SERVER_FEATURES);
      case 'ws':
        if (b !== undefined) break;
        return sendText(res, 400, 'Expected a WebSocket upgrade');
      case '__sim': {
        // Simulator control routes (not ComfyUI's API).
        if (b === 'behaviour') {
          allow('GET', 'POST');
          if (method === 'POST') {
            const err = applyBehaviourPatch(behaviour, await readJson(req));
            if (err) throw new HttpError(400, errorBody('invalid_behaviour', 'Invalid behaviour patch', err));
          }
          return sendJson(res, 200, { ...behaviour });
        }
        if (b === 'stats') {
          allow('GET');
          return sendJson(res, 200, { ...stats });
        }
        if (b === 'restart') {
          allow('POST');
          await restart();
          return sendJson(res, 200, { restarted: true });
        }
        break;
      }
    }
    return notFound(res, method);
  };

  const restart = async () => {
    epoch++;
    dropSockets();
    executor.abandon();
    executor.clearCache();
    queue.reset();
    promptNumber = 0;
    startedAt = Date.now();
    const old = running;
    if (old) await old.catch(() => undefined);
  };

  const gateOpts: GateOptions = { prefix: opts.prefix, key: opts.key };
  const respond = (req: IncomingMessage, res: ServerResponse) => {
    const verdict = judge(req, gateOpts);
    if (!verdict.pass && verdict.status === 404) return notFound(res, req.method ?? 'GET');
    if (!verdict.pass) {
      res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Bearer, Basic realm="comfyui"' });
      return res.end(JSON.stringify({ error: 'unauthorized', message: 'a valid API key is required' }));
    }
    req.url = verdict.url;
    handle(req, res).catch((ex: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (ex instanceof HttpError && ex.status === 405) methodNotAllowed(res, req.method ?? 'GET');
      else if (ex instanceof HttpError) sendJson(res, ex.status, ex.body);
      else sendJson(res, 500, errorBody('internal_error', 'Internal simulator error', ex instanceof Error ? ex.message : String(ex)));
    });
  };
  // latencyMs: hold every request that long before handling it (WebSocket upgrades are not delayed).
  const delayed = new Map<NodeJS.Timeout, ServerResponse>();
  const server = createServer((req, res) => {
    if (latencyMs <= 0) return respond(req, res);
    const t = setTimeout(() => {
      delayed.delete(t);
      if (closed) res.destroy();
      else respond(req, res);
    }, latencyMs);
    delayed.set(t, res);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const verdict = judge(req, gateOpts);
    if (!verdict.pass) {
      const reason = verdict.status === 401 ? '401 Unauthorized' : '404 Not Found';
      socket.end(`HTTP/1.1 ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const url = new URL(verdict.url, 'http://localhost');
    if (closed || (url.pathname !== '/ws' && url.pathname !== '/api/ws')) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const sid = url.searchParams.get('clientId') || randomUUID().replace(/-/g, '');
      sockets.delete(sid);
      clientFlags.delete(sid);
      sockets.set(sid, ws);
      ws.on('error', () => undefined);
      ws.on('close', () => {
        sockets.delete(sid); // server.py pops the sid unconditionally
        clientFlags.delete(sid);
      });
      let first = true;
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        try {
          const msg = JSON.parse(data.toString()) as unknown;
          // server.py `websocket_handler`: only a first message of type feature_flags is answered.
          if (first && behaviour.featureFlags && isPlainObject(msg) && msg.type === 'feature_flags') {
            clientFlags.set(sid, isPlainObject(msg.data) ? msg.data : {});
            ws.send(JSON.stringify({ type: 'feature_flags', data: SERVER_FEATURES }));
          }
        } catch {
          // ComfyUI logs and ignores malformed client messages.
        }
        first = false;
      });
      ws.send(JSON.stringify({ type: 'status', data: { status: { exec_info: { queue_remaining: queue.remaining() } }, sid } }));
      const cur = executor.current;
      if (cur && cur.clientId === sid && cur.node !== null) ws.send(JSON.stringify({ type: 'executing', data: { node: cur.node } }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      closed = true;
      for (const [t, res] of delayed) {
        clearTimeout(t);
        res.destroy();
      }
      delayed.clear();
      executor.dispose();
      if (running) await running.catch(() => undefined);
      executor.dispose();
      for (const ws of wss.clients) ws.terminate();
      sockets.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
    })();
    return closing;
  };

  const setBehaviour = (patch: BehaviourPatch): SimBehaviour => {
    const err = applyBehaviourPatch(behaviour, patch);
    if (err) throw new Error(`invalid behaviour: ${err}`);
    return { ...behaviour };
  };

  return {
    url: `http://${urlHost}:${port}${opts.prefix?.replace(/\/+$/, '') ?? ''}`,
    port,
    outputDir,
    close,
    setBehaviour,
    behaviour: () => ({ ...behaviour }),
    stats: () => ({ ...stats }),
    restart,
  };
}
