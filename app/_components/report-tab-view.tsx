'use client';

import { reportCountWords } from '@/lib/report/count-words';
import type { ClientReport, Similarity } from '@/lib/report/schema';
import { ReportView } from '@/lib/report/view/report-view';
import type { RevealImages } from '@/lib/report/view/reveal-gallery';
import { DoseResponseChart } from './dose-response-chart';

/**
 * The reveal's images as the app serves them: by image id, the 256 px WebP thumbnails (a few KB each, where the
 * full-size PNGs were about 1 MB for 13 pairs); each card shows them at about 120 px.
 */
function revealImages(sessionId: string, report: ClientReport): RevealImages {
  const images: RevealImages = {};
  for (const r of report.reveal) {
    for (const id of [r.baseline_image_id, r.lora_image_id]) {
      images[id] = { src: `/api/sessions/${sessionId}/thumbs/${id}.png?size=256`, name: `${id}.png` };
    }
  }
  return images;
}

/** Downloads of a finished evaluation (app only: the HTML export is one of them). */
function ExportLinks({ sessionId }: { sessionId: string }) {
  return (
    <nav className="row" aria-label="Export" style={{ marginBottom: 12 }}>
      <a href={`/api/sessions/${sessionId}/export/csv`} download>
        Judgments (CSV)
      </a>
      <a href={`/api/sessions/${sessionId}/export/json`} download>
        Report (JSON)
      </a>
      <a href={`/api/sessions/${sessionId}/export/html`} download>
        Report (HTML, offline)
      </a>
      <a href={`/api/sessions/${sessionId}/export/sidecar`} download>
        LoRA sidecar (.json for A1111/Forge)
      </a>
    </nav>
  );
}

/**
 * What the Report tab shows for a loaded report: the export downloads once evaluation is complete, the count line
 * (lib/report/count-words.ts, as All sessions and the HTML export word it), then the shared
 * report (lib/report/view/report-view.tsx, the same components as the HTML export) with recharts charts and the
 * session's images. Plain data in, no fetching (`similarity` undefined while it is being measured, null when it could not be).
 */
export function ReportTabView({
  sessionId,
  report,
  similarity,
}: {
  sessionId: string;
  report: ClientReport;
  similarity: Similarity | null | undefined;
}) {
  return (
    <>
      {report.complete ? (
        <ExportLinks sessionId={sessionId} />
      ) : (
        <p className="muted">The downloads (CSV, JSON, HTML, sidecar) are offered once evaluation is complete.</p>
      )}
      <p className="muted" data-testid="report-counts">
        {reportCountWords(report, report.raters.length)}
      </p>
      <ReportView report={report} Chart={DoseResponseChart} images={revealImages(sessionId, report)} similarity={similarity} />
    </>
  );
}
