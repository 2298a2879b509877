import { loraFiles, strengthsInWords } from '@/lib/generation/variants';
import type { ReactNode } from 'react';
import { usesCheckpoint, type Setup } from '@/lib/sessions/schema';
import { reportCountWords } from '../count-words';
import type { ClientReport } from '../schema';
import { formatNumber } from './format';

const codeOrNone = (v: string): ReactNode => (v.trim() ? <code>{v}</code> : <span className="muted">none</span>);

/** The session's Setup as a definition list (HTML export), with how much was judged by how many raters. */
export function SetupSummary({ setup, report, raters }: { setup: Setup; report: ClientReport; raters: number }) {
  const sm = setup.sampler;
  const workflow = setup.workflow;
  const rows: ([string, ReactNode] | null)[] = [
    [setup.lora_files.length ? 'LoRA files' : 'LoRA', codeOrNone(loraFiles(setup).join(', '))],
    ['Checkpoint', usesCheckpoint(setup) ? codeOrNone(setup.checkpoint) : <span className="muted">set by the workflow</span>],
    workflow && [
      'Workflow',
      <>
        {workflow.name} <span className="muted">({workflow.source})</span>
      </>,
    ],
    ['Trigger words', codeOrNone(setup.trigger_words)],
    [
      'Strengths',
      Object.keys(setup.lora_strengths).length ? strengthsInWords(setup) : setup.weight_range.map(formatNumber).join(', ') || '–',
    ],
    ['CLIP strength', setup.strength_clip === null ? 'same as model strength' : formatNumber(setup.strength_clip)],
    [`Seeds (${setup.seeds.length})`, setup.seeds.join(', ') || '–'],
    ['Metrics', setup.metrics.join(', ') || '–'],
    ['Sampler', `${sm.sampler_name} / ${sm.scheduler}, ${sm.steps} steps, CFG ${formatNumber(sm.cfg)}, ${sm.width}×${sm.height}`],
    ['Judged', `${reportCountWords(report, raters)}${raters > 1 ? `, from ${raters} raters` : ''}`],
    [
      `Prompts (${setup.prompt_pairs.length})`,
      <ol className="prompts" key="prompts">
        {setup.prompt_pairs.map((p, i) => (
          <li key={i}>
            {p.positive}
            {p.append_trigger && <span className="muted small"> (+ trigger words)</span>}
            {p.negative.trim() && (
              <>
                <br />
                <span className="muted small">negative: {p.negative}</span>
              </>
            )}
          </li>
        ))}
      </ol>,
    ],
  ];
  return (
    <dl className="setup">
      {rows
        .flatMap((row) => (row ? [row] : []))
        .map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
    </dl>
  );
}
