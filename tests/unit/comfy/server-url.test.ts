import { describe, expect, it } from 'vitest';
import { httpUrl, parseServerUrl, redactServerUrl, wsUrl } from '@/lib/comfy/server-url';

describe('server URLs', () => {
  it('keeps scheme, host and path prefix, drops userinfo, default port, trailing slash, query and fragment', () => {
    expect(parseServerUrl('https://alice:s%40cret@GPU.example.com:443/comfy/?x=1#y')).toEqual({
      url: 'https://gpu.example.com/comfy',
      basic: { user: 'alice', password: 's@cret' },
    });
    expect(parseServerUrl(' http://127.0.0.1:8188/ ')).toEqual({ url: 'http://127.0.0.1:8188', basic: null });
    expect(parseServerUrl('http://h:8188/api')?.url).toBe('http://h:8188/api');
  });

  it('refuses what is not an absolute http(s) URL', () => {
    for (const bad of ['', 'gpu:8188', 'ftp://h/', 'ws://h/', '/comfy']) expect(parseServerUrl(bad), bad).toBeNull();
  });

  it('redacts credentials even from a string that is not a URL it can parse', () => {
    expect(redactServerUrl('https://u:p@h/comfy/')).toBe('https://h/comfy');
    expect(redactServerUrl('ftp://u:p@h/x')).toBe('ftp://h/x');
  });

  it('builds routes under the prefix, and the WebSocket with ws for http and wss for https', () => {
    expect(httpUrl('https://h/comfy', '/view?filename=a.png')).toBe('https://h/comfy/view?filename=a.png');
    expect(httpUrl('http://h:8188/', '/prompt')).toBe('http://h:8188/prompt');
    expect(wsUrl('https://h/comfy', 'abc')).toBe('wss://h/comfy/ws?clientId=abc');
    expect(wsUrl('http://h:8188', 'a b')).toBe('ws://h:8188/ws?clientId=a%20b');
    // server.py serves every route, /ws included, under /api too.
    expect(wsUrl('https://cloud.example/api', 'c')).toBe('wss://cloud.example/api/ws?clientId=c');
  });
});
