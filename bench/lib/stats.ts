// Medians and spreads of interleaved runs: every figure a benchmark reports is a ratio of two variants
// measured round by round in one process, so a noisy neighbour slows both sides alike.

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

/** Median, range and count of the finite samples (NaN marks a discarded measurement). */
export function summarise(samples: readonly number[]): Summary {
  const sorted = samples.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, n: sorted.length };
}

/** "1.023 (0.998–1.051, n=7)": median and range. */
export function formatSummary(s: Summary, digits = 3): string {
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)}, n=${s.n})`;
}

/**
 * Runs `measure(variant)` for every variant in every round, the order rotated each round (ABC, BCA, CAB...),
 * and returns the samples by variant.
 */
export async function interleave<V extends string>(
  variants: readonly V[],
  rounds: number,
  measure: (variant: V, round: number) => Promise<number>,
): Promise<Record<V, number[]>> {
  const samples = Object.fromEntries(variants.map((v) => [v, [] as number[]])) as Record<V, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(round + i) % variants.length]!;
      samples[variant].push(await measure(variant, round));
    }
  }
  return samples;
}

/** Per-round ratios variant / baseline (same round, so the same neighbours). */
export function roundRatios(samples: readonly number[], baseline: readonly number[]): number[] {
  return samples.map((value, i) => value / baseline[i]!);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
