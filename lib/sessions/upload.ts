import 'server-only';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '@/lib/api/errors';

const ZIP_TYPES = ['application/zip', 'application/octet-stream', 'application/x-zip-compressed', 'application/x-zip'];

/**
 * Streams the raw body of an upload into `file` (created, never overwritten), so a large archive never sits in
 * memory. Refused, with nothing left behind: ApiError payload_too_large (413) when Content-Length already says more
 * than `maxBytes` (nothing is read) or as soon as the streamed bytes pass it (the rest is never read); bad_request
 * when it is empty, or its Content-Type is set and is not a zip type (application/zip, application/octet-stream, or
 * the x-zip variants that browsers send for .zip files). Returns the byte count.
 */
export async function receiveZipUpload(req: Request, file: string, maxBytes: number): Promise<number> {
  const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const refuse = async (code: 'bad_request' | 'payload_too_large', message: string): Promise<never> => {
    await req.body?.cancel().catch(() => {});
    throw new ApiError(code, message);
  };
  if (type && !ZIP_TYPES.includes(type)) {
    await refuse('bad_request', `send the session archive as the raw body with Content-Type application/zip (got ${type.slice(0, 60)})`);
  }
  const tooLarge = `the upload is larger than ${maxBytes} bytes, the import limit`;
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) await refuse('payload_too_large', tooLarge);
  if (!req.body) return refuse('bad_request', 'the upload is empty; send a session .zip');
  let total = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      total += chunk.length;
      cb(total > maxBytes ? new ApiError('payload_too_large', tooLarge) : null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(req.body as import('node:stream/web').ReadableStream), meter, createWriteStream(file, { flags: 'wx' }));
  } catch (err) {
    await rm(file, { force: true });
    throw err;
  }
  if (total === 0) {
    await rm(file, { force: true });
    throw new ApiError('bad_request', 'the upload is empty; send a session .zip');
  }
  return total;
}
