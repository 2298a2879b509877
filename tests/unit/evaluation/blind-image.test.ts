import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { reencodeBlind } from '@/lib/evaluation/blind-image';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, data, Buffer.alloc(4)]);
}

/** The chunk types and lengths of a PNG, in order. */
function layout(png: Buffer): string[] {
  const out: string[] = [];
  for (let pos = 8; pos + 12 <= png.length;) {
    const len = png.readUInt32BE(pos);
    out.push(`${png.toString('latin1', pos + 4, pos + 8)}:${len}`);
    pos += 12 + len;
  }
  return out;
}

/** A ComfyUI-like PNG: the pixels of `raw`, compressed at `level`, with the prompt and workflow as text chunks. */
async function comfyPng(raw: Buffer, size: number, level: number, density = 72): Promise<Buffer> {
  const png = await sharp(raw, { raw: { width: size, height: size, channels: 3 } })
    .png({ compressionLevel: level })
    .withMetadata({ density })
    .toBuffer();
  const iend = png.length - 12;
  return Buffer.concat([
    png.subarray(0, iend),
    chunk('tEXt', Buffer.from('prompt\0{"10":{"class_type":"LoraLoader","inputs":{"lora_name":"my_lora.safetensors"}}}', 'latin1')),
    chunk('zTXt', Buffer.concat([Buffer.from('workflow\0\0', 'latin1'), deflateSync('{"nodes":[]}')])),
    png.subarray(iend),
  ]);
}

describe('blind images as served', () => {
  it('keep the pixels and drop every text chunk', async () => {
    const raw = Buffer.from(Array.from({ length: 16 * 16 * 3 }, (_, i) => (i * 7) % 256));
    const out = await reencodeBlind(await comfyPng(raw, 16, 9));
    expect(out.toString('latin1')).not.toMatch(/tEXt|zTXt|iTXt|lora|workflow/i);
    const pixels = await sharp(out).raw().toBuffer();
    expect(pixels.equals(raw)).toBe(true);
  });

  it('have one size and chunk layout whatever the content, compression, density or metadata of the original', async () => {
    const flat = Buffer.alloc(64 * 64 * 3, 90);
    const noisy = Buffer.from(Array.from({ length: 64 * 64 * 3 }, (_, i) => Math.imul(i, 2654435761) >>> 24));
    const originals = [await comfyPng(flat, 64, 9), await comfyPng(noisy, 64, 1, 300)];
    // The originals differ in size (the attack: the LoRA file is the larger one) ...
    expect(originals[0]!.length).not.toBe(originals[1]!.length);
    const served = await Promise.all(originals.map(reencodeBlind));
    // ... the served bytes do not.
    expect(served[0]!.length).toBe(served[1]!.length);
    expect(layout(served[0]!)).toEqual(layout(served[1]!));
    expect(served[0]!.subarray(0, 33).equals(served[1]!.subarray(0, 33))).toBe(true);
  });
});
