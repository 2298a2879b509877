// How many prompts each ComfyUI server of a job gets, from what the job measured of it. Pure functions, no I/O.

/** What the job knows of one server's pace. */
export interface Pace {
  /** Prompts of this job on the server now (waiting in its queue or rendering). */
  inflight: number;
  /** Measured milliseconds one image takes to execute (`execution_start` to its end), null before the first. */
  msPerImage: number | null;
  /**
   * Measured milliseconds the workbench needs between an image's end and its successor being in the server's queue
   * (download, write, record, and `POST /prompt`), null before the first.
   */
  turnaroundMs: number | null;
}

/** The most prompts one server is given at a time, however fast it is. */
export const MAX_DEPTH = 8;

/** Weight of a new measurement in a running average (`ewma`). */
const ALPHA = 0.3;

/** A running average: `prev` moved towards `sample` by ALPHA; the first sample stands alone. */
export function ewma(prev: number | null, sample: number): number {
  return prev === null ? sample : prev + ALPHA * (sample - prev);
}

/**
 * How many prompts to keep on a server so it never waits for the workbench: when an image ends, the ones behind it
 * must cover the turnaround until its successor is queued, so depth = ⌈turnaround ÷ time per image⌉ + 1, at least
 * `min` (COMFY_QUEUE_DEPTH) and at most `max`. `min` until both figures are measured.
 */
export function targetDepth(p: Pace, min: number, max = MAX_DEPTH): number {
  if (p.msPerImage === null || p.turnaroundMs === null || p.msPerImage <= 0) return min;
  return Math.min(max, Math.max(min, Math.ceil(p.turnaroundMs / p.msPerImage) + 1));
}

/**
 * Whether a server should take one more of the `remaining` images now. It should unless the other servers can finish
 * at least `remaining` images (counting what they already have) strictly before this one would finish it: so near
 * the end of a job a slow server leaves the last images to a fast one instead of holding the job up, and while many
 * images remain every server takes its share. A server whose speed is not measured yet always takes; others not
 * measured yet are not counted. Input: this server's pace, the other healthy servers' paces, images left to submit.
 */
export function shouldTake(self: Pace, others: readonly Pace[], remaining: number): boolean {
  if (self.msPerImage === null) return true;
  const myFinish = (self.inflight + 1) * self.msPerImage;
  let sooner = 0;
  for (const o of others) {
    if (o.msPerImage === null || o.msPerImage <= 0) continue;
    // Slots j ≥ 1 with (o.inflight + j) × o.msPerImage < myFinish.
    sooner += Math.max(0, Math.ceil(myFinish / o.msPerImage) - 1 - o.inflight);
  }
  return sooner < remaining;
}
