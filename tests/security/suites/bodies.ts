// Oversized, non-JSON and wrongly typed request bodies against every route that reads a body: each must answer 400
// `{error: {code, message}}` (oversized ones before JSON.parse sees them) and leave the disk as it was.
import { describe, expect, it, vi } from 'vitest';
import { changedSince, expectUnchanged, type SuiteContext } from '../../helpers/api-suite';
import { expectClientError, snapshot } from '../../helpers/security-fs';
import { ID, JSON_BODY_ROUTES, PENDING, seedSessions } from '../../helpers/security-routes';

const JSON_TYPE = { 'content-type': 'application/json' };
const MB2 = JSON.stringify({ name: 'a'.repeat(2 * 1024 * 1024) });

const BAD_BODIES: Array<[string, string]> = [
  ['empty', ''],
  ['whitespace', '  \n\t '],
  ['truncated JSON', '{"name": "ali'],
  ['not JSON', '{oops'],
  ['XML', '<?xml version="1.0"?><name>alice</name>'],
  ['form-encoded', 'name=alice&index=0'],
  ['NUL bytes', '\u0000\u0000\u0000'],
  ['JSON array', '[]'],
  ['JSON array of objects', '[{"name":"alice","token":"x","ids":[]}]'],
  ['JSON string', '"alice"'],
  ['JSON number', '42'],
  ['JSON null', 'null'],
  ['JSON true', 'true'],
];

export function bodiesSuite(s: SuiteContext): void {
  describe(`request bodies (${s.kind})`, () => {
    it('refuses a 2 MB JSON body with 400 before JSON.parse, changing nothing', async () => {
      const { root, sessions } = s.dirs();
      await seedSessions(sessions);
      const before = await snapshot(root);
      // In-process, JSON.parse can be watched; over HTTP the status and message must say the same.
      const parse = vi.spyOn(JSON, 'parse');
      let tried = 0;
      try {
        for (const r of JSON_BODY_ROUTES) {
          const res = await s.target().call(r.method, r.route, r.params, { body: MB2, headers: JSON_TYPE });
          tried++;
          const text = await expectClientError(res, `${r.method} ${r.name} 2 MB`);
          expect([400, 413], r.name).toContain(res.status);
          expect(JSON.parse(text).error.message, r.name).toMatch(/exceeds/);
        }
        const huge = parse.mock.calls.filter(([t]) => typeof t === 'string' && t.length > 1_000_000);
        expect(huge.length, 'JSON.parse was handed an oversized body').toBe(0);
      } finally {
        parse.mockRestore();
      }
      await expectUnchanged(s, before, 'oversized bodies');
      console.log(`security (${s.kind}): ${tried} oversized bodies tried, 0 files changed`);
    });

    it('refuses non-JSON and wrongly typed JSON bodies with 400 {error}, changing nothing', async () => {
      const { root, sessions } = s.dirs();
      await seedSessions(sessions);
      const before = await snapshot(root);
      let tried = 0;
      for (const r of JSON_BODY_ROUTES) {
        for (const [label, body] of BAD_BODIES) {
          const res = await s.target().call(r.method, r.route, r.params, { body, headers: JSON_TYPE });
          tried++;
          await expectClientError(res, `${r.method} ${r.name} ${label}`);
          expect(res.status, `${r.method} ${r.name} ${label}`).toBe(400);
        }
      }
      // The import route takes a raw .zip: JSON, garbage and an empty body are all 400.
      const imports: Array<[string, string | Uint8Array, string]> = [
        ['JSON', '{"session": 1}', 'application/json'],
        ['garbage zip', new Uint8Array([0x50, 0x4b, 3, 4, 0xff, 0xff, 0, 1, 2]), 'application/zip'],
        ['text as octet-stream', 'hello', 'application/octet-stream'],
        ['2 MB of zeros', new Uint8Array(2 * 1024 * 1024), 'application/zip'],
      ];
      for (const [label, body, type] of imports) {
        const res = await s.target().call('POST', 'sessions/import', {}, { body, headers: { 'content-type': type } });
        tried++;
        await expectClientError(res, `POST sessions/import ${label}`);
        expect(res.status, label).toBe(400);
      }
      await expectUnchanged(s, before, 'malformed bodies');
      console.log(`security (${s.kind}): ${tried} malformed bodies tried, 0 files changed`);
    });

    it('counts the 1 MB body limit in bytes, not UTF-16 characters', async () => {
      const { root, sessions } = s.dirs();
      await seedSessions(sessions);
      const before = await snapshot(root);
      // 700,000 × "é" is 1.4 MB of UTF-8 but only 700,000 characters.
      const body = JSON.stringify({ name: 'é'.repeat(700_000) });
      expect(Buffer.byteLength(body)).toBeGreaterThan(1_000_000);
      const res = await s.target().call('POST', 'sessions/[id]/raters', { id: ID }, { body, headers: JSON_TYPE });
      const text = await expectClientError(res, 'POST raters 1.4 MB multibyte');
      expect(JSON.parse(text).error.message).toMatch(/exceeds/);
      await expectUnchanged(s, before, 'multibyte body');
    });

    it('answers a deeply nested (but schema-valid) Setup with 4xx, not 500, and writes nothing', async () => {
      const { root, sessions } = s.dirs();
      const { done, pending } = await seedSessions(sessions);
      const setup = {
        workflow: {
          name: 'deep',
          source: 'custom',
          graph: { '1': { class_type: 'KSampler', inputs: { deep: 1 } } },
          mapping: {
            lora: { node: '1', kind: 'LoraLoader' },
            positive: { node: '1', input: 'text' },
            negative: null,
            seed: { node: '1', input: 'seed' },
            save: { node: '1' },
          },
        },
      };
      // JSON.stringify cannot write 10,000 levels (RangeError), so build the text by hand: 20 kB, under the 1 MB cap.
      const setupText = JSON.stringify(setup).replace('"deep":1', `"deep":${'['.repeat(10_000)}1${']'.repeat(10_000)}`);
      expect(setupText.length).toBeLessThan(1_000_000);
      const before = await snapshot(root);
      const cases: Array<[string, 'PUT' | 'POST', string, string, string]> = [
        ['PUT completed', 'PUT', 'sessions/[id]', ID, `{"base_revision":${done.revision},"step_1_setup":${setupText}}`],
        ['PUT pending', 'PUT', 'sessions/[id]', PENDING, `{"base_revision":${pending.revision},"step_1_setup":${setupText}}`],
        ['POST copy pending', 'POST', 'sessions/[id]/copy', PENDING, `{"step_1_setup":${setupText}}`],
      ];
      const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
      const failures: string[] = [];
      try {
        // Sequential, so no request outlives the test (and its SESSIONS_DIR).
        for (const [label, method, route, id, body] of cases) {
          const res = await s.target().call(method, route, { id }, { body, headers: JSON_TYPE });
          if (res.status >= 500) failures.push(`${label}: ${res.status} ${await res.text()}`);
          else await expectClientError(res, label);
        }
      } finally {
        errors.mockRestore();
      }
      const changed = await changedSince(s, before);
      if (changed.length) failures.push(`files changed: ${changed.join(', ')}`);
      expect(failures).toEqual([]);
    });
  });
}
