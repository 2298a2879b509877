import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { stripPngText } from '@/lib/evaluation/png-text';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4); // CRC is not checked by the stripper; zeros keep the fixture simple.
  return Buffer.concat([head, data, crc]);
}

async function pngWithText(): Promise<Buffer> {
  const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#ff8800' } })
    .png()
    .toBuffer();
  const iend = png.length - 12;
  return Buffer.concat([
    png.subarray(0, iend),
    chunk('tEXt', Buffer.from('prompt\0{"10":{"class_type":"LoraLoader","inputs":{"lora_name":"my_lora.safetensors"}}}', 'latin1')),
    chunk('zTXt', Buffer.concat([Buffer.from('workflow\0\0', 'latin1'), deflateSync('{"nodes":[]}')])),
    chunk('iTXt', Buffer.from('parameters\0\0\0\0\0lora strength 0.5', 'utf8')),
    png.subarray(iend),
  ]);
}

describe('stripPngText', () => {
  it('removes tEXt, zTXt and iTXt and keeps the pixels', async () => {
    const input = await pngWithText();
    expect(input.toString('latin1')).toContain('my_lora');
    const out = stripPngText(input);
    expect(out.toString('latin1')).not.toMatch(/my_lora|LoraLoader|workflow|strength/);
    const a = await sharp(input).raw().toBuffer();
    const b = await sharp(out).raw().toBuffer();
    expect(b.equals(a)).toBe(true);
  });

  it('refuses what is not a PNG or is cut short', async () => {
    expect(() => stripPngText(Buffer.from('GIF89a....'))).toThrow(/not a PNG/);
    const input = await pngWithText();
    expect(() => stripPngText(input.subarray(0, 40))).toThrow(/truncated/);
  });
});
