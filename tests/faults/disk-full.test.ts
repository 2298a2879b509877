// Issue 7: the disk fills up during a save. SESSIONS_DIR sits on a small disk (tests/helpers/small-disk.ts: a 1 MiB
// tmpfs, or RLIMIT_FSIZE where mounting is not allowed); the route handlers run in-process. Every save on the full disk
// must answer 507 disk_full in words, leave the previous session_meta.json byte for byte, leave no temp file, and
// succeed once room is back.
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as generationRoute from '@/app/api/sessions/[id]/generation/route';
import * as judgmentsRoute from '@/app/api/sessions/[id]/judgments/route';
import * as sessionRoute from '@/app/api/sessions/[id]/route';
import * as sessionsRoute from '@/app/api/sessions/route';
import { generationJobs, type GenerationEvent } from '@/lib/generation/jobs';
import { SessionSchema, type Session } from '@/lib/sessions/schema';
import { EVENT_LOG_FILE } from '@/lib/sessions/event-log';
import { loadSession } from '@/lib/sessions/store';
import { readStoredSession } from '@/lib/sessions/writer';
import { FILLER, smallDisk, type SmallDisk } from '../helpers/small-disk';
import { startSimProcess } from '../helpers/sim-process';

let disk: SmallDisk;
// ComfyUI in a process of its own, as in real life: the file size limit of the fallback binds only this process.
let sim: Awaited<ReturnType<typeof startSimProcess>>;
const previousDir = process.env.SESSIONS_DIR;

const ctx = (id: string) => ({ params: Promise.resolve({ id }) });
const req = (method: string, body?: unknown) =>
  new Request('http://test/api', {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** Every file and folder under SESSIONS_DIR except the tmpfs filler, relative, sorted. */
async function listing(): Promise<string[]> {
  const entries = await readdir(disk.dir, { recursive: true });
  return entries.filter((e) => e !== FILLER).sort();
}

const metaBytes = (id: string) => readFile(path.join(disk.dir, id, 'session_meta.json'));

const counts = { saves: 0, faults: 0, refused: 0, fitted: 0, retried: 0, checked: 0, lost: 0, tempFiles: 0 };

/** Whether `id`'s file on disk is still exactly `before` and validates; counts a session checked, and a loss if not. */
async function intact(id: string, before: Buffer): Promise<boolean> {
  counts.checked += 1;
  const now = await metaBytes(id);
  const ok = now.equals(before) && SessionSchema.safeParse(JSON.parse(now.toString('utf8'))).success;
  if (!ok) counts.lost += 1;
  await expect(loadSession(id)).resolves.toMatchObject({ session_id: id });
  return ok;
}

/** The answer of a save refused for lack of room: 507 and the error shape with a message that says so. */
async function expectDiskFull(res: Response): Promise<void> {
  const body = (await res.json()) as { error?: { code?: string; message?: string } };
  expect(res.status, JSON.stringify(body)).toBe(507);
  expect(body.error?.code).toBe('disk_full');
  const words = disk.errno === 'ENOSPC' ? /the disk is full \(ENOSPC/ : /the file size limit is reached \(EFBIG\)/;
  expect(body.error?.message).toMatch(/^Could not save: /);
  expect(body.error?.message).toMatch(words);
  expect(body.error?.message).toMatch(/free some disk space and try again\.$/);
  expect(body.error?.message).not.toContain(disk.dir);
  counts.refused += 1;
}

/** The event log of `id` as bytes (empty when there is none). */
const logBytes = (id: string) => readFile(path.join(disk.dir, id, EVENT_LOG_FILE)).catch(() => Buffer.alloc(0));

/**
 * One save on a full disk: fills the disk, sends the request, and checks the answer. A 507 must leave everything as
 * it was: the session file byte for byte and valid, the event log byte for byte, no file added or removed. A save
 * whose event is small enough to fit in the space the event log's last block already has (`mayFit`: a judgment, the
 * start of a job) may instead be stored: then it answers 2xx and a restarted app reads it back. Frees the room and
 * sends the request again, which must succeed.
 */
async function saveOnFullDisk(id: string, send: () => Promise<Response>, opts: { mayFit?: boolean } = {}): Promise<Response> {
  const before = await metaBytes(id);
  const log = await logBytes(id);
  const files = await listing();
  disk.fill();
  counts.faults += 1;
  counts.saves += 1;
  let res: Response;
  try {
    res = await send();
    if (opts.mayFit && res.status < 300) counts.fitted += 1;
    else await expectDiskFull(res);
  } finally {
    disk.free();
  }
  if (res.status < 300) {
    counts.checked += 1;
    expect((await logBytes(id)).length).toBeGreaterThan(log.length);
    await expect(readStoredSession(id)).resolves.toMatchObject({ session_id: id });
    return res;
  }
  expect(await intact(id, before)).toBe(true);
  expect((await logBytes(id)).equals(log)).toBe(true);
  const after = await listing();
  counts.tempFiles += after.filter((f) => !files.includes(f)).length;
  expect(after).toEqual(files);
  const retry = await send();
  expect(retry.status, await retry.clone().text()).toBeLessThan(300);
  counts.retried += 1;
  return retry;
}

function finished(id: string, onEvent: (ev: GenerationEvent) => void = () => undefined): Promise<GenerationEvent & { type: 'finished' }> {
  return new Promise((resolve) => {
    const off = generationJobs.subscribe(id, (ev) => {
      onEvent(ev);
      if (ev.type === 'finished') {
        off();
        resolve(ev);
      }
    });
  });
}

beforeAll(async () => {
  disk = await smallDisk();
  process.env.SESSIONS_DIR = disk.dir;
  sim = await startSimProcess(['--step-delay-ms', '5']);
});
afterAll(async () => {
  if (previousDir === undefined) delete process.env.SESSIONS_DIR;
  else process.env.SESSIONS_DIR = previousDir;
  sim?.child.kill('SIGKILL');
  await disk?.dispose();
});

describe('a full disk during saves', () => {
  it('refuses each save with 507 disk_full, keeps the previous file byte for byte, leaves no temp file, and saves once room is back', async () => {
    const created = await sessionsRoute.POST(req('POST'), { params: Promise.resolve({}) });
    expect(created.status).toBe(201);
    const first = ((await created.json()) as { session: Session }).session;
    const id = first.session_id;
    const setup = {
      ...first.step_1_setup,
      comfyui_url: sim.url,
      checkpoint: 'v1-5-pruned-emaonly.safetensors',
      lora_filename: 'my_lora.safetensors',
      weight_range: [1],
      seeds: [7],
      metrics: ['Quality'],
      repeat_share: 0,
      prompt_pairs: [{ positive: 'a lighthouse in a storm', negative: '', append_trigger: false }],
      sampler: { ...first.step_1_setup.sampler, steps: 3, width: 64, height: 64 },
    };

    // Setup, then notes (PUT /api/sessions/:id).
    const saved = await saveOnFullDisk(id, () => sessionRoute.PUT(req('PUT', { base_revision: 0, step_1_setup: setup }), ctx(id)));
    expect(((await saved.json()) as { session: Session }).session.step_1_setup.seeds).toEqual([7]);
    // Notes of 9,000 characters: more than a block, so they need room the disk does not have.
    const longNotes = `written on a nearly full disk ${'x'.repeat(9_000)}`;
    await saveOnFullDisk(id, () => sessionRoute.PUT(req('PUT', { notes: longNotes }), ctx(id)));
    expect((await loadSession(id)).notes).toBe(longNotes);

    // A new session (POST /api/sessions): no half-made folder is left to show up as damaged.
    const other = await saveOnFullDisk(id, () => sessionsRoute.POST(req('POST'), { params: Promise.resolve({}) }));
    const otherId = ((await other.json()) as { session: Session }).session.session_id;
    expect(otherId).not.toBe(id);

    // The disk fills while images are being made: once the first image is marked running, every later write fails,
    // the image downloads included. Listened to before the start: the first image is marked running (its prompt_id
    // on disk) before anything is sent to ComfyUI, so right after the start answers.
    let snapshot: Buffer | null = null;
    const failing = finished(id, (ev) => {
      if (snapshot || ev.type !== 'image' || ev.result.status !== 'running') return;
      snapshot = readFileSync(path.join(disk.dir, id, 'session_meta.json'));
      disk.fill();
      counts.faults += 1;
      counts.saves += 1;
    });

    // Starting generation (POST /api/sessions/:id/generation): refused before any job runs.
    const start = await saveOnFullDisk(
      id,
      async () => {
        const res = await generationRoute.POST(req('POST'), ctx(id));
        if (res.status === 507) expect(generationJobs.isRunning(id)).toBe(false);
        return res;
      },
      { mayFit: true },
    );
    expect(start.status).toBe(202);
    const failed = await failing;
    const filesAtFill = await listing();
    disk.free();
    expect(snapshot).not.toBeNull();
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(disk.errno === 'ENOSPC' ? /^Could not save: the disk is full/ : /^Could not save: the file size limit/);
    counts.refused += 1;
    expect(await intact(id, snapshot!)).toBe(true);
    expect(filesAtFill.filter((f) => f.startsWith(`${id}/output/`))).toEqual([]);
    counts.tempFiles += filesAtFill.filter((f) => !/^\d{8}_\d{6}(_\d+)?(\/output|\/session_meta\.json|\/events\.jsonl)?$/.test(f)).length;

    // Room is back: the session loads and Resume makes every image.
    const reloaded = await sessionRoute.GET(req('GET'), ctx(id));
    expect(reloaded.status).toBe(200);
    // The end of the job is on disk when its small event found room in the event log's last block (failed, with the
    // reason); otherwise the session was left running and shows as interrupted.
    const back = ((await reloaded.json()) as { session: Session }).session;
    expect(back.status).toMatch(/^(interrupted|failed)$/);
    if (back.status === 'failed') expect(back.error_message).toMatch(/^Could not save: /);
    const done = finished(id);
    expect((await generationRoute.POST(req('POST'), ctx(id))).status).toBe(202);
    expect(await done).toMatchObject({ status: 'completed', error: null });
    counts.retried += 1;
    const generated = await loadSession(id);
    for (const r of generated.step_2_generation.results) {
      const png = await readFile(path.join(disk.dir, id, 'output', r.filename));
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    }

    // A judgment (POST /api/sessions/:id/judgments).
    const judged = await saveOnFullDisk(id, () => judgmentsRoute.POST(req('POST', { index: 0, choices: { Quality: 'left' } }), ctx(id)), {
      mayFit: true,
    });
    expect(judged.status).toBe(200);
    expect((await loadSession(id)).step_3_evaluation.scores).toHaveLength(1);

    expect(
      (await listing()).filter(
        (f) => !/^\d{8}_\d{6}(_\d+)?(\/output(\/(baseline|lora)_[\d_]+\.png)?|\/session_meta\.json|\/events\.jsonl)?$/.test(f),
      ),
    ).toEqual([]);
    console.log(
      `faults: disk full via ${disk.mechanism} (${disk.note}; writes fail with ${disk.errno}): ${counts.saves} saves tried on a full disk, ` +
        `${counts.faults} faults injected, ${counts.refused} refused in words (507 disk_full or the job's error), ` +
        `${counts.fitted} small enough to fit in the event log's last block and stored, ` +
        `${counts.retried} saved after room came back, ${counts.checked} sessions checked, ${counts.tempFiles} temp files left, ` +
        `${counts.lost} data lost`,
    );
    expect(counts.tempFiles).toBe(0);
    expect(counts.lost).toBe(0);
  });
});
