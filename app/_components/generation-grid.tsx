'use client';

import { memo, useRef } from 'react';
import type { PromptGrid } from '@/lib/client/grid';
import type { Result } from '@/lib/sessions/schema';
import type { OpenImage } from './lightbox';
import { useVisibleRows } from './use-visible-rows';
import { useWorkbench } from './workbench-provider';

// The Generation tab's image grids (generation-tab.tsx): one table per prompt, rows = seeds, columns = baseline +
// each strength, cells filling in as images land, with live sampler steps and previews for the image rendering.

/** Height of a grid row: a 192 px thumbnail plus the cells' 3 px padding (`.thumb` and `table.grid td` in CSS). */
const ROW_PX = 198;
/** Rows rendered beyond each edge of the viewport, so a scroll finds their thumbnails loaded or loading. */
const OVERSCAN_ROWS = 2;

// Memoized on the result object: an image event replaces one result, so only that cell renders again.
const Cell = memo(function Cell({
  sessionId,
  result,
  label,
  onOpen,
}: {
  sessionId: string;
  result: Result | undefined;
  label: string;
  onOpen: OpenImage;
}) {
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
    const full = `/api/sessions/${sessionId}/images/${result.filename}?v=${v}`;
    // The cell is 192 CSS px: the 256 px thumbnail on a 1x screen, 512 px on a 2x one. A click opens the lightbox; the
    // link still opens the full-size PNG in a new tab (middle click, or from the lightbox).
    return (
      <td>
        <a
          href={full}
          target="_blank"
          rel="noreferrer"
          aria-label={`${label}: enlarge`}
          onClick={(e) => {
            if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
            e.preventDefault();
            onOpen({ src: thumb(512), full, label });
          }}
        >
          <img className="thumb" src={thumb(256)} srcSet={`${thumb(256)} 1x, ${thumb(512)} 2x`} alt={label} decoding="async" />
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
  onOpen,
}: {
  sessionId: string;
  onOpen: OpenImage;
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
          onOpen={onOpen}
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
 * One prompt's grid (rows = seeds, columns = baseline + every strength, or every variant grouped by file). In a tall grid (`windowed`) only the rows on
 * screen or near it are rendered, so thousands of images mount a few dozen cells and ask for a few dozen thumbnails;
 * a small one renders every row, so a full-page screenshot shows them all (print always does: useVisibleRows).
 */
export const PromptBlock = memo(function PromptBlock({
  sessionId,
  index,
  text,
  seeds,
  labels,
  grid,
  windowed,
  onOpen,
}: {
  sessionId: string;
  windowed: boolean;
  onOpen: OpenImage;
  index: number;
  text: string;
  seeds: number[];
  labels: string[];
  grid: PromptGrid;
}) {
  const body = useRef<HTMLTableSectionElement>(null);
  const visible = useVisibleRows(body, seeds.length, ROW_PX, OVERSCAN_ROWS);
  const { first, end } = windowed ? visible : { first: 0, end: seeds.length };
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
      <div className="grid-scroll" role="region" aria-label={`Grid for prompt ${index + 1}, scrolls sideways`} tabIndex={0}>
        <table className="grid" aria-label={`Grid for prompt ${index + 1}`} aria-rowcount={seeds.length + 1}>
          <thead>
            <tr aria-rowindex={1}>
              <th scope="col">Seed</th>
              <th scope="col">Baseline</th>
              {labels.map((label) => (
                <th scope="col" key={label}>
                  {label}
                </th>
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
                onOpen={onOpen}
              />
            ))}
            <Spacer rows={seeds.length - end} columns={columns} />
          </tbody>
        </table>
      </div>
    </div>
  );
});
