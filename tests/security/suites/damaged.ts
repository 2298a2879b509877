// Damaged `session_meta.json` files of every kind (and a folder without one): the list shows them as damaged with a
// reason, every route about them answers 422 `damaged` (an unknown session 404), nothing answers 500 and no file is
// rewritten; a damaged folder can still go to the trash and come back.
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { changedSince, type SuiteContext } from '../../helpers/api-suite';
import { generatedSession } from '../../helpers/generated-session';
import { expectClientError, snapshot, writeSession } from '../../helpers/security-fs';

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
  ['schema_version 4', (id) => JSON.stringify({ ...valid(id), schema_version: 4 })],
  ['legacy-looking, broken', () => JSON.stringify({ step_1_setup: 5, step_2_generation: 'x' })],
  ['legacy-looking, bad results', () => JSON.stringify({ step_1_setup: {}, step_2_generation: { results: 'nope' } })],
];

/** Folder ids 20240102_000001, …: one per damaged file. */
const idOf = (i: number) => `20240102_${String(i + 1).padStart(6, '0')}`;
const NO_META = '20240105_000000';
const UNKNOWN = '20990101_000000';
const JSON_TYPE = { 'content-type': 'application/json' };

/** Every request a client makes about one session, with the body it sends. */
const ABOUT_A_SESSION: Array<[string, 'GET' | 'POST' | 'PUT' | 'DELETE', string, string | undefined]> = [
  ['GET session', 'GET', 'sessions/[id]', undefined],
  ['PUT notes', 'PUT', 'sessions/[id]', JSON.stringify({ notes: 'x' })],
  ['POST generation', 'POST', 'sessions/[id]/generation', '{}'],
  ['POST pause', 'POST', 'sessions/[id]/generation/pause', '{}'],
  ['POST cancel', 'POST', 'sessions/[id]/generation/cancel', '{}'],
  ['GET report', 'GET', 'sessions/[id]/report', undefined],
  ['GET evaluation', 'GET', 'sessions/[id]/evaluation', undefined],
  ['POST raters', 'POST', 'sessions/[id]/raters', JSON.stringify({ name: 'alice' })],
  ['POST relaunch', 'POST', 'sessions/[id]/relaunch', '{}'],
  ['POST copy', 'POST', 'sessions/[id]/copy', '{}'],
  ['GET export zip', 'GET', 'sessions/[id]/export/[format]', undefined],
];

export function damagedSuite(s: SuiteContext): void {
  describe(`damaged sessions (${s.kind})`, () => {
    it('lists every damaged folder with a reason and where, answers 422 damaged (unknown: 404) to every route, rewrites nothing', async () => {
      const { root, sessions } = s.dirs();
      const target = s.target();
      for (const [i, [, content]] of DAMAGED.entries()) {
        await mkdir(path.join(sessions, idOf(i), 'output'), { recursive: true });
        await writeFile(path.join(sessions, idOf(i), 'session_meta.json'), content(idOf(i)));
      }
      await mkdir(path.join(sessions, NO_META, 'output'), { recursive: true });
      await writeSession(sessions, valid('20240101_000000'), false);
      const before = await snapshot(root);
      const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
      const problems: string[] = [];
      const cases: Array<[string, string]> = [
        ...DAMAGED.map(([label], i): [string, string] => [label, idOf(i)]),
        ['no session_meta.json', NO_META],
      ];
      try {
        const list = await target.call('GET', 'sessions', {});
        expect(list.status).toBe(200);
        const rows = (await list.json()).sessions as Array<{ session_id: string; damaged: boolean; reason?: string; file?: string }>;
        expect(rows.find((r) => r.session_id === '20240101_000000')?.damaged, 'the valid session').toBe(false);
        for (const [label, id] of cases) {
          const row = rows.find((r) => r.session_id === id);
          if (!row?.damaged || typeof row.reason !== 'string' || !row.reason || typeof row.file !== 'string') {
            problems.push(`list ${label}: ${JSON.stringify(row)?.slice(0, 200)}`);
          } else expect(row.reason.length, `${label}: reason length`).toBeLessThan(2_000);
        }
        const expectations: Array<[string, string, number]> = [
          ...cases.map(([label, id]): [string, string, number] => [label, id, 422]),
          ['unknown session', UNKNOWN, 404],
        ];
        for (const [label, id, status] of expectations) {
          for (const [what, method, route, body] of ABOUT_A_SESSION) {
            const params: Record<string, string> = { id, format: 'zip' };
            const res = await target.call(method, route, params, body === undefined ? {} : { body, headers: JSON_TYPE });
            const where = `${what} ${label}`;
            if (res.status !== status) {
              problems.push(`${where}: ${res.status} ${(await res.text()).slice(0, 200)}`);
              continue;
            }
            const text = await expectClientError(res, where);
            expect(JSON.parse(text).error.code, where).toBe(status === 404 ? 'not_found' : 'damaged');
            expect(text.length, `${where}: error size`).toBeLessThan(2_000);
          }
        }
      } finally {
        errors.mockRestore();
      }
      const changed = await changedSince(s, before);
      if (changed.length) problems.push(`files changed: ${changed.join(', ')}`);
      console.log(
        `security (${s.kind}): ${cases.length} damaged folders + 1 unknown × ${ABOUT_A_SESSION.length} requests tried, ${changed.length} files changed`,
      );
      expect(problems).toEqual([]);
    });

    it('moves a damaged folder to the trash and restores it, as it was', async () => {
      const { root, sessions } = s.dirs();
      await mkdir(path.join(sessions, idOf(2), 'output'), { recursive: true });
      await writeFile(path.join(sessions, idOf(2), 'session_meta.json'), DAMAGED[2]![1](idOf(2)));
      await mkdir(path.join(sessions, NO_META, 'output'), { recursive: true });
      for (const id of [idOf(2), NO_META]) {
        const folder = await snapshot(root);
        const del = await s.target().call('DELETE', 'sessions/[id]', { id });
        expect(del.status, await del.clone().text()).toBe(200);
        const trashed = (await del.json()).trashed as string;
        const listed = await (await s.target().call('GET', 'trash', {})).json();
        expect(listed.entries.map((e: { name: string }) => e.name)).toContain(trashed);
        const restored = await s.target().call('POST', 'trash/[name]/restore', { name: trashed }, { body: '{}', headers: JSON_TYPE });
        expect(restored.status, await restored.clone().text()).toBe(200);
        const body = await restored.json();
        expect(body.restored).toMatchObject({ session_id: id, damaged: true });
        const after = await snapshot(root);
        const same = Object.keys(folder).filter((k) => k.startsWith(`sessions/${id}`));
        for (const k of same) expect(after[k], k).toBe(folder[k]);
      }
    });

    it('never answers 500 for a schema-valid session holding a 10,000-level nested workflow input', async () => {
      const { root, sessions } = s.dirs();
      const session = valid('20240104_000000');
      session.step_1_setup.workflow = {
        name: 'deep',
        source: 'custom',
        graph: { '1': { class_type: 'KSampler', inputs: { deep: 'X' } } },
        mapping: {
          lora: { node: '1', kind: 'LoraLoader' },
          positive: { node: '1', input: 'text' },
          negative: null,
          seed: { node: '1', input: 'seed' },
          save: { node: '1' },
        },
      };
      await mkdir(path.join(sessions, session.session_id, 'output'), { recursive: true });
      await writeFile(
        path.join(sessions, session.session_id, 'session_meta.json'),
        JSON.stringify(session).replace('"deep":"X"', `"deep":${nest(10_000, '[', ']')}`),
      );
      const before = await snapshot(root);
      const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
      const statuses: number[] = [];
      try {
        statuses.push((await s.target().call('GET', 'sessions', {})).status);
        statuses.push((await s.target().call('GET', 'sessions/[id]', { id: session.session_id })).status);
      } finally {
        errors.mockRestore();
      }
      expect(
        statuses.filter((x) => x >= 500),
        `statuses ${statuses.join(', ')}`,
      ).toEqual([]);
      expect(await changedSince(s, before)).toEqual([]);
    });

    it('does not let a meta whose session_id names another folder overwrite that session', async () => {
      const { root, sessions } = s.dirs();
      const victim = generatedSession('20240103_000000');
      await writeSession(sessions, victim, false);
      // Folder 20240103_000001 holds a copy whose session_id says 20240103_000000.
      const impostor = generatedSession('20240103_000000');
      await mkdir(path.join(sessions, '20240103_000001', 'output'), { recursive: true });
      await writeFile(path.join(sessions, '20240103_000001', 'session_meta.json'), JSON.stringify(impostor));
      const victimBefore = (await snapshot(root))['sessions/20240103_000000/session_meta.json'];
      const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
      try {
        const get = await s.target().call('GET', 'sessions/[id]', { id: '20240103_000001' });
        const body = await get.json();
        const shownId = body.session?.session_id;
        expect
          .soft(get.status === 422 || shownId === '20240103_000001', `GET answered ${get.status} with session_id ${shownId}`)
          .toBe(true);
        await s
          .target()
          .call(
            'PUT',
            'sessions/[id]',
            { id: '20240103_000001' },
            { body: JSON.stringify({ notes: 'written through the impostor' }), headers: JSON_TYPE },
          );
      } finally {
        errors.mockRestore();
      }
      expect((await snapshot(root))['sessions/20240103_000000/session_meta.json'], 'the other session was rewritten').toBe(victimBefore);
    });
  });
}
