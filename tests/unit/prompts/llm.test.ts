import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as generateRoute from '@/app/api/prompts/generate/route';
import * as metricsRoute from '@/app/api/prompts/metrics/route';
import { LlmError, extractJson, llmConfigured, llmMetrics, llmPrompts } from '@/lib/prompts/llm';

const KEY = 'sk-test-SECRET-9f8e7d';
const MODEL = 'tiny-test-model';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  body: {
    model?: string;
    temperature?: number;
    response_format?: { type: string };
    messages?: Array<{ role: string; content: string }>;
  };
}

/** What the fake server answers next: a status and either a chat `content` string or a raw body. */
let reply: { status: number; content?: string; raw?: string; hang?: boolean } = { status: 200, content: '{}' };
let seen: Seen[] = [];
let server: Server;
let base = '';

function handle(req: IncomingMessage, res: ServerResponse) {
  let data = '';
  req.on('data', (c) => (data += c));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(data || '{}') });
    if (reply.hang) return; // never answers: exercises the timeout
    const body =
      reply.raw ??
      JSON.stringify({
        id: 'x',
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: reply.content } }],
      });
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(body);
  });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const ENV = ['LLM_BASE_URL', 'LLM_MODEL', 'LLM_API_KEY'] as const;
let saved: Record<string, string | undefined> = {};
beforeEach(() => {
  saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
  seen = [];
  reply = { status: 200, content: '{}' };
});
afterEach(() => {
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

function configure(withKey = true) {
  process.env.LLM_BASE_URL = `${base}/`;
  process.env.LLM_MODEL = MODEL;
  if (withKey) process.env.LLM_API_KEY = KEY;
  else delete process.env.LLM_API_KEY;
}
function unconfigure() {
  for (const k of ENV) delete process.env[k];
}

const ctx = { params: Promise.resolve({}) };
const post = (path: string, body: unknown) =>
  new Request(`http://test${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });

/** Calls a route, checks the key never shows in the body, and returns status + parsed body. */
async function call(route: { POST: (req: Request, c: typeof ctx) => Promise<Response> }, path: string, body: unknown) {
  const res = await route.POST(post(path, body), ctx);
  const text = await res.text();
  expect(text).not.toContain(KEY);
  return { status: res.status, json: JSON.parse(text) };
}

const twoPrompts = JSON.stringify({
  prompts: [
    { positive: 'a knight on a cliff, sunset, oil painting', negative: 'blurry' },
    { positive: 'a knight in a tavern, candlelight' },
  ],
});

describe('llmConfigured', () => {
  it('needs both the base URL and the model', () => {
    unconfigure();
    expect(llmConfigured()).toBe(false);
    process.env.LLM_BASE_URL = base;
    expect(llmConfigured()).toBe(false);
    process.env.LLM_MODEL = MODEL;
    expect(llmConfigured()).toBe(true);
  });
});

describe('llmPrompts / llmMetrics against a fake OpenAI-compatible server', () => {
  it('sends model, bearer key, messages, temperature and json mode, and parses the answer', async () => {
    configure();
    reply = { status: 200, content: twoPrompts };
    const prompts = await llmPrompts({ brief: 'a knight', trigger_words: 'kn1ght', n: 4 });
    expect(prompts).toEqual([
      { positive: 'a knight on a cliff, sunset, oil painting', negative: 'blurry' },
      { positive: 'a knight in a tavern, candlelight', negative: '' },
    ]);
    expect(seen).toHaveLength(1);
    const s = seen[0]!;
    expect(s.method).toBe('POST');
    expect(s.url).toBe('/v1/chat/completions');
    expect(s.auth).toBe(`Bearer ${KEY}`);
    expect(s.body.model).toBe(MODEL);
    expect(s.body.temperature).toBe(0.9);
    expect(s.body.response_format).toEqual({ type: 'json_object' });
    expect(s.body.messages?.map((m) => m.role)).toEqual(['system', 'user']);
    expect(s.body.messages?.[0]?.content).toContain('"prompts"');
    expect(s.body.messages?.[1]?.content).toContain('a knight');
    expect(s.body.messages?.[1]?.content).toContain('kn1ght');
    expect(s.body.messages?.[1]?.content).toContain('4');
  });

  it('sends no Authorization header without a key', async () => {
    configure(false);
    reply = { status: 200, content: twoPrompts };
    await llmPrompts({ brief: 'a knight', trigger_words: '', n: 2 });
    expect(seen[0]!.auth).toBeUndefined();
  });

  it('strips ```json fences, trims to n and drops duplicates', async () => {
    configure();
    const p = { positive: 'same prompt', negative: '' };
    reply = { status: 200, content: '```json\n' + JSON.stringify({ prompts: [p, p, { positive: 'b' }, { positive: 'c' }] }) + '\n```' };
    const prompts = await llmPrompts({ brief: 'x', trigger_words: '', n: 2 });
    expect(prompts.map((q) => q.positive)).toEqual(['same prompt', 'b']);
  });

  it('parses metrics', async () => {
    configure();
    reply = { status: 200, content: 'Sure!\n```\n{"metrics": ["Quality", "Armour detail", "Quality"]}\n```' };
    expect(await llmMetrics({ brief: 'a knight', trigger_words: '' })).toEqual(['Quality', 'Armour detail']);
    expect(seen[0]!.body.messages?.[0]?.content).toContain('"metrics"');
  });

  it('rejects invalid JSON, schema violations and HTTP errors with LlmError', async () => {
    configure();
    reply = { status: 200, content: 'here are some prompts: knight, castle' };
    await expect(llmPrompts({ brief: 'x', trigger_words: '', n: 2 })).rejects.toMatchObject({ code: 'llm_bad_answer', status: 502 });

    reply = { status: 200, content: JSON.stringify({ prompts: [{ negative: 'no positive' }] }) };
    await expect(llmPrompts({ brief: 'x', trigger_words: '', n: 2 })).rejects.toThrow(/not a list of prompts/);

    reply = { status: 200, content: JSON.stringify({ metrics: ['x'.repeat(41)] }) };
    await expect(llmMetrics({ brief: 'x', trigger_words: '' })).rejects.toThrow(/40 characters/);

    reply = { status: 200, content: JSON.stringify({ metrics: [] }) };
    await expect(llmMetrics({ brief: 'x', trigger_words: '' })).rejects.toBeInstanceOf(LlmError);

    reply = { status: 500, raw: JSON.stringify({ error: { message: `model crashed (key ${KEY})` } }) };
    const err = await llmPrompts({ brief: 'x', trigger_words: '', n: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).code).toBe('llm_rejected');
    expect((err as LlmError).message).toContain('HTTP 500');
    expect((err as LlmError).message).toContain('model crashed');
    expect((err as LlmError).message).not.toContain(KEY);

    reply = { status: 200, raw: '<html>not json</html>' };
    await expect(llmPrompts({ brief: 'x', trigger_words: '', n: 2 })).rejects.toMatchObject({ code: 'llm_bad_answer' });
  });

  it('times out on a server that never answers, and reports an unreachable server', async () => {
    configure();
    reply = { status: 200, hang: true };
    await expect(llmPrompts({ brief: 'x', trigger_words: '', n: 1 }, { timeoutMs: 200 })).rejects.toThrow(/did not answer within/);

    process.env.LLM_BASE_URL = 'http://127.0.0.1:1/v1';
    await expect(llmMetrics({ brief: 'x', trigger_words: '' })).rejects.toMatchObject({ code: 'llm_unreachable' });
  });

  it('extractJson reads bare, fenced and prose-wrapped JSON', () => {
    expect(extractJson('{"a":1}')).toEqual({ a: 1 });
    expect(extractJson('```json\n{"a":2}\n```')).toEqual({ a: 2 });
    expect(extractJson('Here you go: {"a":3} enjoy')).toEqual({ a: 3 });
    expect(() => extractJson('nope')).toThrow(LlmError);
  });
});

describe('POST /api/prompts/generate', () => {
  it('answers from the LLM when configured', async () => {
    configure();
    reply = { status: 200, content: twoPrompts };
    const { status, json } = await call(generateRoute, '/api/prompts/generate', { brief: 'a knight', n: 2 });
    expect(status).toBe(200);
    expect(json.source).toBe('llm');
    expect(json.prompts).toHaveLength(2);
    expect(seen).toHaveLength(1);
  });

  it('uses the offline generator when no LLM is configured, or with ?offline=1', async () => {
    unconfigure();
    const a = await call(generateRoute, '/api/prompts/generate', { brief: 'a knight', n: 5, seed: 9 });
    expect(a.status).toBe(200);
    expect(a.json.source).toBe('offline');
    expect(a.json.prompts).toHaveLength(5);

    configure();
    const b = await call(generateRoute, '/api/prompts/generate?offline=1', { brief: 'a knight', n: 5, seed: 9 });
    expect(b.json.source).toBe('offline');
    expect(b.json.prompts).toEqual(a.json.prompts);
    expect(seen).toHaveLength(0);
  });

  it('answers 502 when the LLM fails, without falling back', async () => {
    configure();
    reply = { status: 500, raw: `upstream exploded ${KEY}` };
    const r = await call(generateRoute, '/api/prompts/generate', { brief: 'a knight' });
    expect(r.status).toBe(502);
    expect(r.json.error.code).toBe('llm_rejected');
    expect(r.json.error.message).toContain('HTTP 500');
    expect(r.json.prompts).toBeUndefined();

    reply = { status: 200, content: 'not json at all' };
    const r2 = await call(generateRoute, '/api/prompts/generate', { brief: 'a knight' });
    expect(r2.status).toBe(502);
    expect(r2.json.error.code).toBe('llm_bad_answer');
  });

  it('answers 400 for a bad body', async () => {
    unconfigure();
    for (const body of [{ brief: '' }, { brief: 'x', n: 0 }, { brief: 'x', n: 21 }, { brief: 'x'.repeat(501) }, { n: 3 }, 'not json']) {
      const r = await call(generateRoute, '/api/prompts/generate', body);
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe('bad_request');
    }
  });
});

describe('POST /api/prompts/metrics', () => {
  it('answers from the LLM, offline, 502 and 400', async () => {
    configure();
    reply = { status: 200, content: '{"metrics":["Quality","Armour detail"]}' };
    const llm = await call(metricsRoute, '/api/prompts/metrics', { brief: 'a knight', trigger_words: 'kn1ght' });
    expect(llm).toEqual({ status: 200, json: { source: 'llm', metrics: ['Quality', 'Armour detail'] } });
    expect(seen[0]!.auth).toBe(`Bearer ${KEY}`);

    const forced = await call(metricsRoute, '/api/prompts/metrics?offline=1', { brief: 'a knight', trigger_words: 'kn1ght' });
    expect(forced.json.source).toBe('offline');
    expect(forced.json.metrics).toContain('Likeness to kn1ght');

    reply = { status: 200, content: '{"metrics": "Quality"}' };
    const bad = await call(metricsRoute, '/api/prompts/metrics', { brief: 'a knight' });
    expect(bad.status).toBe(502);

    unconfigure();
    const off = await call(metricsRoute, '/api/prompts/metrics', { brief: 'a knight' });
    expect(off.json).toEqual({ source: 'offline', metrics: ['Quality', 'Coherence', 'Style', 'Fits a knight'] });

    const invalid = await call(metricsRoute, '/api/prompts/metrics', { brief: 42 });
    expect(invalid.status).toBe(400);
  });
});
