import { describe, expect, it } from 'vitest';
import { describeLog } from '@/lib/log/describe';
import { LogLineSchema } from '@/lib/log/schema';
import type { LogEntry } from '@/lib/sessions/event-log';
import { SessionEventSchema, type SessionEvent } from '@/lib/sessions/events';
import { generatedSession } from '../../helpers/generated-session';
import { ENTRIES, GPU1, GPU2, RESULTS, SETUP } from './sample-log';

const rater = generatedSession().step_2_generation.shuffled_results;

/** One event of every kind (typed so that a kind missing here fails the type check too). */
const ONE_OF_EACH: { [K in SessionEvent['kind']]: Extract<SessionEvent, { kind: K }> } = {
  setup_saved: { kind: 'setup_saved', setup: SETUP },
  notes_saved: { kind: 'notes_saved', notes: 'overnight run' },
  generation_started: { kind: 'generation_started', results: RESULTS },
  image_updated: { kind: 'image_updated', image_id: 'baseline_0_0', patch: { status: 'failed', error: 'boom' } },
  server_lost: { kind: 'server_lost', server: GPU2, reason: 'timed out' },
  server_back: { kind: 'server_back', server: GPU2 },
  generation_finished: { kind: 'generation_finished', fatal: 'no ComfyUI server is reachable', mode: 'run', pairs: [] },
  marked_interrupted: { kind: 'marked_interrupted' },
  rater_added: {
    kind: 'rater_added',
    rater: {
      name: 'bob',
      order: rater,
      current_eval_index: 0,
      evaluation_complete: false,
      origin: 'secret',
      secret: 'a'.repeat(64),
      invited: true,
      link: 'b'.repeat(32),
      looked_at: null,
      removed_at: null,
      judgments_dropped: false,
      paused_at: null,
      undo_floor: 0,
    },
  },
  link_created: { kind: 'link_created', rater: 'bob', token: 'c'.repeat(32) },
  link_revoked: { kind: 'link_revoked', rater: 'bob' },
  rater_paused: { kind: 'rater_paused', rater: 'bob', paused: true },
  rater_removed: { kind: 'rater_removed', rater: 'bob' },
  looked: { kind: 'looked' },
  judge: { kind: 'judge', input: { index: 3, choices: { Quality: 'left' }, rater: 'bob' }, at: '2024-01-15T14:00:00.000Z' },
  undo: { kind: 'undo', rater: 'bob', index: 3 },
  imported: { kind: 'imported', from: '20240101_120000' },
};

const entry = (event: SessionEvent, rev = 1): LogEntry => ({ rev, at: '2024-01-15T14:00:00.000Z', event });

describe('describeLog', () => {
  it('puts every event kind of the schema in words, naming no secret', () => {
    const kinds = SessionEventSchema.options.map((o) => o.shape.kind.value);
    expect(kinds.length).toBeGreaterThan(10);
    for (const kind of kinds) {
      const sample = (ONE_OF_EACH as Record<string, SessionEvent | undefined>)[kind];
      expect(sample, `a sample event of kind ${kind}`).toBeDefined();
      const [line] = describeLog([entry(SessionEventSchema.parse(sample))]);
      expect(LogLineSchema.parse(line).event).toBe(kind);
      // Words, not the raw event: no bare kind, no JSON, nothing missing.
      expect(line!.text.split(' ').length, kind).toBeGreaterThan(2);
      expect(line!.text, kind).not.toMatch(/undefined|\bnull\b|\[object|[{}]/);
      expect(line!.text, kind).not.toBe(kind);
      // Blind pairs, link tokens and order secrets stay out of the words.
      expect(line!.text, kind).not.toMatch(/aaaa|bbbb|cccc/);
      for (const p of rater) expect(line!.text).not.toContain(p.token);
    }
  });

  it('tells the story of a run: the lost server and where its image went, a failure and its retry, the judgments', () => {
    const lines = describeLog(ENTRIES);
    const texts = lines.map((l) => l.text);
    expect(texts[0]).toBe('Setup saved: LoRA pixel.safetensors; strengths 1; 1 seed(s); 1 prompt(s); metrics Quality, Style');
    expect(texts[1]).toBe('Setup changed: strengths 1 → 0.5, 1');
    expect(texts[3]).toBe('generation started: 3 images on 2 servers');
    expect(texts[4]).toBe('image baseline_0_0 (prompt 1, seed 7, baseline) sent to ComfyUI');
    expect(lines[4]).toMatchObject({ prompt_id: '00000000-0000-4000-8000-000000000001', server: GPU1, image_id: 'baseline_0_0' });
    expect(texts[7]).toBe("image baseline_0_0 (prompt 1, seed 7, baseline) done in 2.0 s (0.0 s in ComfyUI's queue, 2.0 s rendering)");
    expect(lines[8]).toMatchObject({
      error: true,
      server: GPU2,
      text: `server ${GPU2} stopped answering: cannot be reached (ECONNREFUSED); its 1 image moved to ${GPU1}`,
    });
    expect(texts[9]).toBe(`image lora_0_0_0 (prompt 1, seed 7, strength 0.5) back in the queue: its server ${GPU2} stopped answering`);
    expect(lines[9]!.server).toBe(GPU2);
    expect(lines[10]).toMatchObject({
      error: true,
      text: 'image lora_0_0_1 (prompt 1, seed 7, strength 1) failed: CUDA out of memory (node 3 KSampler); retried: done',
    });
    expect(texts[11]).toBe('image lora_0_0_0 (prompt 1, seed 7, strength 0.5) sent again to ComfyUI');
    expect(lines[13]).toMatchObject({ error: true, text: 'generation ended with 1 failed image (2 of 3 images done, 1 failed)' });
    expect(texts[14]).toBe('generation resumed: 1 of 3 images left, 1 failed image to retry on 2 servers');
    expect(texts[17]).toBe('generation completed: 3 images, 0 blind pairs');
    expect(texts[18]).toBe('rater bob judged pair 1: Quality left, Style tie');
    expect(texts[19]).toBe('rater bob judged pair 2: Quality right, Style both bad');
    expect(texts[20]).toBe('rater bob undid the judgment of pair 2');
    expect(lines.map((l) => l.group)).toEqual([
      'setup',
      'setup',
      'lifecycle',
      ...Array(15).fill('generation'),
      'evaluation',
      'evaluation',
      'evaluation',
    ]);
  });

  it('says how many judgments a removed rater keeps or drops, a pause and a resume, and that a failure was not retried', () => {
    const judge = (index: number): SessionEvent => ({ kind: 'judge', input: { index, choices: { Quality: 'tie' }, rater: 'amy' }, at: '' });
    const lines = describeLog([
      entry(judge(0), 1),
      entry(judge(1), 2),
      entry({ kind: 'undo', rater: 'amy' }, 3),
      entry(judge(1), 4),
      entry(judge(2), 5),
      entry({ kind: 'rater_removed', rater: 'amy' }, 6),
      entry({ kind: 'image_updated', image_id: 'baseline_0_0', patch: { status: 'failed', error: 'boom' } }, 7),
      entry({ kind: 'judge', input: { index: 0, choices: { Quality: 'left' }, rater: 'bo' }, at: '' }, 8),
      entry({ kind: 'rater_paused', rater: 'bo', paused: true }, 9),
      entry({ kind: 'rater_paused', rater: 'bo', paused: false }, 10),
      entry({ kind: 'rater_removed', rater: 'bo', drop: true }, 11),
    ]);
    expect(lines[2]!.text).toBe('rater amy undid the last judgment');
    expect(lines[5]!.text).toBe('rater amy removed, 3 judgments kept');
    expect(lines[6]!.text).toBe('image baseline_0_0 failed: boom; not retried');
    expect(lines.slice(8).map((l) => l.text)).toEqual(['rater bo paused', 'rater bo resumed', 'rater bo removed, 1 judgment dropped']);
  });
});
