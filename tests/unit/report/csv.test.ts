import { describe, expect, it } from 'vitest';
import { epochSession } from '../../helpers/epoch-session';
import { SessionSchema } from '@/lib/sessions/schema';
import { csvField, JUDGMENTS_CSV_COLUMNS, judgmentsCsv } from '@/lib/report/csv';

const METRIC = 'Look, "feel"';

const session = SessionSchema.parse({
  schema_version: 2,
  session_id: '20240115_143022',
  timestamp: 1705308622.5,
  revision: 1,
  status: 'completed',
  step_1_setup: {
    weight_range: [0, 0.5],
    seeds: [898938, 42],
    metrics: ['Quality', METRIC],
    prompt_pairs: [{ positive: 'a cat' }, { positive: 'a dog' }],
  },
  step_2_generation: {
    shuffled_results: [
      {
        pair_id: 'p1_s1_k1',
        token: 'a'.repeat(32),
        left: 'lora',
        baseline_image_id: 'baseline_1_1',
        lora_image_id: 'lora_1_1_1',
        prompt_index: 1,
        seed_index: 1,
        strength_index: 1,
        strength: 0.5,
      },
    ],
  },
  step_3_evaluation: {
    raters: [
      {
        name: 'bob',
        secret: 'b'.repeat(64),
        order: [
          {
            pair_id: 'p1_s1_k1#r',
            token: 'c'.repeat(32),
            left: 'baseline',
            baseline_image_id: 'baseline_1_1',
            lora_image_id: 'lora_1_1_1',
            prompt_index: 1,
            seed_index: 1,
            strength_index: 1,
            strength: 0.5,
            repeat: true,
          },
        ],
      },
    ],
    scores: [
      { pair_id: 'p1_s1_k1', metric: 'Quality', winner: 'tie', left: 'lora', at: '2024-01-15T14:31:00Z' },
      {
        pair_id: 'p1_s1_k1',
        metric: METRIC,
        winner: 'lora',
        left: 'lora',
        rater: 'ann\nb',
        at: '2024-01-15T14:31:05Z',
        rating: 4,
        same_image: true,
      },
      // bob's repeated control: in bob's own order only.
      { pair_id: 'p1_s1_k1#r', metric: 'Quality', winner: 'baseline', left: 'baseline', rater: 'bob', at: '2024-01-15T14:33:00Z' },
      { pair_id: 'p9_s9_k9', metric: 'Quality', winner: 'skip', left: 'baseline', rater: 'r\rx', at: '2024-01-15T14:32:00Z' },
    ],
  },
  step_4_report: {},
});

describe('judgmentsCsv', () => {
  it('writes a header and one RFC 4180 row per score with CRLF line ends', () => {
    expect(judgmentsCsv(session)).toBe(
      'pair_id,metric,winner,left,rater,at,prompt_index,seed,strength,versus_strength,rating,same_image\r\n' +
        'p1_s1_k1,Quality,tie,lora,default,2024-01-15T14:31:00Z,1,42,0.5,,,false\r\n' +
        'p1_s1_k1,"Look, ""feel""",lora,lora,"ann\nb",2024-01-15T14:31:05Z,1,42,0.5,,4,true\r\n' +
        'p1_s1_k1#r,Quality,baseline,baseline,bob,2024-01-15T14:33:00Z,1,42,0.5,,,false\r\n' +
        'p9_s9_k9,Quality,skip,baseline,"r\rx",2024-01-15T14:32:00Z,,,,,,false\r\n',
    );
  });

  it('writes only the header when there are no scores', () => {
    const empty = SessionSchema.parse({ ...session, step_3_evaluation: { scores: [] } });
    expect(judgmentsCsv(empty)).toBe(
      'pair_id,metric,winner,left,rater,at,prompt_index,seed,strength,versus_strength,rating,same_image\r\n',
    );
  });
});

describe('csvField', () => {
  it('quotes only when needed and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('"')).toBe('""""');
    expect(csvField('x\r\ny')).toBe('"x\r\ny"');
    expect(csvField(0)).toBe('0');
    expect(csvField(-0.25)).toBe('-0.25');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField('')).toBe('');
  });
});

describe('judgmentsCsv of several LoRA files', () => {
  const epochs = epochSession();
  const rows = judgmentsCsv(epochs).trimEnd().split('\r\n');
  const cols = rows[0]!.split(',');
  const byPair = new Map(rows.slice(1).map((r) => [r.split(',')[0]!, Object.fromEntries(r.split(',').map((v, i) => [cols[i], v]))]));

  it('adds the file of each side after the one-file columns', () => {
    expect(cols).toEqual([...JUDGMENTS_CSV_COLUMNS, 'lora_file', 'versus_lora_file']);
  });

  it('names the files of a pair between two epochs, and only the LoRA side of a pair against the baseline', () => {
    const between = epochs.step_2_generation.shuffled_results.find((p) => (p.lora_index ?? 0) === 2 && p.versus_lora_index === 1)!;
    expect(byPair.get(between.pair_id)).toMatchObject({ lora_file: 'run-000012.safetensors', versus_lora_file: 'run-000008.safetensors' });
    const direct = epochs.step_2_generation.shuffled_results.find((p) => p.versus_strength_index === null && p.lora_index === 1)!;
    expect(byPair.get(direct.pair_id)).toMatchObject({ lora_file: 'run-000008.safetensors', versus_lora_file: '' });
  });
});
