/** Test fixtures: small operators with known spectra. */
import { makeRng, type Rng } from '../../src/util/rng.js';
import { symEig } from '../../src/analysis/tridiag.js';
import type { MatVec } from '../../src/analysis/lanczos.js';
import type { SlqResult } from '../../src/analysis/slq.js';

/** Random symmetric n×n matrix with N(0,1) entries (GOE-like), row-major. */
export function randomSymmetric(n: number, rng: Rng): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.normal();
  }
  return a;
}

/** Random orthogonal n×n matrix (eigenvectors of a random symmetric matrix), row-major. */
export function randomOrthogonal(n: number, rng: Rng): Float64Array {
  return symEig(randomSymmetric(n, rng), n, { vectors: true }).vectors as Float64Array;
}

/** Q diag(values) Qᵀ for a random orthogonal Q: a dense matrix with exactly these eigenvalues. */
export function withSpectrum(values: ArrayLike<number>, seed: number): Float64Array {
  const n = values.length;
  const q = randomOrthogonal(n, makeRng(seed));
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[i * n + k] * values[k] * q[j * n + k];
      a[i * n + j] = a[j * n + i] = s;
    }
  }
  return a;
}

/** The diagonal operator diag(values): cheap, with a known spectrum. */
export function diagonal(values: ArrayLike<number>): MatVec {
  const d = Float64Array.from(values);
  return (v) => Float64Array.from(v, (x, i) => x * d[i]);
}

/** x ↦ xᵀ A y for row-major A. */
export function bilinear(a: Float64Array, n: number, x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let j = 0; j < n; j++) r += a[i * n + j] * y[j];
    s += x[i] * r;
  }
  return s;
}

/** A hand-made SLQ result: one [nodes, weights] pair per probe (weights should sum to 1). */
export function fakeSlq(probes: [number[], number[]][], label?: string): SlqResult {
  const dim = Math.max(...probes.map(([x]) => x.length));
  return {
    kind: 'slq',
    dim,
    steps: dim,
    probe: 'gaussian',
    seed: 0,
    reorth: 'full',
    ...(label === undefined ? {} : { label }),
    probes: probes.map(([nodes, weights], index) => ({ index, seed: index, nodes, weights, steps: nodes.length, breakdown: false })),
  };
}

/** Trapezoid ∫ f(t)·values dt on a density's grid. */
export function integrate(grid: number[], values: number[], f: (t: number) => number = () => 1): number {
  let s = 0;
  for (let i = 0; i + 1 < grid.length; i++) s += 0.5 * (grid[i + 1] - grid[i]) * (values[i] * f(grid[i]) + values[i + 1] * f(grid[i + 1]));
  return s;
}
