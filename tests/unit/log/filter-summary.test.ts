import { describe, expect, it } from 'vitest';
import { describeLog } from '@/lib/log/describe';
import { logJsonl, logText } from '@/lib/log/export';
import { filterLog, NO_LOG_FILTER } from '@/lib/log/filter';
import { LogLineSchema } from '@/lib/log/schema';
import { summarizeLog, summaryText } from '@/lib/log/summary';
import { logTiming } from '@/lib/log/timing';
import { at, ENTRIES, GPU1, GPU2 } from './sample-log';

const lines = describeLog(ENTRIES);
const local = (iso: string) => {
  // `<input type="datetime-local">` values are local time, to the minute.
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};

describe('filterLog', () => {
  it('shows everything by default, in time order', () => {
    expect(filterLog(lines, NO_LOG_FILTER)).toEqual(lines);
  });

  it('filters by kind: a failure shows with its group or with errors', () => {
    const errors = filterLog(lines, { ...NO_LOG_FILTER, kinds: ['errors'] });
    expect(errors.map((l) => l.event)).toEqual(['server_lost', 'image_updated', 'generation_finished']);
    expect(errors.every((l) => l.error)).toBe(true);
    expect(filterLog(lines, { ...NO_LOG_FILTER, kinds: ['evaluation'] }).map((l) => l.event)).toEqual(['judge', 'judge', 'undo']);
    expect(filterLog(lines, { ...NO_LOG_FILTER, kinds: ['setup', 'lifecycle'] }).map((l) => l.event)).toEqual([
      'setup_saved',
      'setup_saved',
      'notes_saved',
    ]);
    expect(filterLog(lines, { ...NO_LOG_FILTER, kinds: [] })).toEqual([]);
  });

  it('searches the words, the prompt_id and the server, case-insensitively', () => {
    expect(filterLog(lines, { ...NO_LOG_FILTER, text: 'cuda OUT' }).map((l) => l.rev)).toEqual([11]);
    expect(filterLog(lines, { ...NO_LOG_FILTER, text: '000000000004' }).map((l) => l.rev)).toEqual([12, 13]);
    expect(filterLog(lines, { ...NO_LOG_FILTER, text: 'gpu2' }).map((l) => l.rev)).toEqual([6, 9, 10]);
    expect(filterLog(lines, { ...NO_LOG_FILTER, text: 'no such words' })).toEqual([]);
  });

  it('keeps a time range, inclusive to the minute, and puts errors first with one switch', () => {
    const all = filterLog(lines, { ...NO_LOG_FILTER, from: local(lines[0]!.at), to: local(lines.at(-1)!.at) });
    expect(all).toHaveLength(lines.length);
    expect(filterLog(lines, { ...NO_LOG_FILTER, from: local('2030-01-01T00:00:00Z') })).toEqual([]);
    expect(filterLog(lines, { ...NO_LOG_FILTER, to: local('2000-01-01T00:00:00Z') })).toEqual([]);
    const first = filterLog(lines, { ...NO_LOG_FILTER, errorsFirst: true });
    expect(first).toHaveLength(lines.length);
    expect(first.slice(0, 3).map((l) => l.rev)).toEqual([9, 11, 14]);
    expect(first.slice(3).every((l) => !l.error)).toBe(true);
  });
});

describe('summarizeLog and logTiming', () => {
  it('counts duration, images, retries, servers, raters and judgments', () => {
    const s = summarizeLog(ENTRIES);
    expect(s).toMatchObject({
      duration_s: 42,
      generation_s: 7 + 10,
      images_total: 3,
      images_done: 3,
      images_failed: 0,
      retries: 2,
      servers: [GPU1, GPU2],
      raters: ['bob'],
      judgments: 1,
      undos: 1,
    });
    expect(summaryText(s)).toBe(
      `42 s (generation 17 s) · 3 images: 3 done, 0 failed · 2 retries · 2 servers: ${GPU1}, ${GPU2} · 1 rater: bob · 1 judgment (1 undone)`,
    );
    expect(summarizeLog(ENTRIES, { statuses: ['done', 'failed'], judgments: 9 })).toMatchObject({
      images_total: 2,
      images_failed: 1,
      judgments: 9,
    });
    expect(summaryText(summarizeLog([]))).toMatch(/^no events yet/);
  });

  it('times images per server, the slowest first, and ComfyUI queue against rendering', () => {
    const t = logTiming(ENTRIES);
    expect(t.servers).toEqual([
      // baseline 3→5, lora_0_0_0 7→10, lora_0_0_1 20→30: first send at 3 s, last image at 30 s.
      { server: GPU1, images: 3, seconds_per_image: 9, mean_queue_s: (0 + 1 + 1) / 3, mean_render_s: (2 + 2 + 9) / 3 },
      // Lost before it finished an image.
      { server: GPU2, images: 0, seconds_per_image: null, mean_queue_s: null, mean_render_s: null },
    ]);
    expect(t.slowest.map((i) => [i.image_id, i.total_s])).toEqual([
      ['lora_0_0_1', 10],
      ['lora_0_0_0', 3],
      ['baseline_0_0', 2],
    ]);
    expect(t).toMatchObject({ queue_s: 2, render_s: 13, measured: 3 });
  });

  it('counts no negative queue time when ComfyUI began before POST /prompt answered', () => {
    const sent = { status: 'running' as const, started_at: at(1), comfy_prompt_id: 'p1', server: GPU1 };
    const entries = [
      { rev: 1, at: at(1), event: { kind: 'image_updated' as const, image_id: 'baseline_0_0', patch: sent } },
      {
        rev: 2,
        at: at(3),
        event: {
          kind: 'image_updated' as const,
          image_id: 'baseline_0_0',
          patch: { status: 'done' as const, rendering_at: at(0), completed_at: at(3) },
        },
      },
    ];
    expect(logTiming(entries).slowest).toEqual([{ image_id: 'baseline_0_0', server: GPU1, total_s: 2, queue_s: 0, render_s: 2 }]);
    expect(describeLog(entries)[1]!.text).toBe("image baseline_0_0 done in 2.0 s (0.0 s in ComfyUI's queue, 2.0 s rendering)");
  });
});

describe('log exports', () => {
  const log = { session_id: '20240115_140000', lines, summary: summarizeLog(ENTRIES), timing: logTiming(ENTRIES) };

  it('writes JSON Lines that parse back into the same lines', () => {
    const text = logJsonl(log);
    expect(text.endsWith('\n')).toBe(true);
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((l) => LogLineSchema.parse(JSON.parse(l))),
    ).toEqual(lines);
  });

  it('writes text with the summary, the timing and one line per event', () => {
    const text = logText(log);
    expect(text).toContain(summaryText(log.summary));
    expect(text).toContain(`${GPU1}: 3 images, 9.0 s per image`);
    expect(text).toContain('slowest: lora_0_0_1 10 s');
    const failure = text.split('\n').find((l) => l.includes('CUDA out of memory'));
    expect(failure).toMatch(/^2024-01-15T14:00:07.000Z {2}!generation {2}image lora_0_0_1 .* prompt_id=\S+ server=http:\/\/gpu1:8188$/);
    expect(text.split('\n').filter((l) => l.startsWith('2024-'))).toHaveLength(lines.length);
  });
});
