// Hostile route params (traversal, NUL, absolute and Windows paths, huge ids) against every route with a dynamic
// segment: each must answer 4xx `{error: {code, message}}`, never leak a file planted outside SESSIONS_DIR, and never
// change anything on disk.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as blindRoute from '@/app/api/sessions/[id]/blind/[token]/[side]/route';
import * as copyRoute from '@/app/api/sessions/[id]/copy/route';
import * as evaluationRoute from '@/app/api/sessions/[id]/evaluation/route';
import * as eventsRoute from '@/app/api/sessions/[id]/events/route';
import * as exportRoute from '@/app/api/sessions/[id]/export/[format]/route';
import * as cancelRoute from '@/app/api/sessions/[id]/generation/cancel/route';
import * as pauseRoute from '@/app/api/sessions/[id]/generation/pause/route';
import * as generationRoute from '@/app/api/sessions/[id]/generation/route';
import * as gridRoute from '@/app/api/sessions/[id]/grid/[prompt]/route';
import * as imagesRoute from '@/app/api/sessions/[id]/images/[file]/route';
import * as lastRoute from '@/app/api/sessions/[id]/judgments/last/route';
import * as judgmentsRoute from '@/app/api/sessions/[id]/judgments/route';
import * as ratersRoute from '@/app/api/sessions/[id]/raters/route';
import * as relaunchRoute from '@/app/api/sessions/[id]/relaunch/route';
import * as reportRoute from '@/app/api/sessions/[id]/report/route';
import * as sessionRoute from '@/app/api/sessions/[id]/route';
import * as thumbnailRoute from '@/app/api/sessions/[id]/thumbnail/route';
import * as thumbsRoute from '@/app/api/sessions/[id]/thumbs/[file]/route';
import * as restoreRoute from '@/app/api/trash/[name]/restore/route';
import { generatedSession } from '../helpers/generated-session';
import { ctx, expectClientError, SECRET, snapshot, useSecurityDirs, writeSession } from '../helpers/security-fs';

const dirs = useSecurityDirs();

type Handler = (req: Request, c: ReturnType<typeof ctx>) => Promise<Response>;
type RouteModule = Partial<Record<'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH', unknown>>;

/** Every route with a dynamic segment, keyed by its folder under app/api, with the names of its params. */
const ROUTES: Record<string, { mod: RouteModule; params: string[] }> = {
  'sessions/[id]': { mod: sessionRoute, params: ['id'] },
  'sessions/[id]/blind/[token]/[side]': { mod: blindRoute, params: ['id', 'token', 'side'] },
  'sessions/[id]/copy': { mod: copyRoute, params: ['id'] },
  'sessions/[id]/evaluation': { mod: evaluationRoute, params: ['id'] },
  'sessions/[id]/events': { mod: eventsRoute, params: ['id'] },
  'sessions/[id]/export/[format]': { mod: exportRoute, params: ['id', 'format'] },
  'sessions/[id]/generation': { mod: generationRoute, params: ['id'] },
  'sessions/[id]/generation/cancel': { mod: cancelRoute, params: ['id'] },
  'sessions/[id]/generation/pause': { mod: pauseRoute, params: ['id'] },
  'sessions/[id]/grid/[prompt]': { mod: gridRoute, params: ['id', 'prompt'] },
  'sessions/[id]/images/[file]': { mod: imagesRoute, params: ['id', 'file'] },
  'sessions/[id]/judgments': { mod: judgmentsRoute, params: ['id'] },
  'sessions/[id]/judgments/last': { mod: lastRoute, params: ['id'] },
  'sessions/[id]/raters': { mod: ratersRoute, params: ['id'] },
  'sessions/[id]/relaunch': { mod: relaunchRoute, params: ['id'] },
  'sessions/[id]/report': { mod: reportRoute, params: ['id'] },
  'sessions/[id]/thumbnail': { mod: thumbnailRoute, params: ['id'] },
  'sessions/[id]/thumbs/[file]': { mod: thumbsRoute, params: ['id', 'file'] },
  'trash/[name]/restore': { mod: restoreRoute, params: ['name'] },
};

const ID = '20240115_143022';

const HOSTILE = [
  '..%2F..%2Fetc',
  '..%2F..%2Fsecret.txt',
  '../session_meta.json',
  '../../session_meta.json',
  '../../secret.txt',
  '/etc/passwd',
  'a\u0000b',
  'x'.repeat(10_000),
  '%2e%2e',
  '%2e%2e%2fsecret.txt',
  '..',
  '.',
  '',
  'C:\\x',
  '..\\..\\secret.txt',
  `${ID}/../../secret.txt`,
  `${ID}\n`,
  `${ID}\u0000`,
  ` ${ID}`,
  // file / token params
  'session_meta.json',
  '.thumbs/x',
  '.thumbs/lora_0_0_0.256.webp',
  'lora_0_0_0.png/../../x',
  'lora_0_0_0.png/../../../secret.txt',
  'lora_0_0_0.png\u0000.txt',
  'lora_0_0_0.png\n',
  'output/lora_0_0_0.png',
  '../output/lora_0_0_0.png',
  'LORA_0_0_0.PNG',
  'a'.repeat(31) + '/',
];

function routeFoldersOnDisk(): string[] {
  const base = path.join(process.cwd(), 'app/api');
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(base, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(base, r)).isDirectory()) walk(r);
      else if (name === 'route.ts' && rel.includes('[')) found.push(rel);
    }
  };
  walk('');
  return found.sort();
}

describe('path traversal through route params', () => {
  it('covers every route with a dynamic segment', () => {
    expect(Object.keys(ROUTES).sort()).toEqual(routeFoldersOnDisk());
    for (const [name, { params }] of Object.entries(ROUTES)) {
      expect(params, name).toEqual([...name.matchAll(/\[(\w+)\]/g)].map((m) => m[1]));
    }
  });

  it('answers 4xx {error} to every hostile param, never reads outside SESSIONS_DIR and changes nothing', async () => {
    const { root, sessions } = dirs();
    const s = generatedSession(ID);
    await writeSession(sessions, s);
    const token = s.step_2_generation.shuffled_results[0]!.token;
    const valid: Record<string, string> = { id: ID, token, side: 'left', file: s.step_2_generation.results[0]!.filename, format: 'json', prompt: '0', name: `${ID}__1` };

    // Positive control: the harness does reach real files with valid params.
    const ok = await imagesRoute.GET(new Request('http://test'), ctx({ id: ID, file: valid.file! }));
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');

    const before = await snapshot(root);
    let tried = 0;
    for (const [name, { mod, params }] of Object.entries(ROUTES)) {
      const methods = (['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const).filter((m) => typeof mod[m] === 'function');
      expect(methods.length, name).toBeGreaterThan(0);
      for (const method of methods) {
        for (const param of params) {
          for (const bad of HOSTILE) {
            const p = { ...valid, [param]: bad };
            const picked = Object.fromEntries(params.map((k) => [k, p[k]!]));
            const req = new Request(`http://test/api/${name}`, {
              method,
              ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}', headers: { 'content-type': 'application/json' } }),
            });
            const res = await (mod[method] as Handler)(req, ctx(picked));
            tried++;
            const where = `${method} ${name} ${param}=${JSON.stringify(bad.slice(0, 50))}`;
            const bytes = Buffer.from(await res.clone().arrayBuffer());
            expect(bytes.toString('latin1').includes(SECRET), `${where}: leaked the planted secret`).toBe(false);
            await expectClientError(res, where);
          }
        }
      }
    }
    expect(await snapshot(root)).toEqual(before);
    console.log(`security: ${tried} hostile route-param requests tried, 0 files changed`);
  });
});
