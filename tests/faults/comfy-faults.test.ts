// Issue 7: ComfyUI unreachable (connection refused; a black hole that accepts and never answers), slow (10 s per HTTP
// answer), or answering garbage (an HTML page, plain text, JSON of the wrong shape). For each, the workbench's
// status probe (GET /api/comfy/status), model listing, LoRA metadata (GET /api/comfy/lora-metadata) and a generation
// job (POST /api/sessions/:id/generation) must end with a clear error naming the server and what went wrong, or, for
// the slow server, generate correctly; no unhandled rejection, every session valid on disk.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as statusRoute from '@/app/api/comfy/status/route';
import * as metadataRoute from '@/app/api/comfy/lora-metadata/route';
import * as generationRoute from '@/app/api/sessions/[id]/generation/route';
import { ComfyUnreachableError } from '@/lib/comfy/errors';
import { ComfyRunner, REQUEST_TIMEOUT_MS } from '@/lib/comfy/runner';
import { PROBE_TIMEOUT_MS, type ComfyStatus } from '@/lib/comfy/status';
import { generationJobs, type GenerationEvent } from '@/lib/generation/jobs';
import { SessionSchema } from '@/lib/sessions/schema';
import { createSession, loadSession } from '@/lib/sessions/store';
import { readStoredSession } from '@/lib/sessions/writer';
import { startSimulator, type BehaviourPatch, type RunningSimulator } from '@/sim/comfyui/server';
import { refusedUrl, startBlackHole } from '../helpers/fake-comfy';

const SLOW_MS = 10_000;
let dir = '';
const previousDir = process.env.SESSIONS_DIR;
const closers: Array<() => Promise<void>> = [];
let unhandled = 0;
const onUnhandled = () => {
  unhandled += 1;
};
const counts = { servers: 0, tried: 0, clear: 0, generated: 0, checked: 0, lost: 0 };

/** Words a user can act on: the server's URL, one line, none of the raw texts of parsers, fetch or zod. */
function expectClear(message: string | null | undefined, url: string): void {
  expect(message).toBeTruthy();
  expect(message).toContain(`ComfyUI at ${url}`);
  expect(message).not.toMatch(/\n|\bat \S+:\d+:\d+|Unexpected token|SyntaxError|is not valid JSON|ZodError|"code":|fetch failed|\[object /);
  counts.clear += 1;
}

async function sim(opts: { latencyMs?: number; behaviour?: BehaviourPatch } = {}): Promise<RunningSimulator> {
  const s = await startSimulator({ port: 0, stepDelayMs: 1, ...opts });
  closers.push(() => s.close());
  return s;
}

/** GET /api/comfy/status?url= through the route handler: always 200 with the status; returns it and the time taken. */
async function probe(url: string): Promise<{ status: ComfyStatus; ms: number }> {
  const t0 = Date.now();
  const res = await statusRoute.GET(new Request(`http://test/api/comfy/status?url=${encodeURIComponent(url)}`), {
    params: Promise.resolve({}),
  });
  counts.tried += 1;
  expect(res.status).toBe(200);
  return { status: (await res.json()) as ComfyStatus, ms: Date.now() - t0 };
}

/** The LoRA list as the probe reads it (same timeout); returns the error it throws. */
async function listing(url: string): Promise<Error> {
  counts.tried += 1;
  const err = await new ComfyRunner(url, { timeoutMs: PROBE_TIMEOUT_MS }).listModels('loras').then(
    () => null,
    (e: unknown) => e as Error,
  );
  expect(err).toBeInstanceOf(ComfyUnreachableError);
  return err!;
}

/** GET /api/comfy/lora-metadata through the route handler. */
async function metadata(url: string): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
  counts.tried += 1;
  const res = await metadataRoute.GET(
    new Request(`http://test/api/comfy/lora-metadata?filename=my_lora.safetensors&url=${encodeURIComponent(url)}`),
    { params: Promise.resolve({}) },
  );
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
}

/**
 * A 2-image generation job against `url`, started through the route handler; resolves with its `finished` event
 * once the session on disk has been checked: valid, the same status and error as announced, every image marked
 * done a real PNG, none left running.
 */
async function generate(url: string): Promise<GenerationEvent & { type: 'finished' }> {
  counts.tried += 1;
  const s = await createSession(new Date(), {
    comfyui_url: url,
    checkpoint: 'v1-5-pruned-emaonly.safetensors',
    lora_filename: 'my_lora.safetensors',
    weight_range: [1],
    seeds: [11],
    metrics: ['Quality'],
    repeat_share: 0,
    prompt_pairs: [{ positive: 'a windmill at dusk', negative: '', append_trigger: false }],
    sampler: { steps: 2, width: 64, height: 64 },
  });
  const id = s.session_id;
  const finished = new Promise<GenerationEvent & { type: 'finished' }>((resolve) => {
    const off = generationJobs.subscribe(id, (ev) => {
      if (ev.type !== 'finished') return;
      off();
      resolve(ev);
    });
  });
  const res = await generationRoute.POST(new Request('http://test/api', { method: 'POST' }), { params: Promise.resolve({ id }) });
  expect(res.status).toBe(202);
  const end = await finished;

  counts.checked += 1;
  // What a restarted workbench would read: session_meta.json and the event log after it.
  const stored = SessionSchema.safeParse(await readStoredSession(id).catch(() => null));
  let whole = stored.success;
  if (stored.success) {
    expect(stored.data.status).toBe(end.status);
    expect(stored.data.error_message).toBe(end.error);
    expect(stored.data.step_2_generation.results.filter((r) => r.status === 'running')).toEqual([]);
    for (const r of stored.data.step_2_generation.results.filter((x) => x.status === 'done')) {
      const png = await readFile(path.join(dir, id, 'output', r.filename));
      if (png.subarray(1, 4).toString('latin1') !== 'PNG') whole = false;
    }
  }
  if (!whole) counts.lost += 1;
  await expect(loadSession(id)).resolves.toMatchObject({ session_id: id });
  return end;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lorabench-comfy-faults-'));
  process.env.SESSIONS_DIR = dir;
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  await Promise.all(closers.map((close) => close()));
  if (previousDir === undefined) delete process.env.SESSIONS_DIR;
  else process.env.SESSIONS_DIR = previousDir;
  await rm(dir, { recursive: true, force: true });
  // Closing the servers fails what is still in flight against them; that must not surface either.
  expect(unhandled).toBe(0);
});

describe('ComfyUI unreachable, slow or garbled', () => {
  it('connection refused: every operation says so at once', async () => {
    counts.servers += 1;
    const url = await refusedUrl();
    const { status, ms } = await probe(url);
    expect(status).toMatchObject({ reachable: false, checkpoints: [], loras: [] });
    expect(status.error).toMatch(/refused the connection \(GET \/\S+: ECONNREFUSED\)\. Is it running, and is the URL right\?$/);
    expectClear(status.error, url);
    expect(ms).toBeLessThan(3_000);
    expectClear((await listing(url)).message, url);
    const meta = await metadata(url);
    expect(meta.status).toBe(502);
    expect(meta.body.error).toMatchObject({ code: 'comfy_unreachable' });
    expectClear(meta.body.error?.message, url);
    const end = await generate(url);
    expect(end).toMatchObject({ status: 'failed' });
    expect(end.error).toMatch(/^no ComfyUI server is reachable: ComfyUI at \S+ refused the connection \(WebSocket \/ws: ECONNREFUSED\)$/);
    expectClear(end.error, url);
  });

  for (const [body, words] of [
    ['html', /with an HTML page instead of JSON/],
    ['text', /with text\/plain; charset=utf-8 \("upstream connect error[^"]*…"\) instead of JSON/],
    ['wrong_shape', /with JSON of an unexpected shape \(/],
  ] as const) {
    it(`garbage on every route (${body}): the probe, the listing and the job say what came back`, async () => {
      counts.servers += 1;
      const s = await sim({ behaviour: { garbage: { body } } });
      const { status } = await probe(s.url);
      expect(status.reachable).toBe(false);
      expect(status.error).toMatch(words);
      expectClear(status.error, s.url);
      const listed = await listing(s.url);
      expect(listed.message).toMatch(/answered GET \/models\/loras with /);
      expect(listed.message).toMatch(words);
      expectClear(listed.message, s.url);
      // By design (lib/comfy/lora-metadata.ts) an answer that is not a JSON object counts as "no metadata", and any
      // object of strings is a metadata map: the Setup form shows it and goes on.
      const meta = await metadata(s.url);
      expect(meta.status).toBe(200);
      expect(meta.body).toMatchObject({ metadata_keys: body === 'wrong_shape' ? ['detail'] : [] });
      const end = await generate(s.url);
      expect(end.status).toBe('failed');
      expect(end.error).toMatch(/^every ComfyUI server failed; 2 image\(s\) left: ComfyUI at \S+ answered POST \/prompt with /);
      expect(end.error).toMatch(words);
      expectClear(end.error, s.url);
    });
  }

  it("a proxy's 502 error page: named by its status", async () => {
    counts.servers += 1;
    const s = await sim({ behaviour: { garbage: { body: 'html', status: 502 } } });
    const { status } = await probe(s.url);
    expect(status.error).toMatch(/answered GET \/\S+ with HTTP 502\./);
    expectClear(status.error, s.url);
    const end = await generate(s.url);
    expect(end.error).toMatch(/answered POST \/prompt with HTTP 502$/);
    expectClear(end.error, s.url);
  });

  it('garbage only from /view, mid-job: the job fails in words and stores no bad image; garbage from /history is never read', async () => {
    counts.servers += 3;
    const history = await sim({ behaviour: { garbage: { body: 'text', routes: ['history'] } } });
    const shape = await sim({ behaviour: { garbage: { body: 'wrong_shape', routes: ['history'] } } });
    const view = await sim({ behaviour: { garbage: { body: 'html', routes: ['view'] } } });
    expect((await probe(view.url)).status.reachable).toBe(true);
    const [h, w, v] = await Promise.all([generate(history.url), generate(shape.url), generate(view.url)]);
    // The image's file comes from the `executed` message (lib/comfy/runner.ts); /history is only the fallback when the
    // socket told nothing, so a server whose /history is broken still delivers every image.
    expect([h.error, w.error]).toEqual([null, null]);
    expect(v.error).toMatch(/answered GET \/view\?filename=\S+ with an HTML page instead of an image/);
    expectClear(v.error, view.url);
  });

  describe.concurrent('the slow ones (run side by side)', () => {
    it('a black hole that accepts and never answers: the probe gives up after 5 s, the job after 30 s (REQUEST_TIMEOUT_MS)', async ({
      expect,
    }) => {
      counts.servers += 1;
      const hole = await startBlackHole();
      closers.push(hole.close);
      const [{ status, ms }, listed, meta, end] = await Promise.all([
        probe(hole.url),
        listing(hole.url),
        metadata(hole.url),
        generate(hole.url),
      ]);
      expect(hole.accepted()).toBeGreaterThan(0);
      expect(status.reachable).toBe(false);
      expect(status.error).toMatch(/did not answer GET \/\S+ within 5 s\. Is it running, and is the URL right\?$/);
      expectClear(status.error, hole.url);
      expect(ms).toBeGreaterThanOrEqual(PROBE_TIMEOUT_MS - 100);
      expect(ms).toBeLessThan(PROBE_TIMEOUT_MS + 3_000);
      expect(listed.message).toMatch(/did not answer GET \/models\/loras within 5 s$/);
      expectClear(listed.message, hole.url);
      expect(meta.status).toBe(502);
      expect(meta.body.error?.message).toMatch(/did not answer GET \/view_metadata\/loras within 10 s$/);
      expectClear(meta.body.error?.message, hole.url);
      expect(end.status).toBe('failed');
      expect(end.error).toBe(
        `no ComfyUI server is reachable: ComfyUI at ${hole.url} did not open its WebSocket (/ws) within ${REQUEST_TIMEOUT_MS / 1000} s`,
      );
      expectClear(end.error, hole.url);
    });

    it(`a slow server (${SLOW_MS / 1000} s per HTTP answer): the probe gives up after 5 s, generation still completes`, async ({
      expect,
    }) => {
      counts.servers += 1;
      const s = await sim({ latencyMs: SLOW_MS });
      const [{ status, ms }, end] = await Promise.all([probe(s.url), generate(s.url)]);
      expect(status.reachable).toBe(false);
      expect(status.error).toMatch(/did not answer GET \/\S+ within 5 s\. Is it running, and is the URL right\?$/);
      expectClear(status.error, s.url);
      expect(ms).toBeLessThan(PROBE_TIMEOUT_MS + 3_000);
      expect(end).toMatchObject({ status: 'completed', error: null });
      counts.generated += 1;
    });
  });

  it('no unhandled rejection or uncaught exception on the way, no session damaged', () => {
    console.log(
      `faults: ComfyUI faults: ${counts.servers} faulty servers (refused, black hole, ${SLOW_MS / 1000} s per answer, ` +
        `HTML page, plain text, wrong JSON shape, proxy 502, garbled /history twice, garbled /view), ${counts.tried} operations ` +
        `tried (status probes, model listings, LoRA metadata, generation jobs), ${counts.clear} clear errors checked, ` +
        `${counts.generated} slow generation completed, ${counts.checked} sessions checked, ${unhandled} unhandled ` +
        `rejections, ${counts.lost} data lost`,
    );
    expect(unhandled).toBe(0);
    expect(counts.lost).toBe(0);
  });
});
