import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as blindRoute from '@/app/api/sessions/[id]/blind/[token]/[side]/route';
import * as thumbnailRoute from '@/app/api/sessions/[id]/thumbnail/route';
import * as cleanupRoute from '@/app/api/sessions/cleanup/route';
import * as evaluationRoute from '@/app/api/sessions/[id]/evaluation/route';
import * as judgmentsRoute from '@/app/api/sessions/[id]/judgments/route';
import * as sessionRoute from '@/app/api/sessions/[id]/route';
import * as sessionsRoute from '@/app/api/sessions/route';
import { loadSession } from '@/lib/sessions/store';
import { generatedSession } from '../../helpers/generated-session';
import { tempSessionsDir } from '../../helpers/temp-sessions';

const dir = tempSessionsDir();
const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) });
const json = (method: string, body: unknown) =>
  new Request('http://test/api', { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

/** Writes a generated session with tiny PNGs whose text chunks name the LoRA, as ComfyUI's would. */
async function seedSession() {
  const s = generatedSession('20240115_143022');
  const folder = path.join(dir(), s.session_id);
  await mkdir(path.join(folder, 'output'), { recursive: true });
  await writeFile(path.join(folder, 'session_meta.json'), JSON.stringify(s));
  const sharp = (await import('sharp')).default;
  for (const r of s.step_2_generation.results) {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    const text = Buffer.from(`prompt\0{"lora_name":"my_lora.safetensors","role":"${r.role}"}`, 'latin1');
    const head = Buffer.alloc(8);
    head.writeUInt32BE(text.length, 0);
    head.write('tEXt', 4, 'latin1');
    const withText = Buffer.concat([png.subarray(0, png.length - 12), head, text, Buffer.alloc(4), png.subarray(png.length - 12)]);
    await writeFile(path.join(folder, 'output', r.filename), withText);
  }
  return s;
}

describe('route handlers', () => {
  it('keeps every evaluation answer blind: no role, strength, prompt index or file name', async () => {
    const s = await seedSession();
    const id = s.session_id;
    const session = await (await sessionRoute.GET(new Request('http://test'), ctx({ id }))).text();
    expect(session).not.toContain('shuffled_results');
    expect(session).not.toMatch(/"scores"/);
    const view = await evaluationRoute.GET(new Request('http://test'), ctx({ id }));
    expect(view.status).toBe(200);
    const body = await view.json();
    // The pair's prompt text is shown (both sides share it, so it tells nothing of which is which); nothing else may
    // name a prompt, such as its index.
    expect(s.step_1_setup.prompt_pairs.map((p) => p.positive)).toContain(body.prompt);
    expect(JSON.stringify({ ...body, prompt: null })).not.toMatch(/baseline|lora|strength|\.png|prompt_|prompt[^"]/i);
    const token = body.pair.token as string;
    for (const side of ['left', 'right']) {
      const img = await blindRoute.GET(new Request('http://test'), ctx({ id, token, side }));
      expect(img.headers.get('content-type')).toBe('image/png');
      expect(img.headers.get('content-disposition')).toBeNull();
      const bytes = Buffer.from(await img.arrayBuffer());
      expect(bytes.subarray(1, 4).toString()).toBe('PNG');
      expect(bytes.toString('latin1')).not.toMatch(/lora|baseline/i);
    }
    const answer = await judgmentsRoute.POST(
      json('POST', { index: 0, choices: { Quality: 'left', Style: 'tie', Coherence: 'right' } }),
      ctx({ id }),
    );
    expect(answer.status).toBe(200);
    expect(JSON.stringify(await answer.json())).not.toMatch(/baseline|lora|strength/i);
    expect((await loadSession(id)).step_3_evaluation.scores).toHaveLength(3);
  });

  it('answers bad input with 4xx and the {error: {code, message}} shape, changing nothing', async () => {
    const s = await seedSession();
    const id = s.session_id;
    const cases: Array<[Promise<Response>, number, string]> = [
      [sessionRoute.GET(new Request('http://test'), ctx({ id: '..%2Fetc' })), 400, 'bad_request'],
      [sessionRoute.GET(new Request('http://test'), ctx({ id: '20991231_235959' })), 404, 'not_found'],
      [judgmentsRoute.POST(new Request('http://test', { method: 'POST', body: '{oops' }), ctx({ id })), 400, 'bad_request'],
      [
        judgmentsRoute.POST(json('POST', { index: 5, choices: { Quality: 'left', Style: 'left', Coherence: 'left' } }), ctx({ id })),
        409,
        'conflict',
      ],
      [judgmentsRoute.POST(json('POST', { index: 0, choices: { Quality: 'sideways' } }), ctx({ id })), 400, 'bad_request'],
      [blindRoute.GET(new Request('http://test'), ctx({ id, token: 'a'.repeat(32), side: 'left' })), 404, 'not_found'],
      [blindRoute.GET(new Request('http://test'), ctx({ id, token: '../../session_meta', side: 'left' })), 400, 'bad_request'],
      [sessionRoute.PUT(json('PUT', { base_revision: 0, step_1_setup: { seeds: [1] } }), ctx({ id })), 409, 'conflict'],
      [sessionRoute.PUT(json('PUT', { base_revision: s.revision, step_1_setup: { seeds: [1] } }), ctx({ id })), 409, 'locked'],
    ];
    for (const [pending, status, code] of cases) {
      const res = await pending;
      expect(res.status).toBe(status);
      const body = await res.json();
      expect(body.error.code).toBe(code);
      expect(typeof body.error.message).toBe('string');
    }
    expect(await loadSession(id)).toEqual(s);
  });

  it('creates a session and lists it newest first', async () => {
    const created = await sessionsRoute.POST(new Request('http://test', { method: 'POST' }), ctx({}));
    expect(created.status).toBe(201);
    const { session } = await created.json();
    const list = await (await sessionsRoute.GET(new Request('http://test'), ctx({}))).json();
    expect(list.sessions[0]).toMatchObject({ session_id: session.session_id, damaged: false, step: 1, status: 'pending' });
  });
});

describe('session management routes', () => {
  it('saves notes without a revision, serves a thumbnail, and cleans up only empty sessions', async () => {
    const s = await seedSession();
    const id = s.session_id;
    const saved = await sessionRoute.PUT(json('PUT', { notes: 'v2 of the LoRA, 20 epochs' }), ctx({ id }));
    expect(saved.status).toBe(200);
    expect((await loadSession(id)).notes).toBe('v2 of the LoRA, 20 epochs');
    const noRevision = await sessionRoute.PUT(json('PUT', { step_1_setup: s.step_1_setup }), ctx({ id }));
    expect(noRevision.status).toBe(400);

    const thumb = await thumbnailRoute.GET(new Request('http://test'), ctx({ id }));
    expect(thumb.headers.get('content-type')).toBe('image/png');
    const sharp = (await import('sharp')).default;
    expect(await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).toMatchObject({ width: 96, height: 96 });

    const empty = (await (await sessionsRoute.POST(new Request('http://test', { method: 'POST' }), ctx({}))).json()).session;
    const listed = await (await cleanupRoute.GET(new Request('http://test'), ctx({}))).json();
    expect(listed.empty).toEqual([empty.session_id]);
    const done = await cleanupRoute.POST(json('POST', { ids: [empty.session_id, id] }), ctx({}));
    expect((await done.json()).trashed).toEqual([empty.session_id]);
    const left = (await (await sessionsRoute.GET(new Request('http://test'), ctx({}))).json()).sessions;
    expect(left.map((x: { session_id: string }) => x.session_id)).toEqual([id]);
  });
});
