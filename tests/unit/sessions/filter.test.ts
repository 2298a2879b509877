import { describe, expect, it } from 'vitest';
import { filterSessions, NO_FILTER } from '@/lib/client/filter';
import type { SessionSummary } from '@/lib/sessions/schema';

const row = (id: string, lora: string, status: 'pending' | 'completed', notes = '', when = new Date(2024, 0, 15, 12)): SessionSummary => ({
  damaged: false,
  session_id: id,
  timestamp: when.getTime() / 1000,
  lora_filename: lora,
  lora_files: [],
  status,
  step: 1,
  revision: 0,
  notes,
  images_done: 0,
  images_total: 0,
  judgments: 0,
  verdicts_counted: 0,
  pairs_total: 0,
  thumbnail: null,
  legacy: false,
});

const list: SessionSummary[] = [
  row('20240301_100000', 'watercolor_v2.safetensors', 'completed', 'retrained with 20 epochs', new Date(2024, 2, 1, 10)),
  row('20240201_100000', 'watercolor_v1.safetensors', 'pending', '', new Date(2024, 1, 1, 10)),
  row('20240115_100000', 'pixel_art.safetensors', 'completed', 'baseline check', new Date(2024, 0, 15, 10)),
  { damaged: true, file: 'session_meta.json', where: null, session_id: '20240101_000000', reason: 'not valid JSON' },
];
const ids = (l: SessionSummary[]) => l.map((s) => s.session_id);

describe('filterSessions', () => {
  it('keeps everything, damaged folders included, with no filter', () => {
    expect(ids(filterSessions(list, NO_FILTER))).toEqual(ids(list));
  });

  it('matches the LoRA name, id and notes case-insensitively', () => {
    expect(ids(filterSessions(list, { ...NO_FILTER, text: 'WaterColor' }))).toEqual(['20240301_100000', '20240201_100000']);
    expect(ids(filterSessions(list, { ...NO_FILTER, text: 'epochs' }))).toEqual(['20240301_100000']);
    expect(ids(filterSessions(list, { ...NO_FILTER, text: '20240115' }))).toEqual(['20240115_100000']);
  });

  it('filters by status and by an inclusive local date range', () => {
    expect(ids(filterSessions(list, { ...NO_FILTER, status: 'completed' }))).toEqual(['20240301_100000', '20240115_100000']);
    expect(ids(filterSessions(list, { ...NO_FILTER, from: '2024-02-01', to: '2024-03-01' }))).toEqual([
      '20240301_100000',
      '20240201_100000',
    ]);
    expect(ids(filterSessions(list, { ...NO_FILTER, to: '2024-01-15' }))).toEqual(['20240115_100000']);
  });
});
