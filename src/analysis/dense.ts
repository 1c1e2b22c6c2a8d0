/**
 * Dense matrices from operators, for exact answers on small problems (tests, sanity
 * checks of a block's SLQ against its true spectrum). n matvecs and n² memory.
 */
import { applyChecked, type MatVec } from './lanczos.js';
import { symEig, type SymEig } from './tridiag.js';
import { dot } from './vec.js';

/** Options of {@link denseFromMatVec}. */
export interface DenseOptions {
  /** Max |A_ij − A_ji| / max|A_ij| allowed before throwing. Default 1e-8. */
  tol?: number;
  /** Refuse dimensions above this (n² float64s of memory). Default 4096. */
  maxDim?: number;
  label?: string;
}

/** A dense operator matrix: row-major n×n, symmetrized, and the asymmetry that was removed. */
export interface DenseMatrix {
  n: number;
  data: Float64Array;
  /** Max |A_ij − A_ji| / max|A_ij| before symmetrization. */
  asymmetry: number;
}

/** Builds A column by column (A e_j), checks it is symmetric within `tol`, and returns (A + Aᵀ)/2. */
export async function denseFromMatVec(matvec: MatVec, dim: number, opts: DenseOptions = {}): Promise<DenseMatrix> {
  const where = opts.label === undefined ? '' : ` [${opts.label}]`;
  const maxDim = opts.maxDim ?? 4096;
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`denseFromMatVec${where}: dim must be a positive integer, got ${dim}`);
  if (dim > maxDim) throw new Error(`denseFromMatVec${where}: dim ${dim} exceeds maxDim ${maxDim} (needs dim² float64s)`);
  const a = new Float64Array(dim * dim);
  const e = new Float64Array(dim);
  for (let j = 0; j < dim; j++) {
    e[j] = 1;
    const col = await applyChecked(matvec, e, dim, `denseFromMatVec${where}: column ${j}`);
    e[j] = 0;
    for (let i = 0; i < dim; i++) a[i * dim + j] = col[i];
  }
  const tol = opts.tol ?? 1e-8;
  const asymmetry = symmetrizeChecked(a, dim, tol, `denseFromMatVec${where}: operator`);
  return { n: dim, data: a, asymmetry };
}

/**
 * Symmetrizes a dense row-major dim×dim matrix in place, after checking that
 * max |A_ij − A_ji| / max |A_ij| ≤ tol (a correct second derivative agrees with its
 * transpose to rounding); returns that ratio. `what` names the matrix in the error.
 */
export function symmetrizeChecked(a: Float64Array, dim: number, tol: number, what: string): number {
  let maxAbs = 0;
  let maxDiff = 0;
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j < dim; j++) {
      maxAbs = Math.max(maxAbs, Math.abs(a[i * dim + j]));
      maxDiff = Math.max(maxDiff, Math.abs(a[i * dim + j] - a[j * dim + i]));
    }
  }
  const asymmetry = maxAbs === 0 ? 0 : maxDiff / maxAbs;
  if (!(asymmetry <= tol)) {
    throw new Error(`${what} is not symmetric (max |A_ij − A_ji| / max |A_ij| = ${asymmetry.toExponential(2)} > tol ${tol})`);
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i + 1; j < dim; j++) {
      const s = 0.5 * (a[i * dim + j] + a[j * dim + i]);
      a[i * dim + j] = a[j * dim + i] = s;
    }
  }
  return asymmetry;
}

/** Exact eigenvalues (ascending) and optionally eigenvectors of a symmetric operator, via its dense matrix. */
export async function denseEig(matvec: MatVec, dim: number, opts: DenseOptions & { vectors?: boolean } = {}): Promise<SymEig> {
  const { data } = await denseFromMatVec(matvec, dim, opts);
  return symEig(data, dim, { vectors: opts.vectors ?? false });
}

/** The operator v ↦ A v of a dense row-major n×n matrix (for tests and small exact checks). */
export function matVecFromDense(a: ArrayLike<number>, n: number): MatVec {
  if (a.length !== n * n) throw new Error(`matVecFromDense: matrix has ${a.length} entries, expected n² = ${n * n}`);
  const m = Float64Array.from(a);
  return (v) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = dot(m.subarray(i * n, (i + 1) * n), v);
    return out;
  };
}
