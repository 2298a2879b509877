'use client';

import { useEffect } from 'react';
import type { StreamEvent } from '@/lib/generation/jobs';
import type { Result } from '@/lib/sessions/schema';
import { imageCount } from '@/lib/setup/presets';
import { useWorkbench } from './workbench-provider';

/** Mean seconds per finished image of this run, times the images left; null until two images have finished. */
function etaSeconds(results: Result[]): number | null {
  const times = results
    .filter((r) => r.status === 'done' && r.started_at && r.completed_at)
    .map((r) => (Date.parse(r.completed_at!) - Date.parse(r.started_at!)) / 1000);
  if (times.length < 2) return null;
  const left = results.filter((r) => r.status !== 'done').length;
  return (times.reduce((a, b) => a + b, 0) / times.length) * left;
}

function formatDuration(s: number): string {
  if (s < 60) return `${Math.ceil(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function Cell({ sessionId, result, label }: { sessionId: string; result: Result | undefined; label: string }) {
  const step = useWorkbench((s) => s.step);
  const preview = useWorkbench((s) => (result && s.preview?.image_id === result.image_id ? s.preview.data_url : null));
  if (!result) return <td />;
  if (result.status === 'done') {
    const v = encodeURIComponent(result.completed_at ?? '');
    return (
      <td>
        <a href={`/api/sessions/${sessionId}/images/${result.filename}?v=${v}`} target="_blank" rel="noreferrer">
          <img className="thumb" src={`/api/sessions/${sessionId}/thumbs/${result.filename}?size=256&v=${v}`} alt={label} loading="lazy" />
        </a>
      </td>
    );
  }
  const running = result.status === 'running';
  // With two prompts queued per server, a submitted image may still wait behind the one rendering.
  const rendering = running && step?.image_id === result.image_id;
  return (
    <td>
      <div className={`thumb placeholder ${result.status}`} title={result.error ?? undefined} data-testid={`cell-${result.status}`}>
        {running && preview && <img className="preview" src={preview} alt={`Live preview: ${label}`} />}
        <span>
          {result.status === 'failed'
            ? `failed: ${result.error ?? ''}`
            : rendering
              ? `rendering ${step.value}/${step.max}`
              : running
                ? 'in ComfyUI queue'
                : 'queued'}
        </span>
      </div>
    </td>
  );
}

function ServerLine() {
  const eta = useWorkbench((s) => s.eta);
  if (!eta || eta.servers.length < 2) return null;
  return (
    <div className="muted" data-testid="server-stats">
      {eta.servers
        .map((s) => `${s.url}: ${s.healthy ? `${s.done} images${s.seconds_per_image ? `, ${s.seconds_per_image.toFixed(1)} s/image` : ''}` : 'out (failed)'}`)
        .join(' · ')}
    </div>
  );
}

/** Step 2: the plan, Start/Resume, live progress over Server-Sent Events, and the grid filling in. */
export function GenerationTab() {
  const session = useWorkbench((s) => s.session)!;
  const step = useWorkbench((s) => s.step);
  const startGeneration = useWorkbench((s) => s.startGeneration);
  const pauseGeneration = useWorkbench((s) => s.pauseGeneration);
  const cancelGeneration = useWorkbench((s) => s.cancelGeneration);
  const measuredEta = useWorkbench((s) => s.eta?.seconds ?? null);
  const onEvent = useWorkbench((s) => s.onGenerationEvent);
  const setTab = useWorkbench((s) => s.setTab);
  const onStreamOpen = useWorkbench((s) => s.onStreamOpen);
  const id = session.session_id;

  useEffect(() => {
    const source = new EventSource(`/api/sessions/${id}/events`);
    source.onmessage = (msg) => {
      const ev = JSON.parse(msg.data as string) as StreamEvent;
      if (ev.type === 'hello') onStreamOpen(ev.revision);
      else onEvent(ev);
    };
    return () => source.close();
  }, [id, onEvent, onStreamOpen]);

  const { results, generation_complete, generation_started } = session.step_2_generation;
  const setup = session.step_1_setup;
  const done = results.filter((r) => r.status === 'done').length;
  const failed = results.filter((r) => r.status === 'failed').length;
  const total = results.length;
  const running = session.status === 'running';
  const fraction = total ? (done + (step && step.max ? step.value / step.max : 0)) / total : 0;
  const eta = running ? (measuredEta ?? etaSeconds(results)) : null;
  const byId = new Map(results.map((r) => [r.image_id, r]));

  return (
    <div className="generation">
      <div className="plan">
        <div>
          <strong>Plan:</strong> {setup.prompt_pairs.length} prompts × {setup.seeds.length} seeds × (baseline +{' '}
          {setup.weight_range.length} strengths) = {total || imageCount(setup)} images
          · {setup.checkpoint} + {setup.lora_filename}
        </div>
        {!generation_complete && !running && (
          <button className="primary" onClick={() => void startGeneration()}>
            {generation_started ? (failed ? 'Retry failed images' : 'Resume generation') : 'Start generation'}
          </button>
        )}
        {running && (
          <div className="row tight">
            <button onClick={() => void pauseGeneration()} title="Submit no new image; finish the ones queued in ComfyUI">
              Pause
            </button>
            <button onClick={() => void cancelGeneration()} title="Stop now and remove this session's prompts from ComfyUI's queue">
              Cancel
            </button>
          </div>
        )}
        {generation_complete && (
          <button className="primary" onClick={() => setTab(3)}>
            Go to evaluation
          </button>
        )}
      </div>

      {generation_started && (
        <div className="progress-block">
          <div
            className="progress"
            role="progressbar"
            aria-label="Generation progress"
            aria-valuemin={0}
            aria-valuemax={total}
            aria-valuenow={done}
          >
            <div className="bar" style={{ width: `${Math.round(fraction * 100)}%` }} />
          </div>
          <div className="progress-text" data-testid="generation-progress">
            {done} / {total} images ({Math.round((done / Math.max(total, 1)) * 100)}%)
            {running && step ? ` · current image step ${step.value}/${step.max}` : ''}
            {eta !== null ? ` · about ${formatDuration(eta)} left` : ''}
            {failed ? ` · ${failed} failed` : ''}
            {generation_complete ? ' · complete' : running ? ' · running' : ` · ${session.status}`}
          </div>
          <ServerLine />
          {session.error_message && <div className="field-error">{session.error_message}</div>}
        </div>
      )}

      {setup.prompt_pairs.map((prompt, p) => (
        <div className="grid-block" key={p}>
          <h3>
            Prompt {p + 1}: <span className="prompt-text">{prompt.positive}</span>{' '}
            {results.some((r) => r.prompt_index === p && r.status === 'done') && (
              <a className="grid-link" href={`/api/sessions/${id}/grid/${p}`} download>
                Download grid PNG
              </a>
            )}
          </h3>
          <table className="grid" aria-label={`Grid for prompt ${p + 1}`}>
            <thead>
              <tr>
                <th>Seed</th>
                <th>Baseline</th>
                {setup.weight_range.map((w) => (
                  <th key={w}>LoRA {w}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {setup.seeds.map((seed, s) => (
                <tr key={seed}>
                  <th scope="row">{seed}</th>
                  <Cell sessionId={id} result={byId.get(`baseline_${p}_${s}`)} label={`baseline, prompt ${p + 1}, seed ${seed}`} />
                  {setup.weight_range.map((w, k) => (
                    <Cell
                      key={w}
                      sessionId={id}
                      result={byId.get(`lora_${p}_${s}_${k}`)}
                      label={`LoRA ${w}, prompt ${p + 1}, seed ${seed}`}
                    />
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </div>
  );
}
