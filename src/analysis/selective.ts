/**
 * Selective reorthogonalization with a bounded number of stored vectors.
 *
 * Paige (1971, 1980): in floating point the bare Lanczos recurrence keeps local
 * orthogonality, and q_{j+1} loses orthogonality only in the direction of Ritz vectors
 * that have converged: |y_iᵀ q_{j+1}| ≈ ε‖A‖ / (β_j |s_{j,i}|), where β_j |s_{j,i}| is
 * the Ritz pair's residual. Lost orthogonality is what makes the recurrence find a
 * converged eigenvalue again (a "ghost"). Parlett & Scott (1979) therefore
 * orthogonalize against the converged Ritz vectors only (selective orthogonalization).
 *
 * Forming Ritz vectors needs the basis, which is what we cannot afford to keep. The
 * bounded variant here: run the first P steps with full reorthogonalization (the
 * first P basis vectors are stored), then form the R Ritz vectors of T_P with the
 * smallest residuals, drop the basis, and from then on orthogonalize each new Lanczos
 * vector against those R vectors (twice, as in full). Each locked y_i lies in
 * span(q_1..q_P), to which every later q_j is orthogonal in exact arithmetic, so the
 * projection changes nothing in exact arithmetic whether or not y_i has converged: it
 * only removes the rounding-error components that Paige's theorem says grow. In the
 * paper's setting the Ritz values that converge within m = 100 steps are the
 * isolated outliers of a Hessian block, and those converge first; a Ritz value that
 * converges only after step P can still produce ghosts, exactly as with 'none'.
 *
 * Stored vectors: P basis vectors + the new residual w + R Ritz vectors at the
 * locking step, R + 3 (q_{j−1}, q_j, w and the locked vectors) afterwards.
 */
import { tridiagEig } from './tridiag.js';
import type { VectorStore } from './store.js';

/** Options of the 'selective' mode. */
export interface SelectiveOptions {
  /** Steps run with full reorthogonalization before locking (P). Default 20. */
  prefix?: number;
  /** Ritz vectors kept after step P (R ≤ P). Default 10. */
  ritz?: number;
}

/** {@link SelectiveOptions} with defaults filled in and checked. */
export function selectiveSettings(opts: SelectiveOptions = {}): Required<SelectiveOptions> {
  const prefix = opts.prefix ?? 20;
  const ritz = opts.ritz ?? 10;
  if (!Number.isInteger(prefix) || prefix < 1) throw new Error(`selective: prefix must be a positive integer, got ${prefix}`);
  if (!Number.isInteger(ritz) || ritz < 0) throw new Error(`selective: ritz must be a nonnegative integer, got ${ritz}`);
  if (ritz > prefix) throw new Error(`selective: ritz (${ritz}) cannot exceed prefix (${prefix}); T_P has only P Ritz pairs`);
  return { prefix, ritz };
}

/**
 * The `count` Ritz vectors of T (diagonal `alpha`, off-diagonal `beta`, both for the
 * P stored `basis` vectors) with the smallest residuals `betaLast`·|s_P,i|, as new
 * vectors in `store`. Residuals come back with them (ascending).
 */
export async function lockRitzVectors<H>(
  store: VectorStore<H>,
  basis: readonly H[],
  alpha: ArrayLike<number>,
  beta: ArrayLike<number>,
  betaLast: number,
  count: number,
): Promise<{ vectors: H[]; residuals: number[] }> {
  const p = basis.length;
  if (alpha.length !== p) throw new Error(`lockRitzVectors: ${alpha.length} alphas for ${p} basis vectors`);
  const eig = tridiagEig(alpha, beta, { vectors: true });
  const s = eig.vectors as Float64Array; // (P, P) row-major, column i = eigenvector i
  const residual = (i: number) => betaLast * Math.abs(s[(p - 1) * p + i]);
  const order = Array.from({ length: p }, (_, i) => i).sort((a, b) => residual(a) - residual(b));
  const vectors: H[] = [];
  const residuals: number[] = [];
  for (const i of order.slice(0, count)) {
    const coeffs = Float64Array.from({ length: p }, (_, k) => s[k * p + i]); // column i
    vectors.push(await store.combine(coeffs, basis));
    residuals.push(residual(i));
  }
  return { vectors, residuals };
}
