import { NextRequest } from 'next/server';
import { afterEach, describe, expect, it } from 'vitest';
import * as loginRoute from '@/app/api/login/route';
import * as healthRoute from '@/app/api/health/route';
import { hostAllowed, isLoopback, sameOrigin } from '@/lib/api/access';
import { proxy } from '@/proxy';

const saved = { HOST: process.env.HOST, ACCESS_TOKEN: process.env.ACCESS_TOKEN, ALLOWED_HOSTS: process.env.ALLOWED_HOSTS };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const req = (path: string, init: { method?: string; headers?: Record<string, string> } = {}) =>
  new NextRequest(`http://127.0.0.1:3000${path}`, { method: init.method ?? 'GET', headers: { host: '127.0.0.1:3000', ...init.headers } });

describe('proxy: CSRF and access token', () => {
  it('refuses a cross-site POST to the API and lets a same-origin or non-browser one through', async () => {
    delete process.env.ACCESS_TOKEN;
    delete process.env.HOST;
    const evil = proxy(req('/api/sessions', { method: 'POST', headers: { origin: 'http://evil.example' } }));
    expect(evil.status).toBe(403);
    expect(await evil.json()).toEqual({ error: { code: 'forbidden', message: 'cross-site request refused' } });
    expect(proxy(req('/api/sessions', { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect(
      proxy(req('/api/sessions', { method: 'POST', headers: { origin: 'http://127.0.0.1:3000' } })).headers.get('x-middleware-next'),
    ).toBe('1');
    expect(proxy(req('/api/sessions', { method: 'POST' })).headers.get('x-middleware-next')).toBe('1');
    // Reads are not state-changing: a cross-site GET of the list is left to the browser's same-origin policy.
    expect(proxy(req('/api/sessions', { headers: { origin: 'http://evil.example' } })).headers.get('x-middleware-next')).toBe('1');
  });

  it('needs the token when HOST exposes the app: 401 for the API, /login for pages, through with cookie or bearer', () => {
    process.env.HOST = '0.0.0.0';
    process.env.ACCESS_TOKEN = 's3cret-token-value';
    expect(proxy(req('/api/sessions')).status).toBe(401);
    const page = proxy(req('/'));
    expect(page.status).toBe(307);
    expect(new URL(page.headers.get('location')!).pathname).toBe('/login');
    expect(proxy(req('/login')).headers.get('x-middleware-next')).toBe('1');
    expect(
      proxy(req('/api/sessions', { headers: { cookie: 'lorabench_token=s3cret-token-value' } })).headers.get('x-middleware-next'),
    ).toBe('1');
    expect(proxy(req('/api/sessions', { headers: { authorization: 'Bearer s3cret-token-value' } })).headers.get('x-middleware-next')).toBe(
      '1',
    );
    expect(proxy(req('/api/sessions', { headers: { cookie: 'lorabench_token=wrong' } })).status).toBe(401);
  });

  it('lets rater links through without the token, marks the browser, and refuses that browser the owner routes', () => {
    process.env.HOST = '0.0.0.0';
    process.env.ACCESS_TOKEN = 's3cret-token-value';
    const link = `20240115_143022-${'a'.repeat(32)}`;
    const visit = proxy(req(`/rate/${link}`));
    expect(visit.headers.get('x-middleware-next')).toBe('1');
    expect(visit.cookies.get('lorabench_rater')).toMatchObject({ value: link, httpOnly: true, path: '/' });
    expect(proxy(req(`/api/rate/${link}`)).headers.get('x-middleware-next')).toBe('1');
    // A malformed link marks nothing (its handler answers 400).
    expect(proxy(req('/rate/not-a-link')).cookies.get('lorabench_rater')).toBeUndefined();
    const cookie = `lorabench_rater=${link}`;
    const api = proxy(req('/api/sessions/20240115_143022/report', { headers: { cookie } }));
    expect(api.status).toBe(403);
    const page = proxy(req('/sessions/20240115_143022/report', { headers: { cookie } }));
    expect(new URL(page.headers.get('location')!).pathname).toBe(`/rate/${link}`);
    // The owner's token outranks a rater cookie left in the same browser.
    const owner = proxy(req('/api/sessions', { headers: { cookie: `${cookie}; lorabench_token=s3cret-token-value` } }));
    expect(owner.headers.get('x-middleware-next')).toBe('1');
    // On loopback without a token the cookie is what tells a rater's browser from the owner's.
    delete process.env.ACCESS_TOKEN;
    process.env.HOST = '127.0.0.1';
    expect(proxy(req('/api/sessions', { headers: { cookie } })).status).toBe(403);
    expect(proxy(req('/api/sessions')).headers.get('x-middleware-next')).toBe('1');
    // The owner's own browser (it opened the owner's pages first) is not locked out by a rater link opened in it.
    const ownerPage = proxy(req('/'));
    expect(ownerPage.cookies.get('lorabench_owner')?.value).toBe('1');
    expect(proxy(req(`/rate/${link}`, { headers: { cookie: 'lorabench_owner=1' } })).cookies.get('lorabench_rater')).toBeUndefined();
    expect(proxy(req(`/rate/${link}`)).cookies.get('lorabench_rater')?.value).toBe(link);
  });

  it('leaves a loopback-only app open without a token', () => {
    delete process.env.ACCESS_TOKEN;
    process.env.HOST = '127.0.0.1';
    expect(proxy(req('/api/sessions')).headers.get('x-middleware-next')).toBe('1');
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('[::1]')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(isLoopback('192.168.1.4')).toBe(false);
  });

  it('logs in with the right token only, setting an httpOnly SameSite=Strict cookie', async () => {
    process.env.ACCESS_TOKEN = 's3cret-token-value';
    const ctx = { params: Promise.resolve({}) };
    const post = (token: string) => new Request('http://t/api/login', { method: 'POST', body: JSON.stringify({ token }) });
    expect((await loginRoute.POST(post('nope'), ctx)).status).toBe(401);
    const ok = await loginRoute.POST(post('s3cret-token-value'), ctx);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('set-cookie')).toMatch(/^lorabench_token=s3cret-token-value; Path=\/; HttpOnly; SameSite=Strict/);
  });

  it('refuses a rebinding Host even when Origin matches it, which the cross-site check alone lets through', async () => {
    delete process.env.ACCESS_TOKEN;
    delete process.env.HOST;
    const rebound = { host: 'rebind.evil.example:3000', origin: 'http://rebind.evil.example:3000' };
    // The attack against the old check: Origin equals Host, so "same origin".
    expect(sameOrigin(new Headers(rebound))).toBe(true);
    for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
      const res = proxy(req('/api/sessions', { method, headers: rebound }));
      expect(res.status, method).toBe(403);
      expect((await res.json()).error.code).toBe('forbidden');
    }
    expect(proxy(req('/', { headers: rebound })).status).toBe(403);
    expect(hostAllowed('localhost:3000')).toBe(true);
    expect(hostAllowed('[::1]:3000')).toBe(true);
    expect(hostAllowed('192.168.1.20:3000')).toBe(true);
    expect(hostAllowed(null)).toBe(false);
    expect(hostAllowed('bench.local')).toBe(false);
    process.env.ALLOWED_HOSTS = 'bench.local, gpu-box';
    expect(hostAllowed('bench.local:3000')).toBe(true);
    expect(hostAllowed('GPU-BOX')).toBe(true);
    expect(hostAllowed('bench.local.evil.example')).toBe(false);
  });

  it('answers a malformed percent-encoding under /api with 400 and the error shape', async () => {
    for (const path of ['/api/sessions/%ff', '/api/sessions/%c0%ae', '/api/%zz', '/api/sessions/%']) {
      const res = proxy(req(path));
      expect(res.status, path).toBe(400);
      expect(await res.json()).toEqual({ error: { code: 'bad_request', message: 'the URL has a malformed percent-encoding' } });
    }
    expect(proxy(req('/api/sessions/%2e')).headers.get('x-middleware-next')).toBe('1');
  });

  it('says only "ok" on /api/health without the token, and names ComfyUI with it', async () => {
    process.env.ACCESS_TOKEN = 's3cret-token-value';
    const bare = await healthRoute.GET(new Request('http://t/api/health')).json();
    expect(bare).toEqual({ ok: true });
    const withToken = await healthRoute
      .GET(new Request('http://t/api/health', { headers: { authorization: 'Bearer s3cret-token-value' } }))
      .json();
    expect(withToken).toMatchObject({ ok: true, comfyui: { url: expect.any(String) } });
    delete process.env.ACCESS_TOKEN;
    process.env.HOST = '127.0.0.1';
    expect(await healthRoute.GET(new Request('http://t/api/health')).json()).toHaveProperty('comfyui');
  });

  it('limits wrong login tokens to 10 a minute, then refuses every try with 429 and Retry-After', async () => {
    process.env.ACCESS_TOKEN = 's3cret-token-value';
    const ctx = { params: Promise.resolve({}) };
    const post = (token: string) => new Request('http://t/api/login', { method: 'POST', body: JSON.stringify({ token }) });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await loginRoute.POST(post(`guess-${i}`), ctx)).status);
    // The earlier test's one wrong token counts too: 9 more reach the limit.
    expect(statuses.filter((x) => x === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.slice(-2)).toEqual([429, 429]);
    const right = await loginRoute.POST(post('s3cret-token-value'), ctx);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await right.json()).error.code).toBe('rate_limited');
  });
});
