import 'server-only';
/**
 * The report as ONE self-contained HTML file, to be mailed and opened offline: the same React components as the
 * Report tab (lib/report/view/), rendered to static markup, with inline CSS, inline SVG charts, thumbnails as
 * `data:image/webp;base64,…` URLs, no script and no external request of any kind (no fonts, no CDN, no links to the
 * workbench). A Content-Security-Policy meta tag (`default-src 'none'`, images from `data:` only, inline styles only)
 * makes a viewer refuse anything else, should some ever creep in.
 *
 * React escapes every user-provided string (prompts, negatives, notes, metric names, file names, trigger words,
 * checkpoint, sampler names). The output is deterministic for a given session and image files (no "now").
 *
 * Only once evaluation is complete: the reveal gallery says which side was the LoRA, so an earlier export would
 * unblind the rater.
 */
import { createElement } from 'react';
import { ApiError, isApiError } from '@/lib/api/errors';
import type { Session } from '@/lib/sessions/schema';
import { thumbnail } from '@/lib/sessions/thumbnails';
import { renderStatic } from './render-static';
import { reportForClient } from './service';
import { similarityOf } from './similarity';
import { ReportDocument } from './view/report-document';
import type { RevealImages } from './view/reveal-gallery';

/** Longest side of the reveal thumbnails, px (one of THUMBNAIL_SIZES). */
export const HTML_THUMBNAIL_SIZE = 128;
/** Thumbnails made at the same time (each is a file read, and a resize when not cached yet). */
const THUMBNAIL_CONCURRENCY = 8;

/** Runs `fn` over `items` with at most `limit` running at once; results keep the order of `items`. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * `data:` URLs of the 128 px WebP thumbnails of the given files (cached by lib/sessions/thumbnails.ts). A file that is
 * missing, unreadable or not an image name of this session maps to null (the gallery shows a placeholder); any other
 * failure is thrown.
 */
async function thumbnailUrls(sessionId: string, filenames: string[]): Promise<Map<string, string | null>> {
  const unique = [...new Set(filenames)];
  const urls = await mapLimit(unique, THUMBNAIL_CONCURRENCY, async (file) => {
    try {
      const webp = await thumbnail(sessionId, file, HTML_THUMBNAIL_SIZE);
      return `data:image/webp;base64,${webp.toString('base64')}`;
    } catch (err) {
      if (isApiError(err) && ['not_found', 'damaged', 'bad_request', 'forbidden'].includes(err.code)) {
        return null;
      }
      throw err;
    }
  });
  return new Map(unique.map((f, i) => [f, urls[i] ?? null]));
}

/** "2024-01-15 08:30 UTC" for a session timestamp in seconds. */
function utcDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? '' : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * The report of `session` as one self-contained HTML document (see the module header). Thumbnails come from
 * `sessions/<id>/output/` through the thumbnail cache; a missing image shows a placeholder. Throws ApiError conflict
 * before evaluation is complete.
 */
export async function renderReportHtml(session: Session): Promise<string> {
  if (!session.step_2_generation.generation_complete || !session.step_3_evaluation.evaluation_complete) {
    throw new ApiError('conflict', 'the HTML report is available once evaluation is complete (it reveals the sides)');
  }
  const report = reportForClient(session);

  const fileById = new Map(session.step_2_generation.results.map((r) => [r.image_id, r.filename]));
  const ids = [...new Set(report.reveal.flatMap((r) => [r.baseline_image_id, r.lora_image_id]))];
  const fileOf = (id: string): string => fileById.get(id) ?? `${id}.png`;
  const urls = await thumbnailUrls(session.session_id, ids.map(fileOf));
  const images: RevealImages = Object.fromEntries(ids.map((id) => [id, { src: urls.get(fileOf(id)) ?? null, name: fileOf(id) }]));

  const html = await renderStatic(
    createElement(ReportDocument, {
      report,
      setup: session.step_1_setup,
      notes: session.notes,
      revision: session.revision,
      date: utcDate(session.timestamp),
      raters: new Set(session.step_3_evaluation.scores.map((s) => s.rater)).size,
      images,
      // A missing image leaves the measure out rather than the whole report.
      similarity: await similarityOf(session).catch(() => null),
    }),
  );
  return `<!DOCTYPE html>\n${html}\n`;
}
