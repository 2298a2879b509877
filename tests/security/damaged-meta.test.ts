// Damaged `session_meta.json` files of every kind: the list shows them as damaged with a reason, the session answers
// 422 `damaged`, nothing answers 500 and no file is rewritten.
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import * as sessionRoute from '@/app/api/sessions/[id]/route';
import * as sessionsRoute from '@/app/api/sessions/route';
import { generatedSession } from '../helpers/generated-session';
import { ctx, diffSnapshots, expectClientError, snapshot, useSecurityDirs, writeSession } from '../helpers/security-fs';

const dirs = useSecurityDirs();

const valid = (id: string) => generatedSession(id);
const nest = (levels: number, open: string, close: string, inner = '1') => `${open.repeat(levels)}${inner}${close.repeat(levels)}`;

/** Contents of damaged `session_meta.json` files for folder `id`, by label. Each gets its own folder. */
const DAMAGED: Array<[string, (id: string) => string | Buffer]> = [
  ['empty', () => ''],
  ['whitespace', () => ' \n '],
  ['truncated JSON', (id) => JSON.stringify(valid(id)).slice(0, 400)],
  ['wrong types', (id) => JSON.stringify({ ...valid(id), schema_version: '2', revision: 'three', status: 42, step_1_setup: [] })],
  [
    '100,000 seeds',
    (id) => {
      const s = valid(id);
      s.step_1_setup.seeds = Array.from({ length: 100_000 }, (_, i) => i);
      return JSON.stringify(s);
    },
  ],
  ['10,000-level nested array', () => nest(10_000, '[', ']')],
  ['10,000-level nested object', () => nest(10_000, '{"a":', '}')],
  ['10,000-level nested scores', (id) => JSON.stringify(valid(id)).replace('"scores":[]', `"scores":${nest(10_000, '[', ']')}`)],
  ['JSON array', () => '[1,2,3]'],
  ['JSON string', () => '"session"'],
  ['JSON number', () => '2'],
  ['JSON null', () => 'null'],
  ['binary garbage', () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256))],
  ['UTF-16 with BOM', (id) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(valid(id)), 'utf16le')])],
  [
    '1 MB string in a valid-looking session',
    (id) => {
      const s = valid(id);
      s.step_1_setup.prompt_pairs[0]!.positive = 'x'.repeat(1024 * 1024);
      return JSON.stringify(s);
    },
  ],
  ['schema_version 3', (id) => JSON.stringify({ ...valid(id), schema_version: 3 })],
  ['legacy-looking, broken', () => JSON.stringify({ step_1_setup: 5, step_2_generation: 'x' })],
  ['legacy-looking, bad results', () => JSON.stringify({ step_1_setup: {}, step_2_generation: { results: 'nope' } })],
];

/** Folder ids 20240102_000001, …: one per damaged file. */
const idOf = (i: number) => `20240102_${String(i + 1).padStart(6, '0')}`;

describe('damaged session_meta.json', () => {
  it('lists every damaged file as damaged with a reason, answers 422 damaged for each, and rewrites nothing', async () => {
    const { root, sessions } = dirs();
    const cases = DAMAGED;
    for (const [i, [, content]] of cases.entries()) {
      await mkdir(path.join(sessions, idOf(i), 'output'), { recursive: true });
      await writeFile(path.join(sessions, idOf(i), 'session_meta.json'), content(idOf(i)));
    }
    await writeSession(sessions, valid('20240101_000000'), false);
    const before = await snapshot(root);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const problems: string[] = [];
    try {
      const list = await sessionsRoute.GET(new Request('http://test/api/sessions'), ctx({}));
      expect(list.status).toBe(200);
      const rows = (await list.json()).sessions as Array<{ session_id: string; damaged: boolean; reason?: string }>;
      expect(rows.find((r) => r.session_id === '20240101_000000')?.damaged, 'the valid session').toBe(false);
      for (const [i, [label]] of cases.entries()) {
        const row = rows.find((r) => r.session_id === idOf(i));
        if (!row?.damaged || typeof row.reason !== 'string' || !row.reason) problems.push(`list ${label}: ${JSON.stringify(row)?.slice(0, 200)}`);
        else expect(row.reason.length, `${label}: reason length`).toBeLessThan(2_000);
      }
      for (const [i, [label]] of cases.entries()) {
        const res = await sessionRoute.GET(new Request('http://test'), ctx({ id: idOf(i) }));
        if (res.status !== 422) {
          problems.push(`GET ${label}: ${res.status} ${(await res.text()).slice(0, 200)}`);
          continue;
        }
        const text = await expectClientError(res, `GET ${label}`);
        expect(JSON.parse(text).error.code, label).toBe('damaged');
        expect(text.length, `${label}: error size`).toBeLessThan(2_000);
      }
      // Writes refuse a damaged session too.
      for (const [i, [label]] of cases.entries()) {
        const res = await sessionRoute.PUT(
          new Request('http://test', { method: 'PUT', body: JSON.stringify({ notes: 'x' }) }),
          ctx({ id: idOf(i) }),
        );
        if (res.status !== 422) problems.push(`PUT notes ${label}: ${res.status} ${(await res.text()).slice(0, 200)}`);
      }
    } finally {
      errors.mockRestore();
    }
    const changed = diffSnapshots(before, await snapshot(root));
    if (changed.length) problems.push(`files changed: ${changed.join(', ')}`);
    console.log(`security: ${cases.length} damaged meta files × 3 requests tried, ${changed.length} files changed`);
    expect(problems).toEqual([]);
  });

  it('never answers 500 for a schema-valid session holding a 10,000-level nested workflow input', async () => {
    const { root, sessions } = dirs();
    const s = valid('20240104_000000');
    s.step_1_setup.workflow = {
      name: 'deep',
      source: 'custom',
      graph: { '1': { class_type: 'KSampler', inputs: { deep: 'X' } } },
      mapping: { lora: { node: '1', kind: 'LoraLoader' }, positive: { node: '1', input: 'text' }, negative: null, seed: { node: '1', input: 'seed' }, save: { node: '1' } },
    };
    await mkdir(path.join(sessions, s.session_id, 'output'), { recursive: true });
    await writeFile(path.join(sessions, s.session_id, 'session_meta.json'), JSON.stringify(s).replace('"deep":"X"', `"deep":${nest(10_000, '[', ']')}`));
    const before = await snapshot(root);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const statuses: number[] = [];
    try {
      statuses.push((await sessionsRoute.GET(new Request('http://test'), ctx({}))).status);
      statuses.push((await sessionRoute.GET(new Request('http://test'), ctx({ id: s.session_id }))).status);
    } finally {
      errors.mockRestore();
    }
    expect(statuses.filter((x) => x >= 500), `statuses ${statuses.join(', ')}`).toEqual([]);
    expect(diffSnapshots(before, await snapshot(root))).toEqual([]);
  });

  it('does not let a meta whose session_id names another folder overwrite that session', async () => {
    const { root, sessions } = dirs();
    const victim = generatedSession('20240103_000000');
    await writeSession(sessions, victim, false);
    // Folder 20240103_000001 holds a copy whose session_id says 20240103_000000.
    const impostor = generatedSession('20240103_000000');
    await mkdir(path.join(sessions, '20240103_000001', 'output'), { recursive: true });
    await writeFile(path.join(sessions, '20240103_000001', 'session_meta.json'), JSON.stringify(impostor));
    const victimBefore = (await snapshot(root))['sessions/20240103_000000/session_meta.json'];
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const get = await sessionRoute.GET(new Request('http://test'), ctx({ id: '20240103_000001' }));
      const body = await get.json();
      const shownId = body.session?.session_id;
      expect.soft(get.status === 422 || shownId === '20240103_000001', `GET answered ${get.status} with session_id ${shownId}`).toBe(true);
      await sessionRoute.PUT(
        new Request('http://test', { method: 'PUT', body: JSON.stringify({ notes: 'written through the impostor' }) }),
        ctx({ id: '20240103_000001' }),
      );
    } finally {
      errors.mockRestore();
    }
    expect((await snapshot(root))['sessions/20240103_000000/session_meta.json'], 'the other session was rewritten').toBe(victimBefore);
  });
});
