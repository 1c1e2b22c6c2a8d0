/**
 * Intervals across seeds. Each seed reruns everything (initialization, data
 * order, probes), so the per-seed values are independent draws; their mean
 * gets a Student-t 95% interval, mean ± t(0.975, n−1)·s/√n. With n = 3 the t
 * quantile is 4.30, so three seeds give wide but honest intervals; with one
 * seed there is no across-seed interval (null).
 */

/** [lo, hi]. */
export type Interval = [number, number];

/** t(0.975, df) for df = 1…30; beyond that the normal 1.96 is within 2%. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tQuantile975(df: number): number {
  if (!(df >= 1)) throw new Error(`tQuantile975: degrees of freedom must be ≥ 1, got ${df}`);
  return df <= 30 ? T975[Math.round(df) - 1] : 1.96;
}

/** The 95% Student-t interval of the mean of `xs`, or null for fewer than two values. */
export function seedInterval(xs: readonly number[]): Interval | null {
  const n = xs.length;
  if (n < 2) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const h = tQuantile975(n - 1) * sd / Math.sqrt(n);
  return [mean - h, mean + h];
}

/** True when the two intervals do not overlap: only then may a report say one value is larger. */
export function separated(a: Interval | null, b: Interval | null): boolean {
  return !!a && !!b && (a[0] > b[1] || b[0] > a[1]);
}
