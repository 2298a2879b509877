// Issue 18: the log routes over real HTTP against the production build. The owner reads a session's log in words
// and downloads it as JSON Lines and text; an unknown session is 404; a browser that opened a rater link gets 403 from
// the log's API and is sent to its own rater screen from the Log view.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogLineSchema, SessionLogSchema } from '@/lib/log/schema';
import { startBuiltApp, type BuiltApp } from '../helpers/built-app';
import { generatedSession } from '../helpers/generated-session';
import { writeSession } from '../helpers/security-fs';

const DONE = '20240301_100000';
let dir = '';
let app: BuiltApp;
let id = '';

const call = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(`${app.base}${url}`, {
    method,
    redirect: 'manual',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lorabench-log-http-'));
  await writeSession(dir, generatedSession(DONE));
  app = await startBuiltApp({ sessionsDir: dir });
  const created = (await (await call('POST', '/api/sessions')).json()) as { session: { session_id: string; step_1_setup: object } };
  id = created.session.session_id;
  const setup = { ...created.session.step_1_setup, lora_filename: 'pixel.safetensors', weight_range: [0.5, 1] };
  expect((await call('PUT', `/api/sessions/${id}`, { base_revision: 0, step_1_setup: setup })).status).toBe(200);
  expect(
    (await call('PUT', `/api/sessions/${id}`, { base_revision: 1, step_1_setup: { ...setup, weight_range: [0.25, 0.5, 1] } })).status,
  ).toBe(200);
  expect((await call('PUT', `/api/sessions/${id}`, { notes: 'overnight run' })).status).toBe(200);
}, 90_000);

afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('GET /api/sessions/:id/log', () => {
  it('answers the log in words, with summary and timing', async () => {
    const res = await call('GET', `/api/sessions/${id}/log`);
    expect(res.status).toBe(200);
    const log = SessionLogSchema.parse(await res.json());
    expect(log.lines.map((l) => l.text)).toEqual([
      'Setup saved: LoRA pixel.safetensors; strengths 0.5, 1; 0 seed(s); 0 prompt(s); metrics Quality, Style, Coherence',
      'Setup changed: strengths 0.5, 1 → 0.25, 0.5, 1',
      'notes saved: “overnight run”',
    ]);
    expect(log.lines.map((l) => l.group)).toEqual(['setup', 'setup', 'lifecycle']);
    expect(log.summary).toMatchObject({ images_total: 0, judgments: 0, servers: [] });
  });

  it('downloads it as JSON Lines and as text', async () => {
    const jsonl = await call('GET', `/api/sessions/${id}/log/jsonl`);
    expect(jsonl.status).toBe(200);
    expect(jsonl.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(jsonl.headers.get('content-disposition')).toBe(`attachment; filename="lorabench_${id}_log.jsonl"`);
    const lines = (await jsonl.text())
      .trimEnd()
      .split('\n')
      .map((l) => LogLineSchema.parse(JSON.parse(l)));
    expect(lines.map((l) => l.rev)).toEqual([1, 2, 3]);

    const text = await call('GET', `/api/sessions/${id}/log/text`);
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    const body = await text.text();
    expect(body).toContain(`LoRA Bench log of session ${id}`);
    expect(body).toContain('Setup changed: strengths 0.5, 1 → 0.25, 0.5, 1');
  });

  it('answers 404 for an unknown session and 400 for a malformed id or another format', async () => {
    for (const url of ['/api/sessions/20990101_000000/log', '/api/sessions/20990101_000000/log/text']) {
      const res = await call('GET', url);
      expect(res.status, url).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
    for (const url of ['/api/sessions/not-an-id/log', `/api/sessions/${id}/log/csv`]) {
      const res = await call('GET', url);
      expect(res.status, url).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    }
  });

  it('refuses a rater: 403 from the log routes, and the Log view sends the browser to its rater screen', async () => {
    const invited = await call('PATCH', `/api/sessions/${DONE}/raters`, { name: 'bob', action: 'link' });
    expect(invited.status).toBe(200);
    const link = (
      (await invited.json()) as { session: { step_3_evaluation: { raters: Array<{ name: string; link: string | null }> } } }
    ).session.step_3_evaluation.raters.find((r) => r.name === 'bob')!.link!;
    // The rater's own browser opens the link and gets the rater cookie.
    const visit = await call('GET', link);
    expect(visit.status).toBe(200);
    const cookie = visit.headers
      .getSetCookie()
      .find((c) => c.startsWith('lorabench_rater='))!
      .split(';')[0]!;
    expect((await call('GET', `/api/rate/${link.slice('/rate/'.length)}`, undefined, { cookie })).status).toBe(200);

    for (const session of [DONE, id]) {
      for (const url of [`/api/sessions/${session}/log`, `/api/sessions/${session}/log/jsonl`, `/api/sessions/${session}/log/text`]) {
        const res = await call('GET', url, undefined, { cookie });
        expect(res.status, url).toBe(403);
        const body = await res.text();
        expect(JSON.parse(body)).toMatchObject({ error: { code: 'forbidden' } });
        expect(body).not.toMatch(/Setup|strength|pixel/);
      }
      const page = await call('GET', `/sessions/${session}/log`, undefined, { cookie });
      expect(page.status).toBe(307);
      expect(new URL(page.headers.get('location')!, app.base).pathname).toBe(link);
    }
    // The owner still reads the log, which names the invitation.
    const owner = SessionLogSchema.parse(await (await call('GET', `/api/sessions/${DONE}/log`)).json());
    expect(owner.lines.map((l) => l.text)).toEqual([expect.stringMatching(/^rater bob invited \(\d+ pairs\)$/)]);
  });
});
