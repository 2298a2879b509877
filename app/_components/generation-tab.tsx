'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { cancelGenerationMutation, pauseGenerationMutation, startGenerationMutation } from '@/lib/client/generation-mutations';
import { gridCells } from '@/lib/client/grid';
import { gridColumns, loraFiles } from '@/lib/generation/variants';
import { sessionPath } from '@/lib/client/routes';
import type { Result } from '@/lib/sessions/schema';
import type { ClientSession } from '@/lib/sessions/view';
import { imageCount } from '@/lib/setup/presets';
import { PromptBlock } from './generation-grid';
import { Lightbox, type LightboxImage } from './lightbox';
import { LookGate } from './look-gate';
import { useOpenSession } from './session-context';
import { useWorkbench } from './workbench-provider';

/**
 * Grids of at most this many seeds (rows) render every row, so a full-page screenshot shows them all (every preset
 * does: Thorough has 8); taller ones render only the rows near the screen (print still gets all: useVisibleRows).
 */
const FULL_GRID_MAX_SEEDS = 12;

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

function ServerLine({ sessionId }: { sessionId: string }) {
  const eta = useWorkbench((s) => (s.liveSession === sessionId ? s.live.eta : null));
  if (!eta || eta.servers.length < 2) return null;
  return (
    <div className="muted" data-testid="server-stats">
      {eta.servers
        .map(
          (s) =>
            `${s.url}: ${s.healthy ? `${s.done} images${s.seconds_per_image ? `, ${s.seconds_per_image.toFixed(1)} s/image` : ''}` : 'out (failed)'}`,
        )
        .join(' · ')}
    </div>
  );
}

/** The progress bar and line: images done, the current image's sampler steps, the time left, failures, status. */
function Progress({ session }: { session: ClientSession }) {
  const id = session.session_id;
  const step = useWorkbench((s) => (s.liveSession === id ? s.live.step : null));
  const measuredEta = useWorkbench((s) => (s.liveSession === id ? (s.live.eta?.seconds ?? null) : null));
  const { results, generation_complete } = session.step_2_generation;
  const done = results.filter((r) => r.status === 'done').length;
  const failed = results.filter((r) => r.status === 'failed').length;
  const total = results.length;
  const running = session.status === 'running';
  const fraction = total ? (done + (step && step.max ? step.value / step.max : 0)) / total : 0;
  const eta = running ? (measuredEta ?? etaSeconds(results)) : null;
  return (
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
      <ServerLine sessionId={id} />
      {session.error_message && <div className="field-error">{session.error_message}</div>}
    </div>
  );
}

/**
 * Step 2: the plan, Start/Resume, live progress (the session's events stream, see useSessionEvents), and the grid
 * filling in, held back (LookGate) while the owner is rating blind.
 */
export function GenerationTab() {
  const session = useOpenSession();
  const router = useRouter();
  const start = useMutation(startGenerationMutation());
  const pause = useMutation(pauseGenerationMutation());
  const cancel = useMutation(cancelGenerationMutation());
  const id = session.session_id;
  const [opened, setOpened] = useState<LightboxImage | null>(null);

  const { results, generation_complete, generation_started } = session.step_2_generation;
  const setup = session.step_1_setup;
  const columns = useMemo(() => gridColumns(setup), [setup]);
  const grids = useMemo(
    () => gridCells(results, setup.prompt_pairs.length, setup.seeds.length, columns.labels.length, columns.variants ?? undefined),
    [results, setup, columns],
  );
  const failed = results.some((r) => r.status === 'failed');
  const running = session.status === 'running';

  return (
    <div className="generation">
      <div className="plan">
        <div>
          <strong>Plan:</strong> {setup.prompt_pairs.length} prompts × {setup.seeds.length} seeds × (baseline + {columns.labels.length}{' '}
          {columns.variants ? 'variants' : 'strengths'}) = {results.length || imageCount(setup)} images · {setup.checkpoint} +{' '}
          {loraFiles(setup).join(', ')}
        </div>
        {!generation_complete && !running && (
          <button className="primary" onClick={() => start.mutate(id)} disabled={start.isPending}>
            {generation_started ? (failed ? 'Retry failed images' : 'Resume generation') : 'Start generation'}
          </button>
        )}
        {running && (
          <div className="row tight">
            <button onClick={() => pause.mutate(id)} title="Submit no new image; finish the ones queued in ComfyUI">
              Pause
            </button>
            <button onClick={() => cancel.mutate(id)} title="Stop now and remove this session's prompts from ComfyUI's queue">
              Cancel
            </button>
          </div>
        )}
        {generation_complete && (
          <button className="primary" onClick={() => router.push(sessionPath(id, 3))}>
            Go to evaluation
          </button>
        )}
      </div>

      {generation_started && <Progress session={session} />}

      <LookGate what="The Generation grid">
        {setup.prompt_pairs.map((prompt, p) => (
          <PromptBlock
            key={p}
            windowed={setup.seeds.length > FULL_GRID_MAX_SEEDS}
            onOpen={setOpened}
            sessionId={id}
            index={p}
            text={prompt.positive}
            seeds={setup.seeds}
            labels={columns.labels}
            grid={grids[p]!}
          />
        ))}
      </LookGate>
      <Lightbox image={opened} onClose={() => setOpened(null)} />
    </div>
  );
}
