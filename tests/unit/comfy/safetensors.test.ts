import { describe, expect, it } from 'vitest';
import { headerLength, parseSafetensorsHeader, SAFETENSORS_PREFIX_BYTES } from '@/lib/comfy/safetensors';

/** A `.safetensors` file: 8-byte LE header length, the header text, then `data` tensor bytes. */
function file(header: string | object, data = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), claimedLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(claimedLength ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const KOHYA = {
  __metadata__: {
    ss_network_dim: '32',
    ss_network_alpha: '16',
    ss_base_model_version: 'sd_v1',
    ss_tag_frequency: JSON.stringify({ '10_x': { mytrigger: 3 } }),
  },
  'lora_unet_down.lora_down.weight': { dtype: 'F16', shape: [2, 1], data_offsets: [0, 4] },
  'lora_unet_down.lora_up.weight': { dtype: 'F16', shape: [1, 2], data_offsets: [4, 8] },
};

describe('parseSafetensorsHeader', () => {
  it('reads the __metadata__ map and counts the tensors', () => {
    const bytes = file(KOHYA);
    const parsed = parseSafetensorsHeader(bytes);
    expect(parsed.tensors).toBe(2);
    expect(parsed.metadata).toEqual(KOHYA.__metadata__);
    // an ArrayBuffer, and a Uint8Array view that does not start at offset 0, read the same
    expect(parseSafetensorsHeader(bytes.slice().buffer)).toEqual(parsed);
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect(parseSafetensorsHeader(padded.subarray(3))).toEqual(parsed);
  });

  it('needs only the first 8 + N bytes; headerLength reads N from the prefix', () => {
    const bytes = file(KOHYA);
    const n = headerLength(bytes.subarray(0, SAFETENSORS_PREFIX_BYTES));
    expect(n).toBe(JSON.stringify(KOHYA).length);
    expect(parseSafetensorsHeader(bytes.subarray(0, 8 + n)).tensors).toBe(2);
  });

  it('gives empty metadata when the header has no __metadata__', () => {
    expect(parseSafetensorsHeader(file({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }))).toEqual({
      metadata: {},
      tensors: 1,
    });
  });

  it('rejects fewer than 8 bytes', () => {
    expect(() => parseSafetensorsHeader(new Uint8Array(5))).toThrow(/fewer than the 8-byte/);
    expect(() => headerLength(new Uint8Array(7))).toThrow(/fewer than the 8-byte/);
  });

  it('rejects a truncated file', () => {
    const bytes = file(KOHYA);
    expect(() => parseSafetensorsHeader(bytes.subarray(0, 8 + 10))).toThrow(/truncated/);
    expect(() => parseSafetensorsHeader(file('{}', new Uint8Array(0), 50))).toThrow(/truncated/);
  });

  it('rejects a header length over the cap before reading it', () => {
    const bytes = file(KOHYA);
    const n = headerLength(bytes);
    expect(() => parseSafetensorsHeader(bytes, { maxHeaderBytes: 16 })).toThrow(`header of ${n} bytes exceeds the 16 cap`);
    expect(parseSafetensorsHeader(bytes, { maxHeaderBytes: n }).tensors).toBe(2);
    const huge = file('{}', new Uint8Array(0), 17 * 1024 * 1024);
    expect(() => parseSafetensorsHeader(huge)).toThrow(`header of ${17 * 1024 * 1024} bytes exceeds the ${16 * 1024 * 1024} cap`);
  });

  it('rejects a header that is not JSON', () => {
    expect(() => parseSafetensorsHeader(file('{"a": 1,'))).toThrow(/not valid UTF-8 JSON/);
    expect(() => parseSafetensorsHeader(file('GGUF????'))).toThrow(/not valid UTF-8 JSON/);
  });

  it('rejects JSON that is not an object', () => {
    expect(() => parseSafetensorsHeader(file('[1, 2, 3]'))).toThrow(/not an object/);
    expect(() => parseSafetensorsHeader(file('null'))).toThrow(/not an object/);
    expect(() => parseSafetensorsHeader(file('"text"'))).toThrow(/not an object/);
  });

  it('rejects non-string metadata values, naming the key', () => {
    expect(() => parseSafetensorsHeader(file({ __metadata__: { ss_network_dim: 32 } }))).toThrow(
      '__metadata__ value of "ss_network_dim" is not a string',
    );
    expect(() => parseSafetensorsHeader(file({ __metadata__: ['x'] }))).toThrow(/__metadata__ is not an object/);
  });
});
