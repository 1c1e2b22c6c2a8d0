/**
 * Symmetric eigensolvers in float64.
 *
 * `tridiagEig`: implicit QL with Wilkinson shifts on a symmetric tridiagonal T. The
 * Givens rotations of each sweep are accumulated into Z (T = Z Λ Zᵀ). SLQ only needs
 * the first row of Z (Golub–Welsch: the quadrature weights are its squares), so by
 * default only that row is tracked, O(m) per sweep instead of O(m²).
 *
 * `symEig`: dense symmetric A by Householder reduction A = Q T Qᵀ, then the same QL
 * with Z started at Q, so the rotations turn Q into the eigenvectors of A.
 *
 * Eigenvalues are returned ascending; matrices are row-major, eigenvector j is column j.
 */

/** Eigen-decomposition of a symmetric tridiagonal matrix. */
export interface TridiagEig {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** First component of each (unit) eigenvector, same order as `values`. */
  firstComponents: Float64Array;
  /** m×m row-major; column j is the eigenvector of values[j]. Only when requested. */
  vectors?: Float64Array;
}

/** Dense symmetric eigen-decomposition. */
export interface SymEig {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** n×n row-major; column j is the unit eigenvector of values[j]. Only when requested. */
  vectors?: Float64Array;
}

const MAX_SWEEPS_PER_EIGENVALUE = 60;

/**
 * Implicit QL on diagonal d (n) and sub-diagonal e (e[i] couples i and i+1; e[n−1] is
 * scratch). Rotations are applied to columns of z, which has `rows` rows of length n.
 * On return d holds the (unsorted) eigenvalues.
 *
 * Splitting: e[m] is dropped when |e[m]| ≤ ε·(|d[m]| + |d[m+1]|) (the local test, which
 * keeps small eigenvalues of graded matrices accurate) or when |e[m]| ≤ ε·‖T‖. The local
 * test alone can never pass inside a cluster of (numerically) zero eigenvalues: there the
 * d's are ~ε‖T‖ and every sweep, chasing the bulge through the O(‖T‖) part below, puts
 * rounding of ~ε‖T‖ back into the e's, while the test asks for ε·|d| ~ ε²‖T‖. A rank-16
 * Q/K block of the tiny ViT (256 × 256, 240 zero eigenvalues) stalled exactly so. Dropping
 * an e of size ≤ ε‖T‖ moves eigenvalues by at most that much, the backward error every
 * sweep already commits, and is scale-free (rescaling T cannot help the local test).
 */
function qlImplicit(d: Float64Array, e: Float64Array, z: Float64Array | null, rows: number): void {
  const n = d.length;
  e[n - 1] = 0;
  // ‖T‖ bound (largest absolute row sum); rotations preserve ‖T‖₂, so once is enough.
  let tnorm = 0;
  for (let i = 0; i < n; i++) tnorm = Math.max(tnorm, Math.abs(d[i]) + Math.abs(e[i]) + (i > 0 ? Math.abs(e[i - 1]) : 0));
  const floor = Number.EPSILON * tnorm;
  for (let l = 0; l < n; l++) {
    let sweeps = 0;
    for (;;) {
      // Find the first negligible off-diagonal at or below l: T splits there.
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd || Math.abs(e[m]) <= floor) break;
      }
      if (m === l) break;
      if (++sweeps > MAX_SWEEPS_PER_EIGENVALUE) {
        throw new Error(`tridiagEig: QL did not converge for eigenvalue ${l} after ${MAX_SWEEPS_PER_EIGENVALUE} sweeps`);
      }
      // Wilkinson shift: eigenvalue of the leading 2×2 block closer to d[l].
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      let underflow = false;
      // Chase the bulge from the bottom of the unreduced block up to l.
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // The rotation is undefined: T has split in the middle of the sweep; restart from l.
          d[i + 1] -= p;
          e[m] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        if (z !== null) {
          for (let k = 0; k < rows; k++) {
            const zi = z[k * n + i];
            const zi1 = z[k * n + i + 1];
            z[k * n + i + 1] = s * zi + c * zi1;
            z[k * n + i] = c * zi - s * zi1;
          }
        }
      }
      if (underflow) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/** Sorts eigenvalues ascending and permutes the columns of z (rows × n) to match. */
function sortEig(d: Float64Array, z: Float64Array | null, rows: number): { values: Float64Array; z: Float64Array | null } {
  const n = d.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => d[a] - d[b]);
  const values = Float64Array.from(order, (i) => d[i]);
  if (z === null) return { values, z: null };
  const sorted = new Float64Array(rows * n);
  for (let k = 0; k < rows; k++) {
    for (let j = 0; j < n; j++) sorted[k * n + j] = z[k * n + order[j]];
  }
  return { values, z: sorted };
}

/**
 * Eigenvalues of the symmetric tridiagonal matrix with diagonal `alpha` (m) and
 * off-diagonal `beta` (m − 1), with the first components of the eigenvectors, and the
 * full eigenvectors when `opts.vectors` (for Ritz vectors).
 */
export function tridiagEig(
  alpha: ArrayLike<number>,
  beta: ArrayLike<number>,
  opts: { vectors?: boolean } = {},
): TridiagEig {
  const m = alpha.length;
  if (m < 1) throw new Error('tridiagEig: empty matrix');
  if (beta.length !== m - 1) {
    throw new Error(`tridiagEig: beta must have length alpha.length − 1 = ${m - 1}, got ${beta.length}`);
  }
  const d = Float64Array.from(alpha);
  const e = new Float64Array(m);
  for (let i = 0; i < m - 1; i++) e[i] = beta[i];
  for (let i = 0; i < m; i++) {
    if (!Number.isFinite(d[i]) || !Number.isFinite(e[i])) throw new Error('tridiagEig: non-finite entry');
  }
  const rows = opts.vectors ? m : 1;
  const z = new Float64Array(rows * m);
  for (let k = 0; k < rows; k++) z[k * m + k] = 1;
  qlImplicit(d, e, z, rows);
  const sorted = sortEig(d, z, rows);
  const zs = sorted.z as Float64Array;
  const out: TridiagEig = { values: sorted.values, firstComponents: zs.slice(0, m) };
  if (opts.vectors) out.vectors = zs;
  return out;
}

/**
 * Exact eigen-decomposition of a dense symmetric n×n matrix `a` (row-major). The input
 * must be symmetric (denseFromMatVec symmetrizes); asymmetry is not detected here. O(n³).
 */
export function symEig(a: ArrayLike<number>, n: number, opts: { vectors?: boolean } = {}): SymEig {
  if (!Number.isInteger(n) || n < 1) throw new Error(`symEig: n must be a positive integer, got ${n}`);
  if (a.length !== n * n) throw new Error(`symEig: matrix has ${a.length} entries, expected n² = ${n * n}`);
  const w = Float64Array.from(a);
  for (let i = 0; i < n * n; i++) if (!Number.isFinite(w[i])) throw new Error('symEig: non-finite entry');
  const q = opts.vectors ? identity(n) : null;
  const v = new Float64Array(n);
  const p = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    // Householder H = I − βvvᵀ (acting on indices k+1..n−1) maps column k below the diagonal to (σ, 0, …, 0).
    let xnorm = 0;
    for (let i = k + 1; i < n; i++) xnorm = Math.hypot(xnorm, w[i * n + k]);
    if (xnorm === 0) continue;
    const x0 = w[(k + 1) * n + k];
    const sigma = x0 >= 0 ? -xnorm : xnorm; // opposite sign to x0: no cancellation in v0
    for (let i = k + 1; i < n; i++) v[i] = w[i * n + k];
    v[k + 1] -= sigma;
    let vv = 0;
    for (let i = k + 1; i < n; i++) vv += v[i] * v[i];
    if (vv === 0) continue;
    const bet = 2 / vv;
    // Trailing block B ← H B H = B − v qᵀ − q vᵀ with p = βBv, q = p − (β vᵀp / 2) v.
    let vp = 0;
    for (let i = k + 1; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += w[i * n + j] * v[j];
      p[i] = bet * s;
      vp += v[i] * p[i];
    }
    const K = (bet * vp) / 2;
    for (let i = k + 1; i < n; i++) p[i] -= K * v[i];
    for (let i = k + 1; i < n; i++) {
      for (let j = k + 1; j < n; j++) w[i * n + j] -= v[i] * p[j] + p[i] * v[j];
    }
    w[(k + 1) * n + k] = w[k * n + k + 1] = sigma;
    for (let i = k + 2; i < n; i++) w[i * n + k] = w[k * n + i] = 0;
    if (q !== null) {
      // Q ← Q H: A = Q T Qᵀ with Q = H₀H₁…
      for (let r = 0; r < n; r++) {
        let s = 0;
        for (let j = k + 1; j < n; j++) s += q[r * n + j] * v[j];
        s *= bet;
        for (let j = k + 1; j < n; j++) q[r * n + j] -= s * v[j];
      }
    }
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = w[i * n + i];
  for (let i = 0; i < n - 1; i++) e[i] = w[(i + 1) * n + i];
  qlImplicit(d, e, q, n);
  const sorted = sortEig(d, q, n);
  const out: SymEig = { values: sorted.values };
  if (sorted.z !== null) out.vectors = sorted.z;
  return out;
}

function identity(n: number): Float64Array {
  const z = new Float64Array(n * n);
  for (let i = 0; i < n; i++) z[i * n + i] = 1;
  return z;
}
