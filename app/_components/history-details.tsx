'use client';

import { loraFiles, strengthsInWords } from '@/lib/generation/variants';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { messageOf } from '@/lib/api/errors';
import { sessionQuery } from '@/lib/client/queries';
import { sessionLogPath } from '@/lib/client/routes';
import type { ClientSession } from '@/lib/sessions/view';
import { raterProgressWords } from './rater-progress';

// The Details of one session in All sessions (history-view.tsx).

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '–');

function seconds(from: string | null, to: string | null): string {
  if (!from || !to) return '–';
  const s = (Date.parse(to) - Date.parse(from)) / 1000;
  return s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`;
}

/**
 * The judgments of a session in the words the Evaluation tab and the report use (lib/report/count-words.ts): the
 * verdicts counted (`verdicts`, from the list's row, so Details and its column agree) and where each rater stands,
 * "3 of 70 (64 pairs + 6 repeats)" counted as that rater's screen counts them, "done" once finished.
 */
function judgmentWords(s: ClientSession, verdicts: string): string {
  const who = s.step_3_evaluation.raters.map((r) => `${r.name}: ${raterProgressWords(r)}`);
  return who.length ? `${verdicts} · ${who.join(' · ')}` : `${verdicts} · no rater has started`;
}

/** Everything about one session: Setup, counts (`verdicts`: the verdicts counted, in words), timings, notes. */
export function Details({ id, verdicts }: { id: string; verdicts: string }) {
  const { data: s, error } = useQuery(sessionQuery(id));
  if (!s) return <div className="details">{error ? messageOf(error) : 'Loading…'}</div>;
  const setup = s.step_1_setup;
  const results = s.step_2_generation.results;
  const rows: Array<[string, string]> = [
    ['ComfyUI', setup.comfyui_url || '–'],
    ['Checkpoint', setup.checkpoint || '–'],
    [setup.lora_files.length ? 'LoRA files' : 'LoRA', loraFiles(setup).join(', ') || '–'],
    ['Trigger words', setup.trigger_words || '–'],
    ['Strengths', strengthsInWords(setup) || '–'],
    ['CLIP strength', setup.strength_clip === null ? 'same as model' : String(setup.strength_clip)],
    ['Seeds', setup.seeds.join(', ') || '–'],
    ['Metrics', setup.metrics.join(', ')],
    ['Prompts', setup.prompt_pairs.map((p, i) => `${i + 1}. ${p.positive}${p.negative ? ` (neg: ${p.negative})` : ''}`).join(' | ') || '–'],
    [
      'Sampler',
      `${setup.sampler.sampler_name}/${setup.sampler.scheduler}, ${setup.sampler.steps} steps, cfg ${setup.sampler.cfg}, ${setup.sampler.width}×${setup.sampler.height}`,
    ],
    [
      'Images',
      `${results.filter((r) => r.status === 'done').length} done, ${results.filter((r) => r.status === 'failed').length} failed, of ${results.length}`,
    ],
    ['Judgments', judgmentWords(s, verdicts)],
    ['Created', new Date(s.timestamp * 1000).toLocaleString()],
    ['Generation', `${when(s.started_at)} → ${when(s.completed_at)} (${seconds(s.started_at, s.completed_at)})`],
    ['Status', `${s.status}${s.error_message ? `: ${s.error_message}` : ''}`],
    ['Notes', s.notes || '–'],
  ];
  return (
    <div className="details" data-testid="session-details">
      <dl>
        {rows.map(([k, v]) => (
          <div key={k} style={{ display: 'contents' }}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <Link href={sessionLogPath(s.session_id)}>Open the log (every event, errors, timing)</Link>
    </div>
  );
}
