// Issue 11: an imported archive whose session names image files outside its folder. Resume would write ComfyUI's
// image through that name, so the name must be refused where it enters (import, load) and where it is used (the
// write). Also: an import cut off by SIGKILL leaves a temp folder that the next start removes.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planResults } from '@/lib/generation/plan';
import type { Session } from '@/lib/sessions/schema';
import { type BuiltApp, startBuiltApp } from '../helpers/built-app';
import { generatedSession } from '../helpers/generated-session';
import { snapshot } from '../helpers/security-fs';
import { sessionZip } from '../helpers/session-zip';
import { startSimProcess } from '../helpers/sim-process';

let sim: Awaited<ReturnType<typeof startSimProcess>>;
let root = '';
let sessions = '';
beforeAll(async () => {
  sim = await startSimProcess(['--step-delay-ms', '2']);
  root = await mkdtemp(path.join(os.tmpdir(), 'lorabench-import-'));
  sessions = path.join(root, 'sessions');
  await mkdir(sessions);
});
afterAll(async () => {
  sim.child.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

/** An interrupted session of 1 prompt × 1 seed × 1 strength whose LoRA image is still to render, named `loraName`. */
function interrupted(loraName: string): { session: Session; images: Record<string, Buffer> } {
  const s = generatedSession('20240201_000000');
  Object.assign(s.step_1_setup, {
    comfyui_url: sim.url,
    weight_range: [1],
    seeds: [7],
    prompt_pairs: [{ positive: 'a red fox', negative: '', append_trigger: false }],
    sampler: { ...s.step_1_setup.sampler, steps: 2, width: 64, height: 64 },
  });
  const [baseline, lora] = planResults(s.step_1_setup);
  s.step_2_generation = {
    generation_started: true,
    generation_complete: false,
    results: [
      { ...baseline!, status: 'done' },
      { ...lora!, filename: loraName },
    ],
    shuffled_results: [],
    order_origin: 'secret',
    order_secret: null,
  };
  Object.assign(s, { status: 'interrupted', error_message: 'Paused' });
  return { session: s, images: { [baseline!.filename]: Buffer.from('not really a png') } };
}

const post = (app: BuiltApp, url: string, body: Buffer | string, type = 'application/json') =>
  fetch(`${app.base}${url}`, { method: 'POST', body: new Uint8Array(Buffer.from(body)), headers: { 'content-type': type } });

/** POSTs `zip` to the import route 1 MiB at a time with 20 ms pauses; resolves (never rejects) when the request ends. */
function slowUpload(app: BuiltApp, zip: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const req = request({
      host: '127.0.0.1',
      port: app.port,
      method: 'POST',
      path: '/api/sessions/import',
      headers: { 'content-type': 'application/zip', 'content-length': zip.length },
    });
    req.on('response', (res) =>
      res
        .resume()
        .on('end', () => resolve())
        .on('error', () => resolve()),
    );
    req.on('error', () => resolve());
    let at = 0;
    const step = () => {
      if (at >= zip.length) return void req.end();
      req.write(zip.subarray(at, (at += 1024 * 1024)));
      setTimeout(step, 20);
    };
    step();
  });
}

async function settle(app: BuiltApp, id: string): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const { session } = await (await fetch(`${app.base}/api/sessions/${id}`)).json();
    if (session.status !== 'running') return session.status;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${id} did not stop`);
}

describe('an imported session naming files outside its folder', () => {
  it('is refused at import and at load, and Resume writes nothing outside SESSIONS_DIR', async () => {
    const victim = path.join(root, 'victim.txt');
    await writeFile(victim, 'ORIGINAL');
    const app = await startBuiltApp({ sessionsDir: sessions, comfyUrl: sim.url });
    const counts = { attacks: 0, refused: 0, outsideChanged: 0, controlResumed: 0 };
    try {
      // Positive control: the same archive with an honest name imports, resumes and writes its image.
      const honest = interrupted('lora_0_0_0.png');
      const ok = await post(app, '/api/sessions/import', await sessionZip(honest.session, honest.images), 'application/zip');
      expect(ok.status, await ok.clone().text()).toBe(201);
      const okId = (await ok.json()).session.session_id as string;
      expect((await post(app, `/api/sessions/${okId}/generation`, '{}')).status).toBe(202);
      expect(await settle(app, okId)).toBe('completed');
      expect((await readdir(path.join(sessions, okId, 'output'))).sort()).toContain('lora_0_0_0.png');
      counts.controlResumed++;

      const before = await snapshot(root);
      // Relative to sessions/<id>/output/: the test root, SESSIONS_DIR itself, and a session folder's own top.
      const names = [
        '../../../victim.txt',
        '../../victim.txt',
        '../session_meta.json',
        'lora_0_0_0.png/../../../../victim.txt',
        'x/../../../../victim.txt',
        '/victim.txt',
        'lora_0_0_0.txt',
      ];
      const imported: string[] = [];
      for (const name of names) {
        const evil = interrupted(name);
        counts.attacks++;
        const res = await post(app, '/api/sessions/import', await sessionZip(evil.session, evil.images), 'application/zip');
        if (res.status === 400) counts.refused++;
        else if (res.status === 201) {
          // Not refused at the door: Resume must still not write through the name.
          const id = (await res.json()).session.session_id as string;
          imported.push(id);
          await post(app, `/api/sessions/${id}/generation`, '{}');
          await settle(app, id).catch(() => undefined);
        }
        // The same session planted on disk by hand (not through import): loading it must refuse it too.
        const planted = { ...evil.session, session_id: '20240202_000000' };
        await mkdir(path.join(sessions, planted.session_id, 'output'), { recursive: true });
        await writeFile(path.join(sessions, planted.session_id, 'session_meta.json'), JSON.stringify(planted));
        const plantedBefore = await snapshot(root);
        counts.attacks++;
        const resume = await post(app, `/api/sessions/${planted.session_id}/generation`, '{}');
        if (resume.status === 422) counts.refused++;
        else if (resume.status === 202) await settle(app, planted.session_id).catch(() => undefined);
        const own = await snapshot(root);
        const wrote = Object.keys({ ...plantedBefore, ...own }).filter(
          (k) => plantedBefore[k] !== own[k] && !k.startsWith(`sessions/${planted.session_id}/output/`),
        );
        counts.outsideChanged += wrote.filter((k) => !k.startsWith(`sessions/${planted.session_id}/`)).length;
        await rm(path.join(sessions, planted.session_id), { recursive: true, force: true });
      }
      // What changed outside the folders of the sessions this test imported (which a refused import never creates).
      const after = await snapshot(root);
      const ownFolder = (k: string) => imported.some((id) => k.startsWith(`sessions/${id}/`) || k === `sessions/${id}/`);
      const outside = Object.keys({ ...before, ...after }).filter(
        (k) => before[k] !== after[k] && !ownFolder(k) && !k.startsWith('sessions/20240202_000000'),
      );
      counts.outsideChanged += outside.length;
      console.log(
        `import attack: ${counts.attacks} hostile file names tried (import and planted), ${counts.refused} refused, ` +
          `${counts.outsideChanged} files outside their session folder changed; honest control resumed ${counts.controlResumed}`,
      );
      expect(outside).toEqual([]);
      expect(await readFile(victim, 'utf8')).toBe('ORIGINAL');
      expect(counts.refused).toBe(counts.attacks);
    } finally {
      await app.stop();
    }
  }, 120_000);

  it('a SIGKILL during an import leaves no partial session, and the next start removes its temp folder', async () => {
    const images: Record<string, Buffer> = {};
    const s = interrupted('lora_0_0_0.png').session;
    // 60 MB of images, so the upload and extraction take long enough to be cut off.
    s.step_1_setup.seeds = Array.from({ length: 60 }, (_, i) => i);
    s.step_2_generation.results = planResults(s.step_1_setup).map((r) => ({ ...r, status: 'done' }));
    for (const r of s.step_2_generation.results.filter((r) => r.role === 'baseline')) images[r.filename] = randomBytes(1024 * 1024);
    const zip = await sessionZip(s, images);
    const counts = { kills: 0, leftBeforeRestart: 0, leftAfterRestart: 0, partial: 0 };
    const dir = path.join(root, 'kill-sessions');
    await mkdir(dir);
    // Control: uncut, the same 60 MB archive imports whole (Next.js's proxy would have cut any body at 10 MB).
    const whole = await startBuiltApp({ sessionsDir: dir, comfyUrl: sim.url });
    try {
      const res = await post(whole, '/api/sessions/import', zip, 'application/zip');
      expect(res.status, await res.clone().text()).toBe(201);
      const id = (await res.json()).session.session_id as string;
      expect((await readdir(path.join(dir, id, 'output'))).length).toBe(Object.keys(images).length);
      await rm(path.join(dir, id), { recursive: true });
    } finally {
      await whole.stop();
    }
    for (let run = 0; run < 4; run++) {
      const app = await startBuiltApp({ sessionsDir: dir, comfyUrl: sim.url });
      // A slow upload (1 MiB every 20 ms, as over a network), cut off by the kill after a few MiB.
      const upload = slowUpload(app, zip);
      for (let i = 0; i < 400 && !(await readdir(dir)).some((n) => n.startsWith('.import-')); i++)
        await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 60 + run * 60));
      await app.kill();
      await upload;
      counts.kills++;
      counts.leftBeforeRestart += (await readdir(dir)).filter((n) => n.startsWith('.import-')).length;
      const again = await startBuiltApp({ sessionsDir: dir, comfyUrl: sim.url });
      counts.leftAfterRestart += (await readdir(dir)).filter((n) => n.startsWith('.import-')).length;
      const { sessions: rows } = await (await fetch(`${again.base}/api/sessions`)).json();
      counts.partial += rows.filter((r: { damaged: boolean }) => r.damaged).length;
      await again.stop();
    }
    console.log(
      `import kill: ${counts.kills} SIGKILLs during an import, ${counts.leftBeforeRestart} temp folders left behind, ` +
        `${counts.leftAfterRestart} after the restart, ${counts.partial} partial sessions listed`,
    );
    expect(counts.leftBeforeRestart, 'no kill landed during an import').toBeGreaterThan(0);
    expect(counts.leftAfterRestart).toBe(0);
    expect(counts.partial).toBe(0);
  }, 180_000);
});
