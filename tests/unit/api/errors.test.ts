import { describe, expect, it } from 'vitest';
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
