import { describe, expect, it } from 'vitest';
import { metricDefinitions } from '@/lib/evaluation/metric-definitions';
import { evaluationView } from '@/lib/evaluation/blind';
import { generatedSession } from '../../helpers/generated-session';

describe('the rating screen context', () => {
  it('defines every metric, known or not, without words that would unblind', () => {
    const defs = metricDefinitions(['Quality', 'overall', 'Likeness to mystyle', 'Vibes']);
    expect(defs['Likeness to mystyle']).toBe('How much the picture looks like mystyle.');
    expect(defs.Vibes).toMatch(/Vibes/);
    for (const d of Object.values(defs)) expect(d).not.toMatch(/baseline|lora|strength/i);
  });

  it("shows the pair's prompt and keeps Setup's metric order on every pair", () => {
    const s = generatedSession('20240115_143022', { metrics: ['Quality', 'Style', 'Coherence', 'Detail'] });
    const view = evaluationView(s);
    expect(view.metrics).toEqual(['Quality', 'Style', 'Coherence', 'Detail']);
    const pair = s.step_2_generation.shuffled_results[0]!;
    expect(view.prompt).toBe(s.step_1_setup.prompt_pairs[pair.prompt_index]!.positive);
    expect(Object.keys(view.definitions)).toEqual(view.metrics);
  });
});
