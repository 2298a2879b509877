import type { Setup } from '@/lib/sessions/schema';
import { reportCountWords } from '../count-words';
import type { ClientReport, Similarity } from '../schema';
import { DoseResponseSvg } from './dose-response-svg';
import { EXPORT_CSS } from './export-css';
import type { RevealImages } from './reveal-gallery';
import { ReportView } from './report-view';
import { SetupSummary } from './setup-summary';

/** Only inline styles and data: images; anything else a viewer refuses, should some ever creep in. */
export const EXPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

export interface ReportDocumentProps {
  report: ClientReport;
  setup: Setup;
  notes: string;
  revision: number;
  /** When the session was made, e.g. "2024-01-15 08:30 UTC"; empty to leave it out. */
  date: string;
  /** Distinct raters with scores. */
  raters: number;
  /** Thumbnails as data: URLs by image_id. */
  images: RevealImages;
  /** How far each strength moves the image from the baseline (null: could not be measured). */
  similarity: Similarity | null;
}

/**
 * The HTML export as one document: a header naming the LoRA and session, the shared ReportView with static SVG
 * charts, the Setup, the notes and a footer. Rendered by lib/report/html.ts.
 */
export function ReportDocument({ report, setup, notes, revision, date, raters, images, similarity }: ReportDocumentProps) {
  const lora = setup.lora_filename || 'LoRA';
  return (
    <html lang="en">
      {/* eslint-disable-next-line @next/next/no-head-element -- a standalone file rendered to a string, not a Next.js page */}
      <head>
        <meta charSet="utf-8" />
        <meta httpEquiv="Content-Security-Policy" content={EXPORT_CSP} />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`LoRA Bench report – ${lora} – ${report.session_id}`}</title>
        <style dangerouslySetInnerHTML={{ __html: EXPORT_CSS }} />
      </head>
      <body>
        <header>
          <h1>LoRA Bench report</h1>
          <div className="muted">
            LoRA <code>{lora}</code> · session {report.session_id}
            {date ? ` · ${date}` : ''} · <span data-testid="report-counts">{reportCountWords(report, raters)}</span>
          </div>
        </header>
        <ReportView report={report} Chart={DoseResponseSvg} images={images} similarity={similarity} />
        <section id="setup" aria-labelledby="setup-title">
          <h2 id="setup-title">Setup</h2>
          <SetupSummary setup={setup} report={report} raters={raters} />
        </section>
        {notes.trim() && (
          <section id="notes" aria-labelledby="notes-title">
            <h2 id="notes-title">Notes</h2>
            <div className="notes">{notes}</div>
          </section>
        )}
        <footer>
          Made by LoRA Bench from session {report.session_id} (revision {revision}). This file is self-contained: it loads nothing from the
          network.
        </footer>
      </body>
    </html>
  );
}
