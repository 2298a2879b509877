const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const TEXT_CHUNKS = new Set(['tEXt', 'zTXt', 'iTXt']);

/**
 * A copy of a PNG without its text chunks (`tEXt`, `zTXt`, `iTXt`), where ComfyUI embeds the `prompt` and `workflow`
 * (and so the LoRA name and strength). Pixels and every other chunk stay byte-identical. Chunk layout per the PNG
 * spec (ISO/IEC 15948 section 5.3): 4-byte big-endian length, 4-byte type, data, 4-byte CRC. Throws on a buffer
 * that is not a well-formed PNG.
 */
export function stripPngText(png: Buffer): Buffer {
  if (png.length < 8 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG file');
  const kept: Buffer[] = [PNG_SIGNATURE];
  let pos = 8;
  while (pos < png.length) {
    if (pos + 12 > png.length) throw new Error('truncated PNG chunk');
    const length = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    const end = pos + 12 + length;
    if (end > png.length) throw new Error('truncated PNG chunk');
    if (!TEXT_CHUNKS.has(type)) kept.push(png.subarray(pos, end));
    pos = end;
    if (type === 'IEND') break;
  }
  return Buffer.concat(kept);
}
