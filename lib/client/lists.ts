/** A list typed as text (`0, 0.5, 1.0`), parsed: the numbers, or the first problem in words. */
export type ParsedList<T = number> = { ok: true; values: T[] } | { ok: false; error: string };

/**
 * Parses comma- or space-separated numbers. `integers` refuses fractions and values outside [0, 2^53-1] (seeds).
 * Repeats are refused because a repeated strength or seed would duplicate grid cells.
 */
export function parseNumberList(text: string, opts: { integers?: boolean } = {}): ParsedList {
  const parts = text
    .split(/[\s,;]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  const values: number[] = [];
  for (const part of parts) {
    const n = Number(part);
    if (!Number.isFinite(n)) return { ok: false, error: `"${part}" is not a number` };
    if (opts.integers && (!Number.isInteger(n) || n < 0 || n > Number.MAX_SAFE_INTEGER)) {
      return { ok: false, error: `"${part}" is not a whole number between 0 and 2^53-1` };
    }
    if (values.includes(n)) return { ok: false, error: `${part} is listed twice` };
    values.push(n);
  }
  return { ok: true, values };
}

/** `n` distinct random seeds in [0, 2^32), from the browser's crypto RNG. */
export function randomSeeds(n: number): number[] {
  const seeds = new Set<number>();
  while (seeds.size < n) seeds.add(crypto.getRandomValues(new Uint32Array(1))[0]!);
  return [...seeds];
}

/** Parses comma-separated names (metrics): trimmed, empty entries dropped, repeats refused. */
export function parseNameList(text: string): ParsedList<string> {
  const values: string[] = [];
  for (const name of text
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)) {
    if (name.length > 40) return { ok: false, error: `"${name.slice(0, 20)}…" is longer than 40 characters` };
    if (values.includes(name)) return { ok: false, error: `${name} is listed twice` };
    values.push(name);
  }
  return { ok: true, values };
}
