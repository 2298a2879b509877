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
