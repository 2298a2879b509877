import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeEach, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import yazl from 'yazl';
import * as importRoute from '@/app/api/sessions/import/route';
import { ApiError } from '@/lib/api/errors';
import { readSessionLog } from '@/lib/log/read';
import { exportSessionZip, importSessionZip, ManifestSchema } from '@/lib/sessions/archive';
import { commit, readStoredSession } from '@/lib/sessions/writer';
import { receiveZipUpload } from '@/lib/sessions/upload';
import { createSession, loadSession } from '@/lib/sessions/store';
import { sessionsDir } from '@/lib/sessions/paths';
import { generatedSession } from '../../helpers/generated-session';
import { manifestOf } from '../../helpers/session-zip';
import { tempSessionsDir } from '../../helpers/temp-sessions';
import { editSession } from '../../helpers/edit-session';

const root = tempSessionsDir();
const ctx = { params: Promise.resolve({}) };

// SESSIONS_DIR two levels below the test's own temp folder, so "nothing outside SESSIONS_DIR" is observable.
beforeEach(async () => {
  process.env.SESSIONS_DIR = path.join(root(), 'data', 'sessions');
  await mkdir(process.env.SESSIONS_DIR, { recursive: true });
});

async function png(color: string): Promise<Buffer> {
  return sharp({ create: { width: 8, height: 8, channels: 3, background: color } }).png().toBuffer();
}

/** A session with Setup, a complete grid, blind pairs, two scores, two real PNGs and two files export must skip. */
async function seedSession() {
  const created = await createSession(new Date(2024, 0, 15, 14, 30, 22));
  const g = generatedSession(created.session_id);
  const s = await editSession(created.session_id, (d) => {
    d.step_1_setup = g.step_1_setup;
    d.status = 'completed';
    d.notes = 'first run';
    d.step_2_generation = g.step_2_generation;
    const pair = g.step_2_generation.shuffled_results[0]!;
    d.step_3_evaluation.scores = [
      { pair_id: pair.pair_id, metric: 'Quality', winner: 'lora', left: pair.left, rater: 'default', rating: 4, same_image: false, at: '2024-01-15T14:40:00Z' },
      { pair_id: pair.pair_id, metric: 'Style', winner: 'tie', left: pair.left, rater: 'default', rating: null, same_image: false, at: '2024-01-15T14:40:05Z' },
    ];
  });
  const out = path.join(sessionsDir(), s.session_id, 'output');
  const images = new Map<string, Buffer>();
  for (const [i, r] of s.step_2_generation.results.slice(0, 2).entries()) {
    const data = await png(i ? '#336699' : '#ff8800');
    images.set(r.filename, data);
    await writeFile(path.join(out, r.filename), data);
  }
  await writeFile(path.join(out, 'notes.txt'), 'not an image');
  await writeFile(path.join(out, 'baseline_0_0.png.tmp'), 'partial');
  return { session: s, images };
}

/** Every entry of a zip as read back independently with yauzl: name, bytes, compression method, attributes. */
async function readZip(zip: Buffer) {
  const zf = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
  const entries = new Map<string, { data: Buffer; method: number }>();
  for await (const e of zf.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const c of await zf.openReadStreamPromise(e)) chunks.push(c as Buffer);
    entries.set(e.fileName, { data: Buffer.concat(chunks), method: e.compressionMethod });
  }
  return entries;
}

interface Entry {
  name: string;
  data: Buffer;
  mode?: number;
  compress?: boolean;
  dir?: boolean;
}

async function zipOf(entries: Entry[]): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const e of entries) {
    if (e.dir) z.addEmptyDirectory(e.name);
    else z.addBuffer(e.data, e.name, { mode: e.mode, compress: e.compress ?? true });
  }
  z.end();
  const chunks: Buffer[] = [];
  for await (const c of z.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** The entries of a valid archive of a seeded session, built by the test itself (not by exportSessionZip). */
async function validParts(overrides: { meta?: object; manifest?: Record<string, unknown> } = {}) {
  const { session, images } = await seedSession();
  const meta = Buffer.from(JSON.stringify(overrides.meta ?? session));
  const files: Entry[] = [{ name: 'session_meta.json', data: meta }];
  for (const [name, data] of images) files.push({ name: `output/${name}`, data, compress: false });
  const manifest = { ...manifestOf(session.session_id, files.map((f) => ({ path: f.name, data: f.data }))), ...overrides.manifest };
  return { session, files, manifestEntry: { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) } };
}

/** Replaces every occurrence of `from` (a same-length placeholder) in both the local and central headers. */
function patch(zip: Buffer, from: string, to: string): Buffer {
  expect(to.length).toBe(from.length);
  const out = Buffer.from(zip);
  let at = 0;
  let hits = 0;
  for (;;) {
    at = out.indexOf(from, at, 'latin1');
    if (at < 0) break;
    out.write(to, at, 'latin1');
    hits++;
  }
  expect(hits).toBe(2); // local file header + central directory header
  return out;
}

/** Every path under the test's temp folder (which holds SESSIONS_DIR two levels down). */
async function tree(): Promise<string[]> {
  return (await readdir(root(), { recursive: true })).map(String).sort();
}

const tmpEvil = path.join(os.tmpdir(), 'evil');

async function expectRefused(zip: Buffer, message: RegExp, opts?: { maxBytes?: number; maxEntries?: number }) {
  const before = await tree();
  const evilBefore = existsSync(tmpEvil);
  const err = await importSessionZip(zip, opts).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).code).toBe('bad_request');
  expect((err as ApiError).message).toMatch(message);
  const after = await tree();
  expect(after).toEqual(before); // no new session, no temp folder, nothing beside SESSIONS_DIR
  expect(after.some((p) => path.basename(p) === 'evil' || p.includes('.import-'))).toBe(false);
  expect(existsSync(path.join(sessionsDir(), '..', 'evil'))).toBe(false);
  expect(existsSync(path.join(sessionsDir(), '..', '..', 'evil'))).toBe(false);
  expect(existsSync(tmpEvil)).toBe(evilBefore);
}

describe('exportSessionZip', () => {
  it('zips session_meta.json, the images (stored) and a manifest whose SHA-256 values match', async () => {
    const { session, images } = await seedSession();
    const entries = await readZip(await exportSessionZip(session.session_id));
    const imageNames = [...images.keys()].map((n) => `output/${n}`);
    expect([...entries.keys()].sort()).toEqual(['manifest.json', 'session_meta.json', ...imageNames].sort());
    for (const n of imageNames) {
      expect(entries.get(n)!.method).toBe(0);
      expect(entries.get(n)!.data.equals(images.get(n.slice(7))!)).toBe(true);
    }
    const manifest = ManifestSchema.parse(JSON.parse(entries.get('manifest.json')!.data.toString()));
    expect(manifest).toMatchObject({ format: 'lorabench-session', app_version: '0.1.0', schema_version: 2, session_id: session.session_id });
    expect(manifest.files.map((f) => f.path).sort()).toEqual(['session_meta.json', ...imageNames].sort());
    for (const f of manifest.files) {
      const data = entries.get(f.path)!.data;
      expect(f.sha256).toBe(createHash('sha256').update(data).digest('hex'));
      expect(f.size).toBe(data.length);
    }
    expect(JSON.parse(entries.get('session_meta.json')!.data.toString())).toEqual(session);
  });

  it('refuses a damaged or unknown session', async () => {
    await mkdir(path.join(sessionsDir(), '20240101_000000'));
    await writeFile(path.join(sessionsDir(), '20240101_000000', 'session_meta.json'), '{ nope');
    await expect(exportSessionZip('20240101_000000')).rejects.toMatchObject({ code: 'damaged' });
    await expect(exportSessionZip('20240101_000001')).rejects.toMatchObject({ code: 'not_found' });
    await expect(exportSessionZip('../x')).rejects.toMatchObject({ code: 'bad_request' });
  });
});

describe('importSessionZip', () => {
  it('round-trips into a new session with the same Setup, results, scores and byte-identical images', async () => {
    const { session, images } = await seedSession();
    const zip = await exportSessionZip(session.session_id);
    const a = await importSessionZip(zip);
    const b = await importSessionZip(zip);
    expect(a.session_id).not.toBe(session.session_id);
    expect(b.session_id).not.toBe(a.session_id);
    expect(a.session_id).toMatch(/^\d{8}_\d{6}(_\d+)?$/);
    const stored = await loadSession(a.session_id);
    expect(stored).toEqual(a);
    // The seeded session has no event log: the import's own event is revision 1.
    expect(stored.revision).toBe(1);
    expect(stored.notes).toBe(`first run\nImported from ${session.session_id}`);
    expect(stored.step_1_setup).toEqual(session.step_1_setup);
    expect(stored.step_2_generation).toEqual(session.step_2_generation);
    expect(stored.step_3_evaluation).toEqual(session.step_3_evaluation);
    expect(stored.status).toBe('completed');
    const out = path.join(sessionsDir(), a.session_id, 'output');
    expect((await readdir(out)).sort()).toEqual([...images.keys()].sort());
    for (const [name, data] of images) expect((await readFile(path.join(out, name))).equals(data)).toBe(true);
    // The source is untouched and no temp folder is left.
    expect(await loadSession(session.session_id)).toEqual(session);
    expect((await readdir(sessionsDir())).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('keeps the event log: the Log view of the import shows the history of the source session, then the import', async () => {
    const created = await createSession(new Date(2024, 0, 15, 9, 0, 0));
    const id = created.session_id;
    await commit(id, () => ({ kind: 'setup_saved', setup: { ...created.step_1_setup, lora_filename: 'pixel.safetensors' } }));
    await commit(id, () => ({ kind: 'notes_saved', notes: 'overnight' }));
    const source = await readSessionLog(id);
    expect(source.lines.map((l) => l.event)).toEqual(['setup_saved', 'notes_saved']);

    const entries = await readZip(await exportSessionZip(id));
    expect(entries.get('events.jsonl')!.data.toString()).toBe(await readFile(path.join(sessionsDir(), id, 'events.jsonl'), 'utf8'));
    const imported = await importSessionZip(await exportSessionZip(id));
    expect(imported.revision).toBe(3);
    const log = await readSessionLog(imported.session_id);
    expect(log.lines.map((l) => [l.rev, l.text])).toEqual([
      ...source.lines.map((l) => [l.rev, l.text]),
      [3, `imported from an archive of session ${id} (the lines above are that session’s)`],
    ]);
    // The imported session goes on from there: its next change is revision 4, and it reloads whole.
    await commit(imported.session_id, () => ({ kind: 'notes_saved', notes: 'again' }));
    expect((await readStoredSession(imported.session_id)).revision).toBe(4);
    expect((await readSessionLog(imported.session_id)).lines.at(-1)).toMatchObject({ rev: 4, text: 'notes saved: “again”' });
  });

  it('refuses an event log that is not one, goes back, or runs past its session', async () => {
    const { files, session } = await validParts();
    const line = (rev: number) => `${JSON.stringify({ rev, at: '2024-01-15T14:00:00.000Z', event: { kind: 'notes_saved', notes: 'x' } })}\n`;
    const withLog = async (log: string) => {
      const all = [...files, { name: 'events.jsonl', data: Buffer.from(log) }];
      const manifest = manifestOf(session.session_id, all.map((f) => ({ path: f.name, data: f.data })));
      return zipOf([...all, { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) }]);
    };
    await expectRefused(await withLog('{"rev": 1}\n'), /line 1 of events.jsonl in the archive is not an event/);
    await expectRefused(await withLog(`${line(2)}${line(2)}`), /goes back to revision 2 at line 2/);
    await expectRefused(await withLog(line(session.revision + 1)), /past its session's/);
    await expectRefused(await withLog(line(1).trimEnd()), /cut-off line/);
    expect((await importSessionZip(await withLog(line(session.revision)))).revision).toBe(session.revision + 1);
  });

  it('imports an archive built independently from the manifest format', async () => {
    const { files, manifestEntry, session } = await validParts();
    const s = await importSessionZip(await zipOf([{ name: 'output/', data: Buffer.alloc(0), dir: true }, ...files, manifestEntry]));
    expect(s.step_2_generation.results).toEqual(session.step_2_generation.results);
  });

  it.each([
    ['../evil', 'xxxevil', /"\.\." segment/],
    ['/abs/path', 'xabs/path', /absolute path/],
    ['output/../../evil', 'output/xx/xx/evil', /"\.\." segment/],
    ['C:evil', 'Cxevil', /absolute path/],
    ['output\\baseline_0_0.png', 'outputxbaseline_0_0.png', /backslash/],
  ])('refuses the entry name %s and writes nothing', async (name, placeholder, message) => {
    const { files, manifestEntry } = await validParts();
    const zip = patch(await zipOf([...files, { name: placeholder, data: Buffer.from('pwned') }, manifestEntry]), placeholder, name);
    await expectRefused(zip, message);
  });

  it('refuses unknown files, other folders and duplicate names', async () => {
    const { files, manifestEntry } = await validParts();
    await expectRefused(await zipOf([...files, { name: 'output/run.sh', data: Buffer.from('x') }, manifestEntry]), /unexpected file/);
    await expectRefused(await zipOf([...files, { name: 'extra.txt', data: Buffer.from('x') }, manifestEntry]), /unexpected file/);
    await expectRefused(await zipOf([...files, { name: 'output/sub/', data: Buffer.alloc(0), dir: true }, manifestEntry]), /unexpected (folder|file)/);
    await expectRefused(await zipOf([...files, files[1]!, manifestEntry]), /twice/);
  });

  it('refuses a symlink entry', async () => {
    const { files, manifestEntry } = await validParts();
    const link = { ...files[1]!, data: Buffer.from('/etc/passwd'), mode: 0o120777 };
    await expectRefused(await zipOf([files[0]!, link, manifestEntry]), /symbolic link/);
  });

  it('refuses a checksum mismatch and a file the manifest does not list', async () => {
    const { files, manifestEntry } = await validParts();
    const tampered = Buffer.from(files[1]!.data);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 20) ^ 0xff, tampered.length - 20);
    await expectRefused(await zipOf([files[0]!, { ...files[1]!, data: tampered }, manifestEntry]), /SHA-256/);
    await expectRefused(await zipOf([files[0]!, manifestEntry]), /does not hold/);
  });

  it('refuses an archive from a newer schema with a clear message', async () => {
    const { files, manifestEntry } = await validParts({ manifest: { schema_version: 4 } });
    await expectRefused(await zipOf([...files, manifestEntry]), /newer LoRA Bench \(schema 4\); update to import it/);
  });

  it('refuses a missing manifest, and garbage', async () => {
    const { files } = await validParts();
    await expectRefused(await zipOf(files), /no manifest\.json/);
    await expectRefused(Buffer.from('this is not a zip at all'), /not a readable \.zip/);
  });

  it('refuses a session_meta.json that fails the schema', async () => {
    const { session } = await seedSession();
    const bad = { ...session, revision: -1, step_1_setup: { ...session.step_1_setup, seeds: ['x'] } };
    const { files, manifestEntry } = await validParts({ meta: bad, manifest: { session_id: session.session_id } });
    await expectRefused(await zipOf([...files, manifestEntry]), /session_meta\.json in the archive is invalid/);
  });

  it('refuses too many entries', async () => {
    const { files, manifestEntry } = await validParts();
    await expectRefused(await zipOf([...files, manifestEntry]), /entries/, { maxEntries: 2 });
  });

  it('refuses an entry that unpacks past maxBytes, even when its header lies about the size', async () => {
    const { files, manifestEntry } = await validParts();
    const bomb = { name: 'output/lora_9_9_9.png', data: Buffer.alloc(4_000_000) };
    const zip = await zipOf([...files, bomb, manifestEntry]);
    expect(zip.length).toBeLessThan(100_000);
    await expectRefused(zip, /more than 1000000 bytes/, { maxBytes: 1_000_000 });

    // Now the headers claim 1,000 bytes: only counting the bytes actually inflated can catch it.
    const lying = Buffer.from(zip);
    const nameBuf = Buffer.from(bomb.name);
    for (const [sig, sizeAt, nameAt] of [
      [0x04034b50, 22, 30],
      [0x02014b50, 24, 46],
    ] as const) {
      for (let i = lying.indexOf(nameBuf); i >= 0; i = lying.indexOf(nameBuf, i + 1)) {
        const h = i - nameAt;
        if (h >= 0 && lying.readUInt32LE(h) === sig) lying.writeUInt32LE(1000, h + sizeAt);
      }
    }
    await expectRefused(lying, /more than 1000000 bytes|too many bytes/, { maxBytes: 1_000_000 });
  });
});

describe('POST /api/sessions/import', () => {
  const post = (body: BodyInit, type = 'application/zip') =>
    importRoute.POST(new Request('http://test/api/sessions/import', { method: 'POST', body, headers: { 'content-type': type, host: '127.0.0.1:3000' } }), ctx);

  it('answers 201 with the new client session', async () => {
    const { session } = await seedSession();
    const res = await post(new Uint8Array(await exportSessionZip(session.session_id)));
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.session.session_id).not.toBe(session.session_id);
    expect(body.session.notes).toContain(`Imported from ${session.session_id}`);
    expect(body.session.step_2_generation.shuffled_results).toBeUndefined(); // ClientSession stays blind
    expect(body.session.step_3_evaluation.judgments).toBe(2);
  });

  it('answers 400 {error:{code,message}} for garbage bytes and a wrong content type', async () => {
    const before = await tree();
    for (const res of [await post(new Uint8Array([1, 2, 3, 4])), await post('{}', 'application/json')]) {
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body).toEqual({ error: { code: 'bad_request', message: expect.any(String) } });
    }
    expect(await tree()).toEqual(before);
  });
});

describe('receiveZipUpload', () => {
  it('streams to a file, stops reading once the body passes the cap (413), trusts no Content-Length, and leaves nothing', async () => {
    const file = path.join(root(), 'upload.zip');
    let pulls = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        pulls++;
        c.enqueue(new Uint8Array(1024));
      },
    });
    const req = new Request('http://test', { method: 'POST', body: endless, duplex: 'half' } as RequestInit);
    await expect(receiveZipUpload(req, file, 10_000)).rejects.toMatchObject({ code: 'payload_too_large', message: /larger than 10000/ });
    expect(pulls).toBeLessThan(40);
    expect(existsSync(file)).toBe(false);

    const declared = new Request('http://test', { method: 'POST', body: 'x', headers: { 'content-length': '999999', 'content-type': 'application/zip' } });
    expect(declared.headers.get('content-length')).toBe('999999');
    await expect(receiveZipUpload(declared, file, 10_000)).rejects.toMatchObject({ code: 'payload_too_large', message: /larger than 10000/ });
    expect(existsSync(file)).toBe(false);
    expect(await receiveZipUpload(new Request('http://test', { method: 'POST', body: new Uint8Array([80, 75]) }), file, 10_000)).toBe(2);
    expect([...(await readFile(file))]).toEqual([80, 75]);
    await rm(file);
    await expect(receiveZipUpload(new Request('http://test', { method: 'POST' }), file, 10_000)).rejects.toMatchObject({ code: 'bad_request' });
    await expect(receiveZipUpload(new Request('http://test', { method: 'POST', body: new Uint8Array() }), file, 10_000)).rejects.toMatchObject({ code: 'bad_request' });
    expect(existsSync(file)).toBe(false);
  });
});
