import 'server-only';

/** A sliding-window count of failures: at most `max` within `windowMs`, then refusals until the oldest ages out. */
export class FailureLimit {
  private failures: number[] = [];

  constructor(
    readonly max: number,
    readonly windowMs: number,
  ) {}

  /** Seconds until another try is allowed (0: allowed now), at time `now` (ms). */
  retryAfter(now = Date.now()): number {
    this.failures = this.failures.filter((t) => now - t < this.windowMs);
    if (this.failures.length < this.max) return 0;
    return Math.ceil((this.failures[0]! + this.windowMs - now) / 1000);
  }

  fail(now = Date.now()): void {
    this.failures.push(now);
  }

  reset(): void {
    this.failures = [];
  }
}
