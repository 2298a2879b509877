// What each metric asks the rater, shown beside its verdicts on the rating screen. Pure: used on the server (the
// evaluation view) and in Setup. The words never name roles or strengths, so they are safe to show a blind rater.

/** The one metric of the "overall" rating mode: a single decision per screen, as in arena voting. */
export const OVERALL_METRIC = 'Overall';

/** Definitions of the metrics the app suggests (lower-case names). */
const KNOWN: Record<string, string> = {
  overall: 'Which picture would you rather keep, all things considered?',
  quality: 'Technical quality: sharpness, clean detail, no artifacts, noise or smudges.',
  style: 'How strongly and consistently the picture shows the intended look or style.',
  coherence: 'Does it make sense: anatomy, hands, perspective, objects that hold together.',
  'prompt adherence': 'How faithfully the picture shows what the prompt asks for.',
  'fits the brief': 'How faithfully the picture shows what the prompt asks for.',
  aesthetics: 'Which picture is more pleasing to look at: composition, colour, light.',
  anatomy: 'Correct bodies: hands, faces, limbs, proportions.',
  composition: 'Framing and balance: where the subject sits and how the eye moves.',
  detail: 'Amount and crispness of fine detail.',
  realism: 'How believable the picture is as a photograph.',
};

/**
 * The definition of each of `metrics`: a known one (case-insensitive), "Likeness to X" as resemblance to X, else a
 * plain instruction to judge by the metric's name, so every metric has a line to read.
 */
export function metricDefinitions(metrics: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const metric of metrics) {
    const key = metric.trim().toLowerCase();
    const likeness = /^likeness to (.+)$/i.exec(metric.trim());
    out[metric] =
      KNOWN[key] ??
      (likeness ? `How much the picture looks like ${likeness[1]}.` : `Judge by "${metric}" as the session's owner described it.`);
  }
  return out;
}
