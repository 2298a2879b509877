/**
 * Reads a binary WebSocket frame of ComfyUI (protocol.py `BinaryEventTypes`; server.py `send_image`,
 * `send_image_with_metadata`): event 1 PREVIEW_IMAGE is a 4-byte BE event type, a 4-byte BE image format (1 JPEG,
 * 2 PNG) and the image; event 4 PREVIEW_IMAGE_WITH_METADATA is the event type, a 4-byte BE length, that many bytes of
 * JSON metadata (`node_id`, `prompt_id`, `image_type`, …) and the image. Returns the image, its MIME type and, for
 * event 4, its `prompt_id`; null for other events (e.g. 3, text) and malformed frames. Pure.
 */
export function parsePreviewFrame(buf: Buffer): { image: Buffer; mime: 'image/jpeg' | 'image/png'; promptId: string | null } | null {
  if (buf.length < 8) return null;
  const event = buf.readUInt32BE(0);
  if (event === 1) return { image: buf.subarray(8), mime: buf.readUInt32BE(4) === 2 ? 'image/png' : 'image/jpeg', promptId: null };
  if (event !== 4) return null;
  const length = buf.readUInt32BE(4);
  if (8 + length > buf.length) return null;
  let meta: { prompt_id?: unknown; image_type?: unknown };
  try {
    meta = JSON.parse(buf.subarray(8, 8 + length).toString('utf8')) as typeof meta;
  } catch {
    return null;
  }
  if (typeof meta?.prompt_id !== 'string') return null;
  return { image: buf.subarray(8 + length), mime: meta.image_type === 'image/png' ? 'image/png' : 'image/jpeg', promptId: meta.prompt_id };
}
