// PNG chunk helpers (PNG spec ISO/IEC 15948 §5.3: 4-byte BE length, 4-byte type, data, CRC-32 of type+data).
import { crc32 } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A copy of `png` with one `tEXt` chunk per entry (keyword, text) inserted before `IEND`, as ComfyUI's SaveImage
 * stores `prompt` and `workflow`. Text is written as Latin-1 (pass ASCII, e.g. from `pyJsonDumps`). Throws on a
 * buffer that is not a PNG or has no IEND chunk, or on a keyword that is not 1-79 Latin-1 characters.
 */
export function insertPngText(png: Buffer, entries: ReadonlyArray<readonly [string, string]>): Buffer {
  if (png.length < 8 || !png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file');
  let pos = 8;
  let iend = -1;
  while (pos + 12 <= png.length) {
    const length = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    if (type === 'IEND') {
      iend = pos;
      break;
    }
    pos += 12 + length;
  }
  if (iend < 0) throw new Error('PNG has no IEND chunk');
  const chunks = entries.map(([key, text]) => {
    if (key.length < 1 || key.length > 79 || /[^\x20-\x7e\xa1-\xff]/.test(key)) throw new Error(`bad tEXt keyword ${key}`);
    return chunk('tEXt', Buffer.concat([Buffer.from(key, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]));
  });
  return Buffer.concat([png.subarray(0, iend), ...chunks, png.subarray(iend)]);
}

/** The `tEXt` chunks of a PNG as keyword → text (Latin-1). Throws on a buffer that is not a PNG. */
export function readPngText(png: Buffer): Record<string, string> {
  if (png.length < 8 || !png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file');
  const out: Record<string, string> = {};
  let pos = 8;
  while (pos + 12 <= png.length) {
    const length = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    if (type === 'tEXt') {
      const data = png.subarray(pos + 8, pos + 8 + length);
      const zero = data.indexOf(0);
      if (zero > 0) out[data.toString('latin1', 0, zero)] = data.toString('latin1', zero + 1);
    }
    if (type === 'IEND') break;
    pos += 12 + length;
  }
  return out;
}
