// Oversized, non-JSON and wrongly typed request bodies against every route that reads a body: each must answer 400
// `{error: {code, message}}` (oversized ones before JSON.parse sees them) and leave the disk as it was.
import { describe, expect, it, vi } from 'vitest';
import * as copyRoute from '@/app/api/sessions/[id]/copy/route';
import * as judgmentsRoute from '@/app/api/sessions/[id]/judgments/route';
import * as ratersRoute from '@/app/api/sessions/[id]/raters/route';
import * as sessionRoute from '@/app/api/sessions/[id]/route';
import * as importRoute from '@/app/api/sessions/import/route';
import { ID, JSON_BODY_ROUTES, PENDING, seedSessions } from '../helpers/security-routes';
import { ctx, expectClientError, snapshot, useSecurityDirs } from '../helpers/security-fs';

const dirs = useSecurityDirs();
const req = (method: string, body: BodyInit, type = 'application/json') =>
  new Request('http://test/api', { method, body, headers: { 'content-type': type } });

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

describe('request bodies', () => {
  it('refuses a 2 MB JSON body with 400 before JSON.parse, changing nothing', async () => {
    const { root, sessions } = dirs();
    await seedSessions(sessions);
    const before = await snapshot(root);
    const parse = vi.spyOn(JSON, 'parse');
    let tried = 0;
    try {
      for (const r of JSON_BODY_ROUTES) {
        const res = await r.handler(req(r.method, MB2), ctx(r.params));
        tried++;
        const text = await expectClientError(res, `${r.method} ${r.name} 2 MB`);
        expect(res.status, r.name).toBe(400);
        expect(JSON.parse(text).error.message, r.name).toMatch(/exceeds/);
      }
      const huge = parse.mock.calls.filter(([t]) => typeof t === 'string' && t.length > 1_000_000);
      expect(huge.length, 'JSON.parse was handed an oversized body').toBe(0);
    } finally {
      parse.mockRestore();
    }
    expect(await snapshot(root)).toEqual(before);
    console.log(`security: ${tried} oversized bodies tried, 0 files changed`);
  });

  it('refuses non-JSON and wrongly typed JSON bodies with 400 {error}, changing nothing', async () => {
    const { root, sessions } = dirs();
    await seedSessions(sessions);
    const before = await snapshot(root);
    let tried = 0;
    for (const r of JSON_BODY_ROUTES) {
      for (const [label, body] of BAD_BODIES) {
        const res = await r.handler(req(r.method, body), ctx(r.params));
        tried++;
        await expectClientError(res, `${r.method} ${r.name} ${label}`);
        expect(res.status, `${r.method} ${r.name} ${label}`).toBe(400);
      }
    }
    // The import route takes a raw .zip: JSON, garbage and an empty body are all 400.
    const imports: Array<[string, BodyInit, string]> = [
      ['JSON', '{"session": 1}', 'application/json'],
      ['garbage zip', new Uint8Array([0x50, 0x4b, 3, 4, 0xff, 0xff, 0, 1, 2]), 'application/zip'],
      ['text as octet-stream', 'hello', 'application/octet-stream'],
      ['2 MB of zeros', new Uint8Array(2 * 1024 * 1024), 'application/zip'],
    ];
    for (const [label, body, type] of imports) {
      const res = await importRoute.POST(req('POST', body, type), ctx({}));
      tried++;
      await expectClientError(res, `POST sessions/import ${label}`);
      expect(res.status, label).toBe(400);
    }
    expect(await snapshot(root)).toEqual(before);
    console.log(`security: ${tried} malformed bodies tried, 0 files changed`);
  });

  it('counts the 1 MB body limit in bytes, not UTF-16 characters', async () => {
    const { root, sessions } = dirs();
    await seedSessions(sessions);
    const before = await snapshot(root);
    // 700,000 × "é" is 1.4 MB of UTF-8 but only 700,000 characters.
    const body = JSON.stringify({ name: 'é'.repeat(700_000) });
    expect(Buffer.byteLength(body)).toBeGreaterThan(1_000_000);
    const res = await ratersRoute.POST(req('POST', body), ctx({ id: ID }));
    const text = await expectClientError(res, 'POST raters 1.4 MB multibyte');
    expect(JSON.parse(text).error.message).toMatch(/exceeds/);
    expect(await snapshot(root)).toEqual(before);
  });

  it('answers a deeply nested (but schema-valid) Setup with 4xx, not 500, and writes nothing', async () => {
    const { root, sessions } = dirs();
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
    // Sequential, so no request outlives the test (and its SESSIONS_DIR).
    const cases: Array<[string, () => Promise<Response>]> = [
      ['PUT completed', () => sessionRoute.PUT(req('PUT', `{"base_revision":${done.revision},"step_1_setup":${setupText}}`), ctx({ id: ID }))],
      ['PUT pending', () => sessionRoute.PUT(req('PUT', `{"base_revision":${pending.revision},"step_1_setup":${setupText}}`), ctx({ id: PENDING }))],
      ['POST copy pending', () => copyRoute.POST(req('POST', `{"step_1_setup":${setupText}}`), ctx({ id: PENDING }))],
    ];
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const failures: string[] = [];
    try {
      for (const [label, call] of cases) {
        const res = await call();
        if (res.status >= 500) failures.push(`${label}: ${res.status} ${await res.text()}`);
        else await expectClientError(res, label);
      }
    } finally {
      errors.mockRestore();
    }
    const after = await snapshot(root);
    const changed = Object.keys({ ...before, ...after }).filter((k) => before[k] !== after[k]);
    if (changed.length) failures.push(`files changed: ${changed.join(', ')}`);
    expect(failures).toEqual([]);
  });
});
