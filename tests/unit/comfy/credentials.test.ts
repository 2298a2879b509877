import { afterEach, describe, expect, it } from 'vitest';
import { serverList } from '@/lib/comfy/config';
import { credentialHeaders, serverHeaders, takeCredentials } from '@/lib/comfy/credentials';
import { isComfyUnreachable } from '@/lib/comfy/errors';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

afterEach(() => {
  delete process.env.COMFYUI_CREDENTIALS;
});

describe('credentials', () => {
  it('turns each kind into its header', () => {
    expect(credentialHeaders({ bearer: 't0k' })).toEqual({ Authorization: 'Bearer t0k' });
    expect(credentialHeaders({ api_key: 'k', header: 'X-API-Key' })).toEqual({ 'X-API-Key': 'k' });
    expect(credentialHeaders({ user: 'u', password: 'p' })).toEqual({ Authorization: basic('u', 'p') });
  });

  it('reads COMFYUI_CREDENTIALS by normalised server URL, with * for the rest', () => {
    process.env.COMFYUI_CREDENTIALS = JSON.stringify({
      'https://GPU.example.com/comfy/': { bearer: 'b1' },
      'https://cloud.example': { api_key: 'k1' },
      'http://box:8188': { api_key: 'k2', header: 'X-Token' },
      '*': { user: 'any', password: 'pw' },
    });
    expect(serverHeaders('https://gpu.example.com/comfy')).toEqual({ Authorization: 'Bearer b1' });
    expect(serverHeaders('https://cloud.example')).toEqual({ 'X-API-Key': 'k1' });
    expect(serverHeaders('http://box:8188/')).toEqual({ 'X-Token': 'k2' });
    expect(serverHeaders('http://elsewhere:8188')).toEqual({ Authorization: basic('any', 'pw') });
  });

  it('says what is wrong with a malformed COMFYUI_CREDENTIALS without repeating a secret', () => {
    for (const bad of ['{"http://h": {"bearer": "SECRET-1", "x": 1}}', 'SECRET-1 not json']) {
      process.env.COMFYUI_CREDENTIALS = bad;
      let caught: unknown;
      try {
        serverHeaders('http://h');
      } catch (err) {
        caught = err;
      }
      expect(isComfyUnreachable(caught)).toBe(true);
      expect((caught as Error).message).toMatch(/COMFYUI_CREDENTIALS/);
      expect((caught as Error).message).not.toContain('SECRET-1');
    }
  });

  it('takes userinfo out of a server list and still sends it to that server', () => {
    const clean = takeCredentials('https://ann:pw1@a.example/comfy/, http://b.example:8188, not a url');
    expect(clean).toBe('https://a.example/comfy, http://b.example:8188, not a url');
    expect(serverHeaders('https://a.example/comfy')).toEqual({ Authorization: basic('ann', 'pw1') });
    expect(serverHeaders('http://b.example:8188')).toEqual({});
    // A URL's own userinfo wins over the environment; serverList strips it too.
    process.env.COMFYUI_CREDENTIALS = JSON.stringify({ '*': { bearer: 'env' } });
    expect(serverList('https://x:y@c.example/, https://c.example')).toEqual(['https://c.example']);
    expect(serverHeaders('https://c.example')).toEqual({ Authorization: basic('x', 'y') });
  });
});
