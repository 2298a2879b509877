// Property: for any body, every JSON-body route answers 4xx `{error}` (and changes no file), or 2xx only for a valid
// body (and then every session on disk still passes SessionSchema). Never 500. Fixed seed and run count, so CI
// replays the same 200 bodies per route.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { changedSince, type SuiteContext } from '../../helpers/api-suite';
import { SessionSchema } from '@/lib/sessions/schema';
import { resetDir, SECRET, snapshot } from '../../helpers/security-fs';
import { ID, JSON_BODY_ROUTES, PENDING, seedSessions } from '../../helpers/security-routes';

const RUNS = 200;
const SEED = 20240115;

const KEYS = [
  'name',
  'index',
  'choices',
  'notes',
  'base_revision',
  'step_1_setup',
  'ids',
  'token',
  'brief',
  'n',
  'seed',
  'trigger_words',
  'rating',
  'same_image',
];
const NEAR = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom<unknown>(
    'alice',
    '',
    ' ',
    'a\u0000b',
    'x'.repeat(600),
    0,
    1,
    3,
    -1,
    1.5,
    1e308,
    [],
    {},
    [ID],
    [PENDING],
    ['../x'],
    { Quality: 'left', Style: 'tie', Coherence: 'right' },
    { Quality: 'sideways' },
    { seeds: [1, 2], weight_range: [0, 1] },
    { seeds: [-1] },
  ),
);

/** Raw body texts: arbitrary JSON, arbitrary JS values serialized, arbitrary strings, and near-valid objects. */
const BODY = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.anything().map((v) => {
    try {
      return String(JSON.stringify(v) ?? '');
    } catch {
      return String(v);
    }
  }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.dictionary(fc.constantFrom(...KEYS), NEAR, { maxKeys: 4 }).map((v) => JSON.stringify(v)),
);

/** Parses every session_meta.json under `sessions` (not the trash) with SessionSchema; returns the failures. */
async function invalidSessions(sessions: string): Promise<string[]> {
  const bad: string[] = [];
  for (const e of await readdir(sessions, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const text = await readFile(path.join(sessions, e.name, 'session_meta.json'), 'utf8').catch(() => null);
    if (text === null) {
      bad.push(`${e.name}: no session_meta.json`);
      continue;
    }
    const parsed = SessionSchema.safeParse(JSON.parse(text));
    if (!parsed.success) bad.push(`${e.name}: ${parsed.error.issues[0]?.message}`);
    else if (parsed.data.session_id !== e.name) bad.push(`${e.name}: session_id ${parsed.data.session_id}`);
  }
  return bad;
}

export function fuzzSuite(s: SuiteContext): void {
  describe(`fuzzed JSON bodies (${s.kind})`, () => {
    const saved: Record<string, string | undefined> = {};
    beforeAll(() => {
      // The prompt routes must use the offline generator, never a network LLM.
      for (const k of ['LLM_BASE_URL', 'LLM_MODEL', 'ACCESS_TOKEN']) {
        saved[k] = process.env[k];
        delete process.env[k];
      }
    });
    afterAll(() => {
      for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
    });

    it(`answers ${RUNS} arbitrary bodies per route with 4xx (nothing written) or a valid 2xx, never 500`, async () => {
      const { root, sessions } = s.dirs();
      await seedSessions(sessions);
      const template = await mkdtemp(path.join(os.tmpdir(), 'lorabench-sec-template-'));
      await resetDir(template, sessions);
      let tried = 0;
      let accepted = 0;
      const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
      try {
        for (const r of JSON_BODY_ROUTES) {
          await fc.assert(
            fc.asyncProperty(BODY, async (body) => {
              const before = await snapshot(root);
              const res = await s.target().call(r.method, r.route, r.params, { body, headers: { 'content-type': 'application/json' } });
              tried++;
              const text = await res.text();
              expect(text.includes(SECRET)).toBe(false);
              expect(res.status, `${r.method} ${r.name}: ${text.slice(0, 300)}`).toBeLessThan(500);
              if (res.status >= 400) {
                const err = JSON.parse(text).error;
                expect(typeof err?.code).toBe('string');
                expect(typeof err?.message).toBe('string');
                expect(await changedSince(s, before)).toEqual([]);
              } else {
                accepted++;
                expect(await invalidSessions(sessions)).toEqual([]);
                await resetDir(sessions, template);
              }
            }),
            { numRuns: RUNS, seed: SEED, endOnFailure: true },
          );
        }
      } finally {
        errors.mockRestore();
        await rm(template, { recursive: true, force: true });
      }
      console.log(
        `security (${s.kind}): ${tried} fuzzed bodies tried over ${JSON_BODY_ROUTES.length} routes, ${accepted} accepted as valid, 0 files changed on 4xx`,
      );
      // About 25 s on an idle 2-core machine over HTTP; the margin is for a loaded one.
    }, 150_000);
  });
}
