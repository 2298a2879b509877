import { describe, expect, it, vi } from 'vitest';
import { diskFullError } from '@/lib/api/errors';
import { errorResponse } from '@/lib/api/handler';

const errno = (code: string) => Object.assign(new Error(`${code}: something, write`), { code });

describe('errorResponse for writes without room', () => {
  it('answers 507 disk_full in words for ENOSPC, EDQUOT and EFBIG; other errno errors stay a generic 500', async () => {
    for (const [code, words] of [
      ['ENOSPC', /the disk is full \(ENOSPC/],
      ['EDQUOT', /the disk quota is used up \(EDQUOT\)/],
      ['EFBIG', /the file size limit is reached \(EFBIG\)/],
    ] as const) {
      const res = errorResponse(errno(code));
      expect(res.status, code).toBe(507);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('disk_full');
      expect(body.error.message).toMatch(words);
      expect(body.error.message).toMatch(/^Could not save: .*free some disk space and try again\.$/);
    }
    expect(diskFullError(errno('EACCES'))).toBeNull();
    expect(diskFullError(null)).toBeNull();
    const other = errorResponse(errno('EACCES'));
    expect(other.status).toBe(500);
    expect(await other.json()).toEqual({ error: { code: 'internal', message: 'internal server error' } });
  });
});

describe('errors recognised across bundles', () => {
  // Next.js bundles lib/api/errors.ts into every route and into the instrumentation hook; the job manager kept on
  // globalThis throws from the hook's copy. vi.resetModules gives a second, separately loaded copy, as a bundle would.
  async function twoCopies() {
    vi.resetModules();
    const a = await import('@/lib/api/errors');
    const comfyA = await import('@/lib/comfy/errors');
    vi.resetModules();
    const b = await import('@/lib/api/errors');
    const handlerB = await import('@/lib/api/handler');
    return { a, comfyA, b, handlerB };
  }

  it('two loads are two copies: instanceof fails across them (the bug), so the test can tell', async () => {
    const { a, b } = await twoCopies();
    expect(a.ApiError).not.toBe(b.ApiError);
    expect(new a.ApiError('not_found', 'x') instanceof b.ApiError).toBe(false);
  });

  it('answers an ApiError thrown by the other copy with its own status, not 500', async () => {
    const { a, b, handlerB } = await twoCopies();
    expect(b.isApiError(new a.ApiError('conflict', 'no generation is running'))).toBe(true);
    for (const [code, status] of [
      ['not_found', 404],
      ['damaged', 422],
      ['conflict', 409],
      ['llm_bad_answer', 502],
    ] as const) {
      const res = handlerB.errorResponse(new a.ApiError(code, `from the other copy: ${code}`));
      expect(res.status, code).toBe(status);
      expect(await res.json()).toEqual({ error: { code, message: `from the other copy: ${code}` } });
    }
  });

  it("maps the other copy's ComfyUI errors through the same table, and refuses look-alikes without the brand", async () => {
    const { comfyA, b, handlerB } = await twoCopies();
    expect(handlerB.errorResponse(new comfyA.ComfyUnreachableError('ComfyUI at http://x refused the connection')).status).toBe(502);
    const forged = Object.assign(new Error('forged'), { name: 'ApiError', code: 'not_found' });
    expect(b.isApiError(forged)).toBe(false);
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(handlerB.errorResponse(forged).status).toBe(500);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('one formatter for zod errors', () => {
  it('gives Setup one message per field and the API one sentence, positions counted from 1', async () => {
    const { ReadySetupSchema } = await import('@/lib/sessions/schema');
    const { describeZodError, fieldMessages } = await import('@/lib/api/errors');
    const r = ReadySetupSchema.safeParse({
      lora_filename: 'x.safetensors',
      checkpoint: 'c.safetensors',
      weight_range: [0, 2.5],
      seeds: [1, 2, 1.5],
      metrics: ['Quality'],
      prompt_pairs: [{ positive: 'a fox' }, { positive: '  ' }],
    });
    expect(r.success).toBe(false);
    expect(fieldMessages(r.error!)).toEqual({
      weight_range: '#2: strengths go from -2 to 2',
      seeds: '#3: seeds must be whole numbers from 0 to 2^53-1',
      prompt_pairs: '#2 positive: every prompt needs positive text',
    });
    expect(describeZodError(r.error!)).toBe('weight_range #2: strengths go from -2 to 2');
    const top = ReadySetupSchema.safeParse({
      lora_filename: '',
      checkpoint: 'c',
      seeds: [1],
      metrics: ['Quality'],
      prompt_pairs: [{ positive: 'a' }],
    });
    expect(describeZodError(top.error!)).toBe('lora_filename: choose a LoRA file');
  });
});
