// Reads the header of a `.safetensors` file: no Node APIs, so it runs in the browser too (the LoRA metadata panel
// parses a local file's header there). Format: an 8-byte little-endian unsigned header length N, then N bytes of
// UTF-8 JSON — an object of tensor entries (`{dtype, shape, data_offsets}`) plus an optional `__metadata__` map of
// string → string. The tensor data after the header is never needed here.

/** Default cap on the header length (16 MiB); the safetensors reference implementation uses 100 MB. */
export const DEFAULT_MAX_HEADER_BYTES = 16 * 1024 * 1024;

/**
 * How to read only what is needed from a large file: first the `SAFETENSORS_PREFIX_BYTES` (8) length prefix, e.g.
 * `file.slice(0, SAFETENSORS_PREFIX_BYTES)`, pass it to {@link headerLength}, then `file.slice(0, 8 + n)` to
 * {@link parseSafetensorsHeader}.
 */
export const SAFETENSORS_PREFIX_BYTES = 8;

export interface SafetensorsHeader {
  /** The `__metadata__` map (empty when the file has none). */
  metadata: Record<string, string>;
  /** Number of tensor entries in the header. */
  tensors: number;
}

function toBytes(bytes: ArrayBuffer | Uint8Array): Uint8Array {
  return bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
}

/**
 * The header length N from the first 8 bytes (little-endian u64). Throws when fewer than 8 bytes are given or N is
 * beyond `Number.MAX_SAFE_INTEGER`.
 */
export function headerLength(first8: Uint8Array): number {
  if (first8.length < SAFETENSORS_PREFIX_BYTES) {
    throw new Error(`not a safetensors file: ${first8.length} bytes, fewer than the 8-byte header length`);
  }
  const view = new DataView(first8.buffer, first8.byteOffset, SAFETENSORS_PREFIX_BYTES);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`not a safetensors file: header length ${n} is implausible`);
  return Number(n);
}

/**
 * Parses a safetensors header from a buffer holding at least its first 8 + N bytes. Throws an Error with a readable
 * message for: fewer than 8 bytes, N over the cap (`opts.maxHeaderBytes`, default 16 MiB), N beyond the buffer
 * (truncated), a header that is not valid UTF-8 JSON or not a JSON object, a `__metadata__` that is not an object or
 * has non-string values.
 */
export function parseSafetensorsHeader(bytes: ArrayBuffer | Uint8Array, opts: { maxHeaderBytes?: number } = {}): SafetensorsHeader {
  const data = toBytes(bytes);
  const cap = opts.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  const n = headerLength(data);
  if (n > cap) throw new Error(`not a usable safetensors file: header of ${n} bytes exceeds the ${cap} cap`);
  if (SAFETENSORS_PREFIX_BYTES + n > data.length) {
    throw new Error(
      `truncated safetensors file: the header claims ${n} bytes but only ${data.length - SAFETENSORS_PREFIX_BYTES} follow the length`,
    );
  }
  let parsed: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(SAFETENSORS_PREFIX_BYTES, SAFETENSORS_PREFIX_BYTES + n));
    parsed = JSON.parse(text);
  } catch {
    throw new Error('not a safetensors file: the header is not valid UTF-8 JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('not a safetensors file: the header JSON is not an object');
  }
  const entries = parsed as Record<string, unknown>;
  const metadata: Record<string, string> = {};
  const rawMeta = entries.__metadata__;
  if (rawMeta !== undefined) {
    if (typeof rawMeta !== 'object' || rawMeta === null || Array.isArray(rawMeta)) {
      throw new Error('invalid safetensors header: __metadata__ is not an object');
    }
    for (const [key, value] of Object.entries(rawMeta)) {
      if (typeof value !== 'string') {
        throw new Error(`invalid safetensors header: __metadata__ value of "${key}" is not a string`);
      }
      metadata[key] = value;
    }
  }
  const tensors = Object.keys(entries).filter((k) => k !== '__metadata__').length;
  return { metadata, tensors };
}
