/**
 * The report, rendered the same way in the Report tab (app/_components/report-tab.tsx) and in the self-contained
 * HTML export (lib/report/html.ts, with react-dom/server's renderToStaticMarkup). Presentational only: no data
 * fetching, no hooks, no browser API, plain data in; safe in server and client bundles. The two differ only in what
 * they pass: the chart component (recharts in the app, static SVG in the export) and the images (image URLs in the
 * app, data: URLs of thumbnails in the export). tests/unit/report/view.test.ts checks that every section of the app's
 * report is in the export.
 */
import type { ComponentType, ReactNode } from 'react';
import { POOLED_METRIC, type ClientReport, type RevealRow, type Similarity } from '../schema';
import { PerPromptTable, PerSeedTable } from './breakdown-tables';
import type { DoseResponseChartProps } from './dose-response-svg';
import { RankingTable } from './ranking-table';
import { RaterQualitySection } from './rater-quality-section';
import { RatersSection } from './raters-section';
import { RevealGallery, type RevealImages } from './reveal-gallery';
import { SimilarityTable } from './similarity-table';
import { VariantChartSvg } from './variant-chart-svg';
import { variantCharts } from '../variant-series';
import { StatsTable } from './stats-table';
import { Summary } from './summary';

export interface ReportViewProps {
  report: ClientReport;
  /** Draws one dose-response chart (its frame and title are the view's). */
  Chart: ComponentType<DoseResponseChartProps>;
  /** The images of the reveal by image_id (only read when the report has a reveal). */
  images: RevealImages;
  /** How far each strength moves the image from the baseline; undefined while measured, null when it could not be. */
  similarity: Similarity | null | undefined;
}

function Section({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <section id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

/**
 * Recommendation, dose-response charts, the per metric × strength table, the Bradley–Terry ranking, raters and
 * their agreement, rater quality, per seed and per prompt, and, once a rater has finished, the most decisive pairs and
 * the reveal of every pair (with the verdicts of the raters who have finished).
 */
export function ReportView({ report, Chart, images, similarity }: ReportViewProps) {
  const charts = [
    { title: `${POOLED_METRIC} (pooled, each pair once)`, cells: report.pooled },
    ...report.metrics.map((m) => ({ title: m, cells: report.cells.filter((c) => c.metric === m) })),
  ];
  const balanced = report.design === 'balanced';
  // Several files (issue 15): score against epoch (or file) and against strength in place of one dose-response curve.
  const variantChartList = variantCharts(report);
  const byPair = new Map(report.reveal.map((r) => [r.pair_id, r]));
  const decisive = report.decisive.map((id) => byPair.get(id)).filter((r): r is RevealRow => r !== undefined);
  return (
    <div className="report">
      <Summary report={report} />

      {variantChartList.length ? (
        <Section id="variants" title="Which file, which strength: the chance to beat the baseline (all metrics, each pair once)">
          <div className="charts">
            {variantChartList.map((c) => (
              <div className="chart" key={c.title}>
                <h3>{c.title}</h3>
                <VariantChartSvg chart={c} />
              </div>
            ))}
          </div>
          {report.metrics.length > 1 && (
            <details className="metric-charts">
              <summary>The same charts for each metric ({report.metrics.join(', ')})</summary>
              {report.metrics.map((m) => (
                <div className="charts" key={m}>
                  {variantCharts(report, m).map((c) => (
                    <div className="chart" key={c.title}>
                      <h3>{c.title}</h3>
                      <VariantChartSvg chart={c} testId="variant-chart-metric" />
                    </div>
                  ))}
                </div>
              ))}
            </details>
          )}
        </Section>
      ) : (
        <Section id="dose-response" title="Dose-response: the chance to beat the baseline by strength">
          <div className="charts">
            {charts.map((c) => (
              <div className="chart" data-testid="dose-response-chart" key={c.title}>
                <h3>{c.title}</h3>
                <Chart title={c.title} cells={c.cells} />
              </div>
            ))}
          </div>
        </Section>
      )}

      <Section id="per-metric" title="Per metric and strength">
        <p className="muted small">
          Counts are the direct comparisons with the baseline (pooled rows: one verdict per pair, the side that won more of its metrics); n
          = LoRA wins + baseline wins, and ties, skips and &quot;both bad&quot; never count as losses. Arena rate = (wins + ½ ties) ÷ all
          verdicts, skips and &quot;both bad&quot; included. &quot;Beats baseline&quot; is the Bradley–Terry estimate over every comparison
          of the metric (a tie a quarter win each way); its interval treats prompts as clusters and holds together with every other interval
          of the report; p: t-test over prompts, Holm-adjusted over every metric and strength.
        </p>
        <StatsTable cells={[...report.cells, ...report.pooled]} extras={report.cell_extras} fileLabels={report.file_labels} />
      </Section>

      <Section id="ranking" title="Ranking: Bradley–Terry over all comparisons (baseline = 0)">
        <p className="muted small" data-testid="design">
          {balanced
            ? `Balanced design: each picture of a prompt and seed was paired with two others in a random cycle, so pairs are between the ` +
              `baseline and a strength or between two strengths (${report.between_judgments} verdicts). The fit over all of them gives ` +
              'every estimate, interval and claim; the counts in the table above are the direct comparisons with the baseline alone.'
            : 'Direct design: every pair is a strength against the baseline (the baseline picture recurs in every pair of its prompt and ' +
              'seed); the fit reads the same comparisons as the tables above.'}
        </p>
        <RankingTable ranking={report.ranking} />
      </Section>

      <Section id="similarity" title="How far each strength moves the image from the baseline">
        <SimilarityTable similarity={similarity} />
      </Section>

      <Section id="raters" title="Raters">
        <RatersSection report={report} />
      </Section>

      <Section id="rater-quality" title="Rater quality">
        <RaterQualitySection report={report} />
      </Section>

      <Section id="per-seed" title="Per seed (non-placebo strengths, all metrics)">
        <PerSeedTable rows={report.per_seed} />
      </Section>

      <Section id="per-prompt" title="Per prompt (non-placebo strengths, all metrics)">
        <PerPromptTable rows={report.per_prompt} />
      </Section>

      {report.reveal.length > 0 && (
        <>
          <Section id="decisive" title="The most decisive pairs">
            <RevealGallery rows={decisive} metrics={report.metrics} images={images} testId="decisive" />
          </Section>
          <Section id="reveal" title="Reveal: which side was the LoRA">
            <p className="muted small">
              In evaluation order. Verdicts per metric{report.raters.length > 1 ? ' (with several raters: the last counted one)' : ''}.
            </p>
            <RevealGallery rows={report.reveal} metrics={report.metrics} images={images} testId="reveal-all" />
          </Section>
        </>
      )}
    </div>
  );
}
