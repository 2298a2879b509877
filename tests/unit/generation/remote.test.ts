// ComfyUI that is not on your desk: a server under a path prefix that asks for a key, credentials from the
// environment or typed into Setup's server list, and a server taken out of a job and re-admitted. The secret must
// reach the server and nothing else: no file of the session folder (session_meta.json, events.jsonl, images), no
// console line.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { POST as checkStatus } from '@/app/api/comfy/status/route';
import { PUT as saveSession } from '@/app/api/sessions/[id]/route';
import { generationJobs, type GenerationEvent } from '@/lib/generation/jobs';
import { sessionPath } from '@/lib/sessions/paths';
import { createSession, loadSession } from '@/lib/sessions/store';
import { startSimulator, type RunningSimulator } from '@/sim/comfyui/server';
import { tempSessionsDir } from '../../helpers/temp-sessions';

const KEY = 'k3y-Do-Not-Store-9b2e';
tempSessionsDir();
let sim: RunningSimulator;
let clock = 0;
const logged: string[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, stepDelayMs: 2, prefix: '/comfy', key: KEY });
});
afterEach(() => {
  delete process.env.COMFYUI_CREDENTIALS;
  delete process.env.COMFY_REPROBE_MS;
  vi.restoreAllMocks();
});
afterAll(() => sim.close());

/** Records every console line from now on (the job logs lost servers and failures there). */
function recordConsole(): void {
  logged.length = 0;
  for (const level of ['log', 'info', 'warn', 'error'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
  }
}

const SETUP = {
  checkpoint: 'v1-5-pruned-emaonly.safetensors',
  lora_filename: 'my_lora.safetensors',
  weight_range: [0.5, 1],
  prompt_pairs: [{ positive: 'a lighthouse at dusk', negative: '', append_trigger: false }],
  sampler: { steps: 2, cfg: 7, sampler_name: 'euler', scheduler: 'normal', width: 64, height: 64 },
};

/** A session with 2 seeds × (baseline + 2 strengths) on `comfyui_url`, saved through the Setup route. */
async function session(comfyui_url: string, seeds = [1, 2]): Promise<string> {
  const s = await createSession(new Date(2024, 0, 1, 0, 0, clock++), { ...SETUP, seeds });
  const res = await saveSession(
    new Request('http://localhost/', {
      method: 'PUT',
      body: JSON.stringify({ base_revision: s.revision, step_1_setup: { ...s.step_1_setup, comfyui_url } }),
    }),
    { params: Promise.resolve({ id: s.session_id }) },
  );
  expect(res.status).toBe(200);
  return s.session_id;
}

async function run(id: string, during?: (ev: GenerationEvent) => void): Promise<Extract<GenerationEvent, { type: 'finished' }>> {
  const finished = new Promise<Extract<GenerationEvent, { type: 'finished' }>>((resolve) => {
    const off = generationJobs.subscribe(id, (ev) => {
      during?.(ev);
      if (ev.type === 'finished') {
        off();
        resolve(ev);
      }
    });
  });
  await generationJobs.start(id);
  return finished;
}

/** Every file under the session folder (images and thumbnails included), recursively, as latin1 text. */
async function sessionFiles(id: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(path.relative(sessionPath(id), p), await readFile(p, 'latin1'));
    }
  };
  await walk(sessionPath(id));
  return out;
}

async function expectNoSecret(id: string): Promise<void> {
  const files = await sessionFiles(id);
  expect([...files.keys()]).toEqual(expect.arrayContaining(['session_meta.json', 'events.jsonl']));
  for (const [name, text] of files) expect(text.includes(KEY), `${name} holds the key`).toBe(false);
  for (const line of logged) expect(line).not.toContain(KEY);
}

describe('a ComfyUI behind a prefix that asks for a key', () => {
  it('renders with a bearer token from COMFYUI_CREDENTIALS, on the /api-prefixed routes, and stores no secret', async () => {
    process.env.COMFYUI_CREDENTIALS = JSON.stringify({ [`${sim.url}/api/`]: { bearer: KEY } });
    recordConsole();
    const id = await session(`${sim.url}/api`);
    expect((await run(id)).status).toBe('completed');
    const s = await loadSession(id);
    expect(s.step_2_generation.results.every((r) => r.status === 'done' && r.server === `${sim.url}/api`)).toBe(true);
    await expectNoSecret(id);
  });

  it('renders with an X-API-Key from COMFYUI_CREDENTIALS', async () => {
    process.env.COMFYUI_CREDENTIALS = JSON.stringify({ [sim.url]: { api_key: KEY } });
    recordConsole();
    const id = await session(sim.url);
    expect((await run(id)).status).toBe('completed');
    await expectNoSecret(id);
  });

  it('takes basic-auth credentials typed into the Setup server list out of the saved Setup and still renders', async () => {
    recordConsole();
    const typed = sim.url.replace('http://', `http://bench:${KEY}@`) + '/';
    const id = await session(typed);
    expect((await loadSession(id)).step_1_setup.comfyui_url).toBe(sim.url);
    expect((await run(id)).status).toBe('completed');
    await expectNoSecret(id);
  });

  it('the Setup status check takes the URL with credentials in its body and answers without them', async () => {
    const res = await checkStatus(
      new Request('http://localhost/api/comfy/status', {
        method: 'POST',
        body: JSON.stringify({ url: sim.url.replace('http://', `http://me:${KEY}@`) }),
      }),
      { params: Promise.resolve({}) },
    );
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toContain(KEY);
    expect(JSON.parse(text)).toMatchObject({ url: sim.url, reachable: true, error: null });
  });

  it('without credentials, the job fails saying the server asks for them', async () => {
    recordConsole();
    // Another prefix of the same server: nothing is remembered or configured for it.
    const other = await startSimulator({ port: 0, stepDelayMs: 2, prefix: '/other', key: KEY });
    try {
      const id = await session(other.url);
      const end = await run(id);
      expect(end.status).toBe('failed');
      expect(end.error).toMatch(/asks for credentials.*HTTP 401.*COMFYUI_CREDENTIALS/);
    } finally {
      await other.close();
    }
  });
});

describe('a server taken out of a job', () => {
  it('is probed again and re-admitted once it answers, and renders again', async () => {
    process.env.COMFY_REPROBE_MS = '50';
    recordConsole();
    const steady = await startSimulator({ port: 0, renderMs: 60 });
    const flaky = await startSimulator({ port: 0, renderMs: 60 });
    let phase: 'before' | 'down' | 'back' = 'before';
    let promptsWhenBack = 0;
    try {
      const id = await session(
        `${steady.url}, ${flaky.url}`,
        Array.from({ length: 14 }, (_, i) => i + 1),
      );
      const end = await run(id, (ev) => {
        if (ev.type !== 'eta') return;
        const f = ev.servers.find((s) => s.url === flaky.url);
        if (phase === 'before' && f && f.done >= 1) {
          // As a proxy in front of a ComfyUI that went down answers: every route a 502 page.
          phase = 'down';
          flaky.setBehaviour({ garbage: { body: 'html', status: 502 } });
        } else if (phase === 'down' && f && !f.healthy) {
          phase = 'back';
          promptsWhenBack = flaky.stats().prompts;
          flaky.setBehaviour({ garbage: null });
        }
      });
      const results = (await loadSession(id)).step_2_generation.results;
      expect(results.filter((r) => r.status !== 'done').map((r) => r.error)).toEqual([]);
      expect(end.status).toBe('completed');
      expect(phase).toBe('back');
      // The server executed prompts of this job after it answered again: it was re-admitted.
      expect(flaky.stats().prompts).toBeGreaterThan(promptsWhenBack);
      expect(results.filter((r) => r.server === flaky.url).length).toBeGreaterThan(0);
      const kinds = (await readFile(path.join(sessionPath(id), 'events.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { event: { kind: string } }).event.kind);
      expect(kinds.indexOf('server_lost')).toBeGreaterThan(-1);
      expect(kinds.indexOf('server_back')).toBeGreaterThan(kinds.indexOf('server_lost'));
    } finally {
      await Promise.all([steady.close(), flaky.close()]);
    }
  });
});
