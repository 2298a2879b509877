// Binary WebSocket preview frames (protocol.py `BinaryEventTypes`; server.py `send_image`, `send_image_with_metadata`).

/** Event 1, PREVIEW_IMAGE: 4-byte BE event type, 4-byte BE image format (1 = JPEG), the JPEG bytes. */
export function previewFrame(jpeg: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(1, 0);
  head.writeUInt32BE(1, 4);
  return Buffer.concat([head, jpeg]);
}

/** What event 4 says about its image (comfy_execution/progress.py `update_handler`, plus server.py's `image_type`). */
export interface PreviewMetadata {
  node_id: string;
  prompt_id: string;
  display_node_id: string;
  parent_node_id: string | null;
  real_node_id: string;
}

/**
 * Event 4, PREVIEW_IMAGE_WITH_METADATA: 4-byte BE event type, 4-byte BE length of the JSON metadata (with
 * `image_type: "image/jpeg"` added), the metadata, the JPEG bytes.
 */
export function previewFrameWithMetadata(jpeg: Buffer, meta: PreviewMetadata): Buffer {
  const json = Buffer.from(JSON.stringify({ ...meta, image_type: 'image/jpeg' }), 'utf8');
  const head = Buffer.alloc(8);
  head.writeUInt32BE(4, 0);
  head.writeUInt32BE(json.length, 4);
  return Buffer.concat([head, json, jpeg]);
}
