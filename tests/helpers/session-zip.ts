// Session archives built by hand, as an attacker (or another program) could: `session_meta.json`, `output/*` and a
// manifest whose sizes and SHA-256 match, so the import's integrity checks pass and only its safety checks are left.
import { createHash } from 'node:crypto';
import yazl from 'yazl';
import type { Session } from '@/lib/sessions/schema';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The `manifest.json` of an archive of session `sessionId` holding `entries` (their sizes and SHA-256). */
export function manifestOf(sessionId: string, entries: Array<{ path: string; data: Buffer }>) {
  return {
    format: 'lorabench-session',
    app_version: '0.1.0',
    schema_version: 2,
    session_id: sessionId,
    exported_at: new Date().toISOString(),
    files: entries.map((e) => ({ path: e.path, size: e.data.length, sha256: sha256(e.data) })),
  };
}

/** A .zip in LoRA Bench's archive format holding `session` (any JSON, valid or not) and `images` by file name. */
export async function sessionZip(session: Session | Record<string, unknown>, images: Record<string, Buffer>): Promise<Buffer> {
  const entries = [
    { path: 'session_meta.json', data: Buffer.from(JSON.stringify(session)) },
    ...Object.entries(images).map(([name, data]) => ({ path: `output/${name}`, data })),
  ];
  const manifest = manifestOf(String(session.session_id), entries);
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(e.data, e.path, { compress: false });
  zip.addBuffer(Buffer.from(JSON.stringify(manifest)), 'manifest.json');
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}
