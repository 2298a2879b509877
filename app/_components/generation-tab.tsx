'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { memo, useMemo, useRef } from 'react';
import { cancelGenerationMutation, pauseGenerationMutation, startGenerationMutation } from '@/lib/client/generation-mutations';
import { gridCells, type PromptGrid } from '@/lib/client/grid';
import { gridColumns, loraFiles } from '@/lib/generation/variants';
import { sessionPath } from '@/lib/client/routes';
import type { Result } from '@/lib/sessions/schema';
import type { ClientSession } from '@/lib/sessions/view';
import { imageCount } from '@/lib/setup/presets';
import { LookGate } from './look-gate';
import { useOpenSession } from './session-context';
import { useVisibleRows } from './use-visible-rows';
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

/** Height of a grid row: a 128 px thumbnail plus the cells' 3 px padding (`.thumb` and `table.grid td` in globals.css). */
const ROW_PX = 134;
/** Rows rendered beyond each edge of the viewport, so a scroll finds their thumbnails loaded or loading. */
const OVERSCAN_ROWS = 2;

// Memoized on the result object: an image event replaces one result, so only that cell renders again.
const Cell = memo(function Cell({ sessionId, result, label }: { sessionId: string; result: Result | undefined; label: string }) {
  // Only the cell of the image being rendered follows the sampler steps and previews.
  const step = useWorkbench((s) =>
    result && s.liveSession === sessionId && s.live.step?.image_id === result.image_id ? s.live.step : null,
  );
  const preview = useWorkbench((s) =>
    result && s.liveSession === sessionId && s.live.preview?.image_id === result.image_id ? s.live.preview.data_url : null,
  );
  if (!result) return <td />;
  if (result.status === 'done') {
    const v = encodeURIComponent(result.completed_at ?? '');
    const thumb = (size: number) => `/api/sessions/${sessionId}/thumbs/${result.filename}?size=${size}&v=${v}`;
    // The cell is 128 CSS px: a 1x screen gets the 128 px thumbnail, which costs the server a third less to make.
    return (
      <td>
        <a href={`/api/sessions/${sessionId}/images/${result.filename}?v=${v}`} target="_blank" rel="noreferrer">
          <img className="thumb" src={thumb(256)} srcSet={`${thumb(128)} 1x, ${thumb(256)} 2x`} alt={label} decoding="async" />
        </a>
      </td>
    );
  }
  const running = result.status === 'running';
  // With two prompts queued per server, a submitted image may still wait behind the one rendering.
  const state =
    result.status === 'failed'
      ? `failed: ${result.error ?? ''}`
      : running && step
        ? `rendering ${step.value}/${step.max}`
        : running
          ? 'in ComfyUI queue'
          : 'queued';
  return (
    <td>
      <div className={`thumb placeholder ${result.status}`} title={result.error ?? undefined} data-testid={`cell-${result.status}`}>
        {running && preview && <img className="preview" src={preview} alt={`Live preview: ${label}`} />}
        <span>{state}</span>
      </div>
    </td>
  );
});

const GridRow = memo(function GridRow({
  sessionId,
  prompt,
  row,
  seed,
  labels,
  cells,
}: {
  sessionId: string;
  prompt: number;
  /** Index of the seed, i.e. of the row below the header. */
  row: number;
  seed: number;
  /** The LoRA columns' labels (lib/generation/variants.ts gridColumns). */
  labels: string[];
  cells: Array<Result | undefined>;
}) {
  return (
    <tr style={{ height: ROW_PX }} aria-rowindex={row + 2}>
      <th scope="row">{seed}</th>
      {cells.map((result, c) => (
        <Cell
          key={c}
          sessionId={sessionId}
          result={result}
          label={`${c === 0 ? 'baseline' : labels[c - 1]}, prompt ${prompt + 1}, seed ${seed}`}
        />
      ))}
    </tr>
  );
});

/** Stands in for `rows` grid rows that are off screen, keeping the table's height. */
function Spacer({ rows, columns }: { rows: number; columns: number }) {
  if (rows <= 0) return null;
  return (
    <tr aria-hidden="true">
      <td colSpan={columns} style={{ height: rows * ROW_PX, padding: 0 }} />
    </tr>
  );
}

/**
 * One prompt's grid (rows = seeds, columns = baseline + strengths). Only the rows on screen or near it are rendered,
 * so a session of thousands of images mounts a few dozen cells and asks for a few dozen thumbnails.
 */
const PromptBlock = memo(function PromptBlock({
  sessionId,
  index,
  text,
  seeds,
  labels,
  grid,
}: {
  sessionId: string;
  index: number;
  text: string;
  seeds: number[];
  labels: string[];
  grid: PromptGrid;
}) {
  const body = useRef<HTMLTableSectionElement>(null);
  const { first, end } = useVisibleRows(body, seeds.length, ROW_PX, OVERSCAN_ROWS);
  const columns = labels.length + 2;
  return (
    <div className="grid-block">
      <h3>
        Prompt {index + 1}: <span className="prompt-text">{text}</span>{' '}
        {grid.anyDone && (
          <a className="grid-link" href={`/api/sessions/${sessionId}/grid/${index}`} download>
            Download grid PNG
          </a>
        )}
      </h3>
      {/* aria-rowcount and aria-rowindex tell assistive technology where the rendered rows sit in the whole grid. */}
      <table className="grid" aria-label={`Grid for prompt ${index + 1}`} aria-rowcount={seeds.length + 1}>
        <thead>
          <tr aria-rowindex={1}>
            <th>Seed</th>
            <th>Baseline</th>
            {labels.map((label) => (
              <th key={label}>{label}</th>
            ))}
          </tr>
        </thead>
        <tbody ref={body}>
          <Spacer rows={first} columns={columns} />
          {seeds.slice(first, end).map((seed, i) => (
            <GridRow
              key={first + i}
              sessionId={sessionId}
              prompt={index}
              row={first + i}
              seed={seed}
              labels={labels}
              cells={grid.rows[first + i] ?? []}
            />
          ))}
          <Spacer rows={seeds.length - end} columns={columns} />
        </tbody>
      </table>
    </div>
  );
});

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
            sessionId={id}
            index={p}
            text={prompt.positive}
            seeds={setup.seeds}
            labels={columns.labels}
            grid={grids[p]!}
          />
        ))}
      </LookGate>
    </div>
  );
}
