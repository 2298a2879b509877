// Hostile route params (traversal, NUL, absolute and Windows paths, huge ids) against every route with a dynamic
// segment: each must answer 4xx `{error: {code, message}}`, never leak a file planted outside SESSIONS_DIR, and never
// change anything on disk. Over HTTP, raw paths that Next itself has to decode or normalize are sent as well.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { changedSince, type SuiteContext } from '../../helpers/api-suite';
import { generatedSession } from '../../helpers/generated-session';
import { METHODS, ROUTE_MODULES } from '../../helpers/route-modules';
import { expectClientError, SECRET, snapshot, writeSession } from '../../helpers/security-fs';

const ID = '20240115_143022';

export const HOSTILE = [
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

/**
 * Values that cannot reach a route param over HTTP: URL normalization (Next's, as a browser's) turns a `.` or `..`
 * segment, encoded or not, into another path, and an empty one into `//`. Over HTTP they are sent as raw paths.
 */
const NORMALIZED_AWAY = new Set(['.', '..', '']);

/** Paths sent as written, with every method: malformed percent-encodings, which Next cannot decode. */
const MALFORMED_PATHS = [
  '/api/sessions/%c0%ae',
  '/api/sessions/%ff',
  '/api/sessions/%zz',
  '/api/sessions/%',
  `/api/sessions/${ID}/images/%c0%ae%c0%ae%2fsecret.txt`,
  `/api/sessions/${ID}/images/..%ff`,
  '/api/%zz',
];

/**
 * Paths sent as written, read only: dot segments and double slashes, which URL normalization (Next's, as a
 * browser's) resolves to another path before any route sees them. Read only, since `DELETE …/export/..` is a plain
 * DELETE of the session once resolved.
 */
const NORMALIZED_PATHS = [
  `/api/sessions/${ID}/../../secret.txt`,
  `/api/sessions/${ID}/images/../../../secret.txt`,
  `/api/sessions/${ID}/images/%2e%2e/%2e%2e/%2e%2e/secret.txt`,
  '/api/sessions/..',
  '/api/sessions/.',
  '/api/sessions//copy',
  `/api/sessions/${ID}//copy`,
  `/api/sessions/${ID}/export/..`,
  `/api/sessions/${ID}/images/.`,
  `/api/sessions/${ID}/images/..`,
  '/api/..',
  '/api/%2e%2e/%2e%2e/secret.txt',
  '/api/no-such-route',
  `/api/sessions/${ID}/no-such-route`,
];

/** The folders under app/api whose route.ts has a dynamic segment. */
function dynamicRouteFolders(): string[] {
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

const paramsOf = (route: string) => [...route.matchAll(/\[\[?(?:\.\.\.)?(\w+)\]\]?/g)].map((m) => m[1]!);

export function traversalSuite(s: SuiteContext): void {
  describe(`path traversal through route params (${s.kind})`, () => {
    it('covers every route with a dynamic segment', () => {
      const all = Object.keys(ROUTE_MODULES).sort();
      expect(all.filter((r) => r.includes('['))).toEqual(dynamicRouteFolders());
    });

    it('answers 4xx {error} to every hostile param, never reads outside SESSIONS_DIR and changes nothing', async () => {
      const { root, sessions } = s.dirs();
      const target = s.target();
      const session = generatedSession(ID);
      await writeSession(sessions, session);
      const token = session.step_2_generation.shuffled_results[0]!.token;
      const file = session.step_2_generation.results[0]!.filename;
      const valid: Record<string, string> = {
        id: ID,
        token,
        side: 'left',
        file,
        format: 'json',
        prompt: '0',
        name: `${ID}__1`,
        path: 'x',
        link: `${ID}-${'0'.repeat(32)}`,
      };

      // Positive control: the harness does reach real files with valid params.
      const ok = await target.call('GET', 'sessions/[id]/images/[file]', { id: ID, file });
      expect(ok.status).toBe(200);
      expect(
        Buffer.from(await ok.arrayBuffer())
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');

      const before = await snapshot(root);
      const problems: string[] = [];
      /** `resolved`: where a raw path lands after normalization; the error shape is owed only under /api. */
      const check = async (res: Response, where: string, resolved?: string) => {
        const bytes = Buffer.from(await res.clone().arrayBuffer());
        if (bytes.toString('latin1').includes(SECRET)) problems.push(`${where}: leaked the planted secret`);
        if (res.status >= 500) problems.push(`${where}: ${res.status} ${bytes.toString('utf8').slice(0, 120)}`);
        // Resolved to another route or a page, or to a method that route lacks (Next's own 405, with no body).
        else if (resolved !== undefined && (res.status < 400 || res.status === 405 || !/^\/api(\/|$)/.test(resolved))) return;
        else await expectClientError(res, where).catch((err: Error) => problems.push(err.message.slice(0, 200)));
      };
      for (const route of dynamicRouteFolders()) {
        const mod = ROUTE_MODULES[route]!;
        const methods = METHODS.filter((m) => typeof mod[m] === 'function');
        expect(methods.length, route).toBeGreaterThan(0);
        for (const method of methods) {
          for (const param of paramsOf(route)) {
            for (const bad of HOSTILE) {
              if (target.kind === 'http' && NORMALIZED_AWAY.has(bad)) continue;
              const p = { ...valid, [param]: bad };
              const picked = Object.fromEntries(paramsOf(route).map((k) => [k, p[k]!]));
              const body = method === 'GET' || method === 'DELETE' ? {} : { body: '{}', headers: { 'content-type': 'application/json' } };
              const res = await target.call(method, route, picked, body);
              await check(res, `${method} ${route} ${param}=${JSON.stringify(bad.slice(0, 50))}`);
            }
          }
        }
      }
      if (target.kind === 'http') {
        for (const raw of MALFORMED_PATHS) {
          for (const method of ['GET', 'POST', 'PUT', 'DELETE'] as const) await check(await target.raw(method, raw), `${method} ${raw}`);
        }
        for (const raw of NORMALIZED_PATHS) await check(await target.raw('GET', raw), `GET ${raw}`, new URL(raw, 'http://x').pathname);
      }
      const changed = await changedSince(s, before);
      if (changed.length) problems.push(`files changed: ${changed.join(', ')}`);
      console.log(`security (${s.kind}): ${target.tally.requests} hostile route-param requests tried, ${changed.length} files changed`);
      expect(problems).toEqual([]);
    }, 120_000);
  });
}
