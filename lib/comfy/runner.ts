import { type ApiGraph } from './graph-schema';
import 'server-only';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { z } from 'zod';
import {
  ComfyCancelledError,
  ComfyExecutionError,
  ComfyRejectedError,
  ComfyUnreachableError,
  isComfyUnreachable,
  networkFailure,
} from './errors';
import { serverHeaders } from './credentials';
import { parsePreviewFrame } from './preview-frame';
import {
  ExecutedOutputSchema,
  HistorySchema,
  PromptErrorSchema,
  PromptResponseSchema,
  QueueSchema,
  SystemStatsSchema,
  WsMessageSchema,
  type HistoryEntry,
  type ImageRef,
  type SystemStats,
} from './protocol';
import { httpUrl, parseServerUrl, wsUrl } from './server-url';

export interface RunImageOptions {
  graph: ApiGraph;
  /** Called with ComfyUI's `prompt_id` once `POST /prompt` has accepted the graph. */
  onQueued?: (promptId: string) => void;
  /** Sampler steps of this image from ComfyUI's `progress` messages. */
  onProgress?: (value: number, max: number) => void;
}

/** What a caller may hear while a prompt renders, and how to stop waiting. */
export interface WaitHooks {
  onProgress?: (value: number, max: number) => void;
  /**
   * Each preview frame of this prompt: event 4 (PREVIEW_IMAGE_WITH_METADATA, which names its prompt; servers send it
   * once our feature flags asked for it) or, from servers without feature flags, event 1 while this prompt executes.
   */
  onPreview?: (image: Buffer, mime: 'image/jpeg' | 'image/png') => void;
  /** ComfyUI began executing this prompt at `at` (`execution_start`): it left ComfyUI's queue. */
  onStart?: (at: Date) => void;
  /** Aborting rejects the wait with ComfyCancelledError (ComfyUI itself is told by `cancel`). */
  signal?: AbortSignal;
}

export interface RunImageResult {
  promptId: string;
  /** The output image's bytes as ComfyUI saved them (its embedded workflow included). */
  image: Buffer;
  /** True when ComfyUI served the whole graph from its cache (nodes were cached and none executed). */
  cached: boolean;
}

interface Waiter extends WaitHooks {
  cachedNodes: Set<string>;
  /** Output images named by `executed` messages of this prompt, in arrival order. */
  images: ImageRef[];
  /**
   * Whether ComfyUI ran any node of this prompt (`executing` with a node). A fully cached prompt runs none; v0.8.0
   * still sends `executed` for its output node (recorded `gen.b`), older servers do not, so `executed` tells nothing.
   */
  ran: boolean;
  finish: (signal: 'success' | 'error' | 'interrupted' | 'lost', detail?: string) => void;
}

/** How long one HTTP answer (or the WebSocket handshake) may take: generous, so a slow but working server still renders. */
export const REQUEST_TIMEOUT_MS = 30_000;
const PING_MS = 20_000;
const POLL_MS = 2_000;
const HISTORY_RETRY_MS = 200;
const HISTORY_RETRIES = 25;
const EARLY_PROMPTS_KEPT = 100;
/** Failed polls in a row, with the socket down, after which the server counts as gone. */
const UNREACHABLE_POLLS = 3;
const RECONNECT_MAX_MS = 8_000;
/** Where `/object_info` lists a model folder's files, for servers without `GET /models/{folder}`. */
const OBJECT_INFO_FALLBACK: Record<string, [string, string]> = {
  checkpoints: ['CheckpointLoaderSimple', 'ckpt_name'],
  loras: ['LoraLoader', 'lora_name'],
};

/**
 * HTTP + WebSocket client for one ComfyUI server (comfyui-protocol.md). One WebSocket per runner with its own
 * `client_id`; every prompt is POSTed with that `client_id` and its events are filtered by `prompt_id`. Completion
 * is read from the socket (`execution_success`, `execution_error`, `execution_interrupted`, or the older `executing`
 * with `node: null`) and, because sockets drop, also from polling `/history` and `/queue`. Output file names always
 * come from `/history/{prompt_id}`.
 */
export class ComfyRunner {
  readonly clientId = randomUUID();
  private ws: WebSocket | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private connecting: Promise<void> | null = null;
  private reconnectAttempts = 0;
  /** The prompt of ours that ComfyUI is executing now: binary preview frames carry no prompt_id. */
  private executing: string | null = null;
  private readonly waiters = new Map<string, Waiter>();
  /** Messages that arrived before `POST /prompt` answered (an idle server starts at once); replayed on registration. */
  private readonly early = new Map<string, Array<{ type: string; data: Record<string, unknown>; at: Date }>>();

  private readonly timeoutMs: number;
  /** The URL as given (its userinfo may hold basic-auth credentials); only ever used to look up the headers. */
  private readonly givenUrl: string;
  private auth: Record<string, string> | null = null;
  /** The base URL without credentials (`https://host/comfy`): every route and every error message uses it. */
  readonly baseUrl: string;

  /**
   * `url`: the server's base URL, `http(s)://host[:port][/prefix]`, a prefix ending in `/api` included (server.py
   * serves every route under `/api` too); userinfo in it is sent as basic auth and never shown. Other credentials come
   * from credentials.ts (`COMFYUI_CREDENTIALS`, or remembered from a Setup URL). `timeoutMs`: the most one HTTP answer
   * or the WebSocket handshake may take (default REQUEST_TIMEOUT_MS).
   */
  constructor(url: string, opts: { timeoutMs?: number } = {}) {
    this.givenUrl = url;
    this.baseUrl = parseServerUrl(url)?.url ?? url.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  /** The credential headers for this server, read once. Throws ComfyUnreachableError for a bad COMFYUI_CREDENTIALS. */
  private headers(): Record<string, string> {
    return (this.auth ??= serverHeaders(this.givenUrl));
  }

  /** An HTTP error status in words; 401 and 403 say the credentials are missing or refused. */
  private statusFailure(what: string, status: number): ComfyUnreachableError {
    if (status === 401 || status === 403) {
      const how = Object.keys(this.headers()).length ? 'refused our credentials' : 'asks for credentials';
      return this.fail(`${how} (${what}: HTTP ${status}); set them in COMFYUI_CREDENTIALS or the server URL (README, "Remote servers")`);
    }
    return this.fail(`answered ${what} with HTTP ${status}`);
  }

  /** `ComfyUI at <url> <what>`: every error of this runner names the server. */
  private fail(what: string, cause?: unknown): ComfyUnreachableError {
    return new ComfyUnreachableError(`ComfyUI at ${this.baseUrl} ${what}`, { cause });
  }

  /** Opens the WebSocket `/ws?clientId=…` (once, however often called); resolves when open. Throws ComfyUnreachableError. */
  connect(): Promise<void> {
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    if (this.ws) return;
    const ws = new WebSocket(wsUrl(this.baseUrl, this.clientId), { handshakeTimeout: this.timeoutMs, headers: this.headers() });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', (err) => {
        // ws words a handshake timeout and a refused upgrade only in its message.
        const status = /Unexpected server response: (\d+)/.exec(err.message)?.[1];
        reject(
          /handshake has timed out/.test(err.message)
            ? this.fail(`did not open its WebSocket (/ws) within ${this.timeoutMs / 1000} s`, err)
            : status
              ? this.statusFailure('WebSocket /ws', Number(status))
              : networkFailure(this.baseUrl, 'WebSocket /ws', err, this.timeoutMs),
        );
      });
    });
    this.ws = ws;
    this.reconnectAttempts = 0;
    // server.py `websocket_handler` reads feature flags from the first client message only; servers without them
    // ignore it. With `supports_preview_metadata`, previews come as event 4, tied to their prompt.
    ws.send(JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true } }));
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.preview(data as Buffer);
      else this.dispatch(data.toString());
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (this.pingTimer) clearInterval(this.pingTimer);
      this.pingTimer = null;
      if (this.ws === ws) this.ws = null;
      if (!this.closed) this.scheduleReconnect();
    });
    // ComfyUI sends no pings and proxies close quiet sockets.
    this.pingTimer = setInterval(() => ws.ping(), PING_MS);
    this.pingTimer.unref();
  }

  /** Reconnects with exponential backoff (0.5 s doubling to 8 s); the /history poll covers what is missed meanwhile. */
  private scheduleReconnect(): void {
    const delay = Math.min(RECONNECT_MAX_MS, 500 * 2 ** this.reconnectAttempts++);
    setTimeout(() => {
      if (this.closed || this.ws) return;
      this.connect().catch(() => this.scheduleReconnect());
    }, delay).unref();
  }

  /** Whether the WebSocket is open now. */
  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** A binary frame: event 4 goes to the prompt it names, event 1 to the prompt executing now (parsePreviewFrame). */
  private preview(buf: Buffer): void {
    const frame = parsePreviewFrame(buf);
    const promptId = frame?.promptId ?? this.executing;
    if (frame && promptId) this.waiters.get(promptId)?.onPreview?.(frame.image, frame.mime);
  }

  /** Closes the socket for good. */
  close(): void {
    this.closed = true;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.ws?.close();
    this.ws = null;
  }

  private dispatch(text: string): void {
    let parsed;
    try {
      parsed = WsMessageSchema.safeParse(JSON.parse(text));
    } catch {
      return;
    }
    if (!parsed.success) return;
    const { type, data } = parsed.data;
    const promptId = typeof data.prompt_id === 'string' ? data.prompt_id : null;
    if (!promptId) return;
    const waiter = this.waiters.get(promptId);
    if (!waiter) {
      const list = this.early.get(promptId) ?? [];
      list.push({ type, data, at: new Date() });
      this.early.set(promptId, list);
      if (this.early.size > EARLY_PROMPTS_KEPT) this.early.delete(this.early.keys().next().value!);
      return;
    }
    this.handle(waiter, type, data);
  }

  /** Applies one socket message to its prompt's waiter; `at`: when it arrived. */
  private handle(waiter: Waiter, type: string, data: Record<string, unknown>, at = new Date()): void {
    if ((type === 'executing' && data.node !== null) || type === 'progress' || type === 'execution_start') {
      this.executing = String(data.prompt_id);
    }
    if (type === 'executing' && data.node !== null) waiter.ran = true;
    switch (type) {
      case 'execution_start':
        waiter.onStart?.(at);
        break;
      case 'progress':
        if (typeof data.value === 'number' && typeof data.max === 'number') waiter.onProgress?.(data.value, data.max);
        break;
      case 'execution_cached':
        if (Array.isArray(data.nodes)) for (const n of data.nodes) waiter.cachedNodes.add(String(n));
        break;
      case 'executed': {
        const images = ExecutedOutputSchema.safeParse(data.output);
        if (images.success) waiter.images.push(...(images.data.images ?? []));
        break;
      }
      case 'execution_success':
        waiter.finish('success');
        break;
      case 'executing':
        if (data.node === null) waiter.finish('success');
        break;
      case 'execution_error':
        waiter.finish('error', typeof data.exception_message === 'string' ? data.exception_message : undefined);
        break;
      case 'execution_interrupted':
        waiter.finish('interrupted');
        break;
    }
  }

  /**
   * One HTTP exchange, headers and body, within `timeoutMs`. Returns the response with its body read. Throws
   * ComfyUnreachableError naming the server and the reason (refused, timed out, closed).
   */
  private async request(route: string, init?: RequestInit): Promise<{ res: Response; body: Buffer }> {
    const what = `${init?.method ?? 'GET'} ${route.split('?')[0]}`;
    const headers = { ...this.headers(), ...(init?.headers as Record<string, string> | undefined) };
    try {
      const res = await fetch(httpUrl(this.baseUrl, route), { ...init, headers, signal: AbortSignal.timeout(this.timeoutMs) });
      return { res, body: Buffer.from(await res.arrayBuffer()) };
    } catch (err) {
      throw networkFailure(this.baseUrl, what, err, this.timeoutMs);
    }
  }

  /** The body as JSON. Throws ComfyUnreachableError for a non-2xx status or a body that is not JSON (e.g. an HTML page). */
  private json(what: string, res: Response, body: Buffer): unknown {
    if (!res.ok) throw this.statusFailure(what, res.status);
    try {
      return JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw this.fail(`answered ${what} with ${describeBody(res, body)} instead of JSON`, err);
    }
  }

  /** `json` checked against a protocol schema; a wrong shape throws ComfyUnreachableError with the first issue. */
  private parse<T>(schema: z.ZodType<T>, what: string, res: Response, body: Buffer): T {
    const parsed = schema.safeParse(this.json(what, res, body));
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw this.fail(`answered ${what} with JSON of an unexpected shape (${where}${issue?.message ?? 'invalid'})`);
  }

  private async getJson<T>(route: string, schema: z.ZodType<T>): Promise<T> {
    const { res, body } = await this.request(route);
    return this.parse(schema, `GET ${route}`, res, body);
  }

  /** `GET /system_stats`: versions and devices (GPU name, VRAM). Throws ComfyUnreachableError. */
  async systemStats(): Promise<SystemStats> {
    return this.getJson('/system_stats', SystemStatsSchema);
  }

  /**
   * File names in a model folder such as `checkpoints` or `loras`: `GET /models/{folder}`, or on servers without
   * that route (HTTP 404) the choices of the loader's input in `GET /object_info/{class}` (CheckpointLoaderSimple
   * `ckpt_name`, LoraLoader `lora_name`). Throws ComfyUnreachableError.
   */
  async listModels(folder: string): Promise<string[]> {
    const route = `/models/${encodeURIComponent(folder)}`;
    const { res, body } = await this.request(route);
    if (res.status === 404 && OBJECT_INFO_FALLBACK[folder]) {
      const [cls, input] = OBJECT_INFO_FALLBACK[folder];
      return this.inputChoices(cls, input);
    }
    return this.parse(z.array(z.string()), `GET ${route}`, res, body);
  }

  /**
   * `GET /view_metadata/loras?filename=`: the LoRA's safetensors `__metadata__` map (kohya `ss_*` keys). 404, an empty
   * body or a non-object answer give `{}` (no metadata); non-string values are dropped. Throws ComfyUnreachableError
   * (network, timeout), ComfyRejectedError for another non-2xx status.
   */
  async loraMetadata(filename: string): Promise<Record<string, string>> {
    const { res, body } = await this.request(`/view_metadata/loras?filename=${encodeURIComponent(filename)}`);
    if (res.status === 404) return {};
    if (!res.ok) throw new ComfyRejectedError(`ComfyUI at ${this.baseUrl} answered ${res.status} for the metadata of ${filename}`, null);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return {};
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  }

  /**
   * The choices of a list input from `GET /object_info/{class}` (`input.required[name][0]`), e.g. KSampler
   * `sampler_name`. Throws ComfyUnreachableError when the server does not describe that input as a list.
   */
  async inputChoices(cls: string, input: string): Promise<string[]> {
    const info = (await this.getJson(`/object_info/${encodeURIComponent(cls)}`, z.unknown())) as Record<string, unknown> | null;
    const node = info?.[cls] as { input?: { required?: Record<string, unknown>; optional?: Record<string, unknown> } };
    const spec = node?.input?.required?.[input] ?? node?.input?.optional?.[input];
    const list = Array.isArray(spec) ? spec[0] : null;
    if (!Array.isArray(list)) throw this.fail(`does not list ${cls}.${input} in GET /object_info/${cls}`);
    return list.map(String);
  }

  /**
   * `POST /prompt` with this runner's `client_id` and, when given, the client-chosen `promptId` (a lowercase UUID: v0.8.0
   * accepts any string, the newest servers only a canonical UUID, servers before mid-2025 pick their own). Returns the
   * `prompt_id` ComfyUI answered, which may differ from `promptId` on older servers. Throws ComfyRejectedError on a 400
   * (message: the failing node, its class and input) and on a 500, which ComfyUI sends as plain text when it could not
   * read the request (server.py `post_prompt`, recorded `bad.malformed JSON body`); ComfyUnreachableError otherwise.
   */
  async queuePrompt(graph: ApiGraph, promptId?: string): Promise<string> {
    const payload: Record<string, unknown> = { prompt: graph, client_id: this.clientId };
    if (promptId) payload.prompt_id = promptId;
    const { res, body } = await this.request('/prompt', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    if (res.status === 500) {
      throw new ComfyRejectedError(
        `ComfyUI at ${this.baseUrl} failed on the workflow (POST /prompt answered HTTP 500 with ${describeBody(res, body)}); its console log says why`,
        null,
      );
    }
    if (res.status === 400) {
      let rejection: unknown = null;
      try {
        rejection = JSON.parse(body.toString('utf8'));
      } catch {
        // describeRejection words a body it cannot read as a plain rejection.
      }
      throw new ComfyRejectedError(describeRejection(rejection), rejection);
    }
    return this.parse(PromptResponseSchema, 'POST /prompt', res, body).prompt_id;
  }

  /** `GET /history/{prompt_id}`: the entry, or null while the prompt has not finished. Throws ComfyUnreachableError. */
  async history(promptId: string): Promise<HistoryEntry | null> {
    const map = await this.getJson(`/history/${encodeURIComponent(promptId)}`, HistorySchema);
    return map[promptId] ?? null;
  }

  /** Whether `prompt_id` is running or pending in `GET /queue`. Throws ComfyUnreachableError. */
  async isQueued(promptId: string): Promise<boolean> {
    const q = await this.getJson('/queue', QueueSchema);
    return [...q.queue_running, ...q.queue_pending].some((item) => item[1] === promptId);
  }

  /**
   * `GET /view`: the image bytes exactly as ComfyUI saved them (with its embedded workflow). Throws
   * ComfyUnreachableError for a non-2xx status or bytes that are not an image (PNG, JPEG, WebP or GIF by their
   * signature), such as a proxy's HTML page.
   */
  async fetchImage(ref: ImageRef): Promise<Buffer> {
    const qs = new URLSearchParams({ filename: ref.filename, subfolder: ref.subfolder, type: ref.type });
    const { res, body } = await this.request(`/view?${qs}`);
    if (!res.ok) throw this.statusFailure(`GET /view?${qs}`, res.status);
    if (!isImage(body)) throw this.fail(`answered GET /view?${qs} with ${describeBody(res, body)} instead of an image`);
    return body;
  }

  /**
   * Runs one graph to its end and returns its first output image: `queuePrompt`, then `waitForEnd`, then `collect`.
   * The plain serial way; the generation job pipelines these steps itself.
   */
  async runImage(opts: RunImageOptions): Promise<RunImageResult> {
    if (!this.ws) await this.connect();
    const promptId = await this.queuePrompt(opts.graph, randomUUID());
    opts.onQueued?.(promptId);
    const { cached, images } = await this.waitForEnd(promptId, { onProgress: opts.onProgress });
    return { promptId, image: await this.collect(promptId, images), cached };
  }

  /**
   * Downloads the finished prompt's first output image, bytes unchanged (so ComfyUI's embedded workflow stays): the
   * first of `heard` (the output images `waitForEnd` heard in `executed` messages, which a prompt that ended with
   * success has written) or else the first in its `/history/{prompt_id}` outputs, the source that survives a dropped
   * socket (comfyui-protocol.md, "Reliable completion"). This module writes no files: the caller stores the bytes.
   * Throws ComfyExecutionError (ComfyUI's `exception_message` when the prompt failed, or no output), or
   * ComfyUnreachableError.
   */
  async collect(promptId: string, heard: readonly ImageRef[] = []): Promise<Buffer> {
    const named = heard.find((img) => img.type === 'output');
    if (named) return this.fetchImage(named);
    const entry = await this.finishedHistory(promptId);
    if (entry.status?.status_str === 'error') {
      throw new ComfyExecutionError(historyErrorMessage(entry) ?? 'ComfyUI reported an error', promptId);
    }
    const ref = Object.values(entry.outputs)
      .flatMap((o) => o.images ?? [])
      .find((img) => img.type === 'output');
    if (!ref) throw new ComfyExecutionError('the prompt finished without an output image', promptId);
    return this.fetchImage(ref);
  }

  /**
   * `POST /queue {delete}` for our prompts still pending, then `POST /interrupt {prompt_id}` for the one running
   * (never a bare interrupt, which would stop another user's job). Waits on them reject with ComfyCancelledError
   * only through their own AbortSignal.
   */
  async cancel(promptIds: string[]): Promise<void> {
    if (!promptIds.length) return;
    const post = (route: string, body: unknown) =>
      this.request(route, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await post('/queue', { delete: promptIds });
    const q = await this.getJson('/queue', QueueSchema);
    for (const item of q.queue_running) {
      if (typeof item[1] === 'string' && promptIds.includes(item[1])) await post('/interrupt', { prompt_id: item[1] });
    }
  }

  /**
   * Resolves when the prompt has ended, heard on the socket (`execution_success`, the older `executing` with
   * `node: null`) or seen by polling `/history` and `/queue` every 2 s (sockets drop; a prompt that finished before
   * the wait began is found at once). Rejects with ComfyExecutionError (`error` with ComfyUI's `exception_message`,
   * `interrupted`, or `lost` when the prompt is in neither queue nor history, e.g. after a ComfyUI restart),
   * ComfyUnreachableError (the socket is down and 3 polls in a row failed), or ComfyCancelledError (signal).
   * `cached` tells whether ComfyUI served the output node from its cache; `images`: the output images the socket's
   * `executed` messages named (empty when the end was found by polling, or on older servers for a cached prompt).
   */
  waitForEnd(promptId: string, hooks: WaitHooks = {}): Promise<{ cached: boolean; images: ImageRef[] }> {
    const cachedNodes = new Set<string>();
    const images: ImageRef[] = [];
    return new Promise((resolve, reject) => {
      let absentPolls = 0;
      let failedPolls = 0;
      let done = false;
      const poll = async () => {
        try {
          const entry = await this.history(promptId);
          failedPolls = 0;
          if (entry) {
            if (entry.status?.status_str === 'error') finish('error', historyErrorMessage(entry));
            else finish('success');
            return;
          }
          absentPolls = (await this.isQueued(promptId)) ? 0 : absentPolls + 1;
          if (absentPolls >= 2) finish('lost');
        } catch (err) {
          failedPolls += 1;
          if (failedPolls >= UNREACHABLE_POLLS && !this.connected) {
            end(() => reject(isComfyUnreachable(err) ? err : new ComfyUnreachableError(String(err))));
          }
        }
      };
      const timer = setInterval(() => void poll(), POLL_MS);
      const onAbort = () => end(() => reject(new ComfyCancelledError(promptId)));
      const end = (settle: () => void) => {
        if (done) return;
        done = true;
        clearInterval(timer);
        hooks.signal?.removeEventListener('abort', onAbort);
        this.waiters.delete(promptId);
        if (this.executing === promptId) this.executing = null;
        settle();
      };
      const finish: Waiter['finish'] = (signal, detail) =>
        end(() => {
          if (signal === 'success') resolve({ cached: cachedNodes.size > 0 && !waiter.ran, images });
          else if (signal === 'interrupted') reject(new ComfyExecutionError('the prompt was interrupted', promptId, 'interrupted'));
          else if (signal === 'lost') {
            reject(new ComfyExecutionError('ComfyUI lost the prompt (no longer queued, no history)', promptId, 'lost'));
          } else reject(new ComfyExecutionError(detail ?? 'ComfyUI reported an execution error', promptId));
        });
      if (hooks.signal?.aborted) return onAbort();
      hooks.signal?.addEventListener('abort', onAbort);
      const waiter: Waiter = { ...hooks, cachedNodes, images, ran: false, finish };
      this.waiters.set(promptId, waiter);
      const early = this.early.get(promptId) ?? [];
      this.early.delete(promptId);
      for (const msg of early) this.handle(waiter, msg.type, msg.data, msg.at);
      // Re-attaching to a prompt submitted before (e.g. by a workbench that restarted): it may be over already.
      if (!done) void poll();
    });
  }

  /** `execution_success` precedes the history write, so retry `{}` briefly. */
  private async finishedHistory(promptId: string): Promise<HistoryEntry> {
    for (let i = 0; i < HISTORY_RETRIES; i++) {
      const entry = await this.history(promptId);
      if (entry && (entry.status?.completed !== false || entry.status?.status_str === 'error')) return entry;
      await new Promise((r) => setTimeout(r, HISTORY_RETRY_MS));
    }
    throw new ComfyExecutionError('the prompt ended but ComfyUI has no history for it', promptId);
  }
}

/** A body that should have been JSON or an image, in words: "an HTML page", "an empty body", "text (\"upstream…\")". */
function describeBody(res: Response, body: Buffer): string {
  const head = body.subarray(0, 200).toString('utf8').trim();
  if (!head) return 'an empty body';
  if (/html/i.test(res.headers.get('content-type') ?? '') || head.startsWith('<')) return 'an HTML page';
  const printable = head.replace(/[^\x20-\x7e]+/g, ' ').slice(0, 60);
  return `${res.headers.get('content-type') || 'a body'} ("${printable}${head.length > 60 ? '…' : ''}")`;
}

/** Whether the bytes start with the signature of a PNG, JPEG, WebP or GIF file. */
function isImage(b: Buffer): boolean {
  return (
    b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ||
    b.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])) ||
    (b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP') ||
    b.subarray(0, 4).toString('latin1') === 'GIF8'
  );
}

/** The `exception_message` of the `execution_error` recorded in a history entry's status messages. */
function historyErrorMessage(entry: HistoryEntry): string | undefined {
  const err = entry.status?.messages.find(([type]) => type === 'execution_error');
  const msg = err?.[1].exception_message;
  return typeof msg === 'string' ? msg : undefined;
}

/** One line per failing node from a `POST /prompt` 400 body, e.g. `LoraLoader (node 10): lora_name: 'x' not in [...]`. */
export function describeRejection(body: unknown): string {
  const parsed = PromptErrorSchema.safeParse(body);
  if (!parsed.success) return 'ComfyUI rejected the workflow';
  const { error, node_errors } = parsed.data;
  const nodeLines = Object.entries(node_errors ?? {}).flatMap(([id, ne]) =>
    ne.errors.map((e) => `${ne.class_type ?? 'node'} (node ${id}): ${e.details || e.message || e.type}`),
  );
  const head = typeof error === 'string' ? error : (error?.message ?? 'ComfyUI rejected the workflow');
  return nodeLines.length ? `${head}: ${nodeLines.join('; ')}` : head;
}
