/**
 * Smoothing for noisy training-loss curves: an exponential moving average
 * in pandas' `ewm(span, adjust=True)` form, so that a reader can recompute
 * the drawn curve from the CSV with one line of pandas.
 */

/**
 * The EMA of `ys` with span `span` (decay β = 1 − 2/(span + 1)). Each point
 * is Σ βⁱ y_{t−i} / Σ βⁱ over the points so far (adjust=True): no pull
 * toward 0 at the start, unlike the plain recursion started at 0.
 * Non-finite values are errors; callers drop a diverged tail first.
 */
export function ema(ys: readonly number[], span: number): number[] {
  if (!(Number.isFinite(span) && span >= 1)) throw new Error(`ema: span must be a finite number ≥ 1, got ${span}`);
  const beta = 1 - 2 / (span + 1);
  const out: number[] = [];
  let num = 0;
  let den = 0;
  ys.forEach((y, i) => {
    if (!Number.isFinite(y)) throw new Error(`ema: value ${i} is ${y} (drop non-finite values before smoothing)`);
    num = beta * num + y;
    den = beta * den + 1;
    out.push(num / den);
  });
  return out;
}

/** A span for a curve of `n` points: about a twentieth of it, at least 1 (no smoothing for very short runs). */
export const defaultSpan = (n: number): number => Math.max(1, Math.round(n / 20));
