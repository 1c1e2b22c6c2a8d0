/**
 * Extreme eigenpairs by Lanczos with full reorthogonalization: Ritz values θ and Ritz
 * vectors y = Q s from T's eigenvectors s. Residuals ‖A y − θ y‖ are measured with one
 * extra matvec per pair rather than taken from β_m|s_m|: the cheap formula assumes
 * exact orthogonality and an exact (float64) operator, which a float32 HVP is not.
 */
import { applyChecked, lanczos, type MatVec } from './lanczos.js';
import { makeRng } from '../util/rng.js';
import { tridiagEig } from './tridiag.js';
import { axpy, norm } from './vec.js';

/** Options of {@link topEigs}. */
export interface TopEigsOptions {
  /** Number of eigenpairs. */
  k: number;
  /** Which end: algebraically largest (default), smallest, or largest |λ|. */
  which?: 'largest' | 'smallest' | 'magnitude';
  /** Lanczos steps. Default min(dim, max(2k + 20, 50)); more steps converge more pairs. */
  steps?: number;
  seed?: number;
  label?: string;
  checkSymmetry?: boolean;
  symmetryTol?: number;
  /** Measure residuals with a matvec per pair. Default true. */
  residuals?: boolean;
}

/** Ritz pairs, ordered by `which` (largest first for 'largest' and 'magnitude'). */
export interface TopEigs {
  values: number[];
  /** Unit Ritz vectors. */
  vectors: Float64Array[];
  /** ‖A y − θ y‖ per pair (explicit when `residuals`, else β_m|s_m|). */
  residuals: number[];
  /** Lanczos steps taken. */
  steps: number;
}

/** Top-k eigenvalues and Ritz vectors of a symmetric operator, with residual norms. */
export async function topEigs(matvec: MatVec, dim: number, opts: TopEigsOptions): Promise<TopEigs> {
  const { k } = opts;
  const where = opts.label === undefined ? '' : ` [${opts.label}]`;
  if (!Number.isInteger(k) || k < 1 || k > dim) throw new Error(`topEigs${where}: k must be an integer in [1, dim = ${dim}], got ${k}`);
  const steps = opts.steps ?? Math.min(dim, Math.max(2 * k + 20, 50));
  if (steps < k) throw new Error(`topEigs${where}: steps (${steps}) must be ≥ k (${k})`);
  const lz = await lanczos(matvec, dim, {
    steps,
    reorth: 'full',
    keepBasis: true,
    rng: makeRng(opts.seed ?? 0),
    label: opts.label,
    checkSymmetry: opts.checkSymmetry,
    symmetryTol: opts.symmetryTol,
  });
  const m = lz.steps;
  // After breakdown the Krylov space is invariant and may hold fewer than k eigenvalues.
  if (m < k) throw new Error(`topEigs${where}: Lanczos broke down after ${m} steps, fewer than k = ${k} (invariant subspace of the start vector)`);
  const eig = tridiagEig(lz.alpha, lz.beta, { vectors: true });
  const s = eig.vectors as Float64Array;
  const which = opts.which ?? 'largest';
  const order = Array.from({ length: m }, (_, i) => i);
  if (which === 'largest') order.reverse();
  else if (which === 'magnitude') order.sort((a, b) => Math.abs(eig.values[b]) - Math.abs(eig.values[a]));
  const basis = lz.basis as Float64Array[];
  const out: TopEigs = { values: [], vectors: [], residuals: [], steps: m };
  for (const j of order.slice(0, k)) {
    const theta = eig.values[j];
    const y = new Float64Array(dim);
    for (let i = 0; i < m; i++) axpy(s[i * m + j], basis[i], y);
    let r: number;
    if (opts.residuals ?? true) {
      const ay = await applyChecked(matvec, y, dim, `topEigs${where}: residual of Ritz value ${theta}`);
      axpy(-theta, y, ay);
      r = norm(ay);
    } else {
      r = lz.residual * Math.abs(s[(m - 1) * m + j]);
    }
    out.values.push(theta);
    out.vectors.push(y);
    out.residuals.push(r);
  }
  return out;
}
