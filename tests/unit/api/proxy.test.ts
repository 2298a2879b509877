import { NextRequest } from 'next/server';
import { afterEach, describe, expect, it } from 'vitest';
import * as loginRoute from '@/app/api/login/route';
import { isLoopback } from '@/lib/api/access';
import { proxy } from '@/proxy';

const saved = { HOST: process.env.HOST, ACCESS_TOKEN: process.env.ACCESS_TOKEN };
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
    expect(proxy(req('/api/sessions', { method: 'POST', headers: { origin: 'http://127.0.0.1:3000' } })).headers.get('x-middleware-next')).toBe('1');
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
    expect(proxy(req('/api/sessions', { headers: { cookie: 'lorabench_token=s3cret-token-value' } })).headers.get('x-middleware-next')).toBe('1');
    expect(proxy(req('/api/sessions', { headers: { authorization: 'Bearer s3cret-token-value' } })).headers.get('x-middleware-next')).toBe('1');
    expect(proxy(req('/api/sessions', { headers: { cookie: 'lorabench_token=wrong' } })).status).toBe(401);
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
});
