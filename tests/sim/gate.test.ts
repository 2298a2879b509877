import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startSimulator, type RunningSimulator } from '@/sim/comfyui/server';

let sim: RunningSimulator;
const KEY = 'sim-key-7f3a';
const root = () => sim.url.replace(/\/comfy$/, '');

beforeAll(async () => {
  sim = await startSimulator({ port: 0, prefix: '/comfy/', key: KEY });
});
afterAll(() => sim.close());

const upgrade = (url: string, headers: Record<string, string>) =>
  new Promise<string>((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('error', (err) => resolve(err.message));
  });

describe('simulator behind a prefix and a key', () => {
  it('reports its URL with the prefix', () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/comfy$/);
  });

  it('answers 401 without the key, and with a wrong one', async () => {
    expect((await fetch(`${sim.url}/system_stats`)).status).toBe(401);
    expect((await fetch(`${sim.url}/system_stats`, { headers: { 'X-API-Key': 'nope' } })).status).toBe(401);
  });

  it('takes the key as X-API-Key, a bearer token or a basic-auth password, on bare and /api routes', async () => {
    const basic = `Basic ${Buffer.from(`anyone:${KEY}`).toString('base64')}`;
    const kinds: Record<string, string>[] = [{ 'X-API-Key': KEY }, { Authorization: `Bearer ${KEY}` }, { Authorization: basic }];
    for (const headers of kinds) {
      for (const route of ['/system_stats', '/api/system_stats']) {
        const res = await fetch(`${sim.url}${route}`, { headers });
        expect(res.status, `${route} ${JSON.stringify(headers)}`).toBe(200);
        expect(((await res.json()) as { devices: unknown[] }).devices.length).toBe(1);
      }
    }
  });

  it('serves nothing outside the prefix', async () => {
    expect((await fetch(`${root()}/system_stats`, { headers: { 'X-API-Key': KEY } })).status).toBe(404);
    expect((await fetch(`${root()}/comfyx/system_stats`, { headers: { 'X-API-Key': KEY } })).status).toBe(404);
  });

  it('refuses the WebSocket upgrade without the key and opens it with one, under /ws and /api/ws', async () => {
    const ws = sim.url.replace(/^http/, 'ws');
    expect(await upgrade(`${ws}/ws?clientId=a`, {})).toMatch(/401/);
    expect(await upgrade(`${ws}/ws?clientId=a`, { 'X-API-Key': KEY })).toBe('open');
    expect(await upgrade(`${ws}/api/ws?clientId=b`, { Authorization: `Bearer ${KEY}` })).toBe('open');
    expect(await upgrade(`${root().replace(/^http/, 'ws')}/ws?clientId=c`, { 'X-API-Key': KEY })).toMatch(/404/);
  });
});
