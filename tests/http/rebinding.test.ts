// Issue 11: DNS rebinding. A page on rebind.evil.example whose name is made to resolve to 127.0.0.1 talks to the app
// with `Host` and `Origin` both its own, so the cross-site check (Origin against Host) lets it through. The Host
// allow-list must refuse it before any handler runs; the same requests with this app's host must still work.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpTarget } from '../helpers/api-target';
import { type BuiltApp, startBuiltApp } from '../helpers/built-app';
import { generatedSession } from '../helpers/generated-session';
import { snapshot, writeSession } from '../helpers/security-fs';

let root = '';
let app: BuiltApp;
const ID = '20240115_143022';

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'lorabench-rebind-'));
  await mkdir(path.join(root, 'sessions'));
  await writeSession(path.join(root, 'sessions'), generatedSession(ID));
  app = await startBuiltApp({ sessionsDir: path.join(root, 'sessions'), env: { ALLOWED_HOSTS: 'bench.local' } });
}, 90_000);
afterAll(async () => {
  await app?.stop();
  await rm(root, { recursive: true, force: true });
});

/** What a rebinding page can send: every state-changing route, and the reads that leak data. */
const REQUESTS: Array<[string, 'GET' | 'POST' | 'PUT' | 'DELETE', string]> = [
  ['list', 'GET', '/api/sessions'],
  ['read', 'GET', `/api/sessions/${ID}`],
  ['report', 'GET', `/api/sessions/${ID}/report`],
  ['image', 'GET', `/api/sessions/${ID}/images/baseline_0_0.png`],
  ['create', 'POST', '/api/sessions'],
  ['save', 'PUT', `/api/sessions/${ID}`],
  ['copy', 'POST', `/api/sessions/${ID}/copy`],
  ['delete', 'DELETE', `/api/sessions/${ID}`],
  ['page', 'GET', '/'],
];

describe('DNS rebinding', () => {
  it('refuses every request whose Host is a foreign name, even with a matching Origin, and changes nothing', async () => {
    const target = httpTarget(app.base);
    const before = await snapshot(root);
    const counts = { foreign: 0, refused: 0, allowed: 0 };
    for (const host of [
      `rebind.evil.example:${app.port}`,
      'rebind.evil.example',
      `localhost.evil.example:${app.port}`,
      `127.0.0.1.nip.io:${app.port}`,
    ]) {
      for (const [what, method, url] of REQUESTS) {
        const headers = { host, origin: `http://${host}`, 'content-type': 'application/json' };
        const res = await target.raw(method, url, {
          headers,
          body: method === 'GET' || method === 'DELETE' ? undefined : JSON.stringify({ notes: 'rebound' }),
        });
        counts.foreign++;
        const text = await res.text();
        if (res.status === 403 && JSON.parse(text).error?.code === 'forbidden') counts.refused++;
        else expect.fail(`${what} with Host ${host}: ${res.status} ${text.slice(0, 200)}`);
      }
    }
    expect(await snapshot(root)).toEqual(before);
    // The app's own names pass: loopback names, IP literals, and ALLOWED_HOSTS.
    for (const host of [`127.0.0.1:${app.port}`, `localhost:${app.port}`, `[::1]:${app.port}`, `bench.local:${app.port}`]) {
      const res = await target.raw('GET', `/api/sessions/${ID}`, { headers: { host } });
      expect(res.status, host).toBe(200);
      counts.allowed++;
    }
    const ok = await target.raw('PUT', `/api/sessions/${ID}`, {
      headers: { host: `127.0.0.1:${app.port}`, origin: `http://127.0.0.1:${app.port}`, 'content-type': 'application/json' },
      body: JSON.stringify({ notes: 'saved from the app itself' }),
    });
    expect(ok.status).toBe(200);
    console.log(
      `rebinding: ${counts.foreign} requests with a foreign Host, ${counts.refused} refused 403, 0 files changed; ${counts.allowed} own hosts served`,
    );
  });
});
