/**
 * Error bounds of SLQ against a known spectrum, in Wasserstein-1 (see spectra.test.ts
 * for their derivation from Chen, Trogdon & Ubaru 2021), and a Wishart fixture with
 * its Marchenko–Pastur limit.
 */
import { makeRng } from '../../src/util/rng.js';
import type { SlqProbe, SlqResult } from '../../src/analysis/slq.js';

/** A posteriori bound on W1(Gauss rule, μ_v) from the CMS inequalities, for a spectrum inside [lo, hi]. */
export function cmsBound(p: SlqProbe, lo: number, hi: number): number {
  const { nodes: x, weights: w } = p;
  const m = x.length;
  let b = (x[0] - lo) * w[0] + (hi - x[m - 1]) * w[m - 1];
  for (let i = 0; i + 1 < m; i++) b += (x[i + 1] - x[i]) * Math.max(w[i], w[i + 1]);
  return b;
}

/** ∫ √(2F(1−F)/((n+2)n_v)) dt: the expected W1 from averaging n_v sphere probes. */
export function probeTerm(eigs: ArrayLike<number>, nv: number): number {
  const s = Array.from(eigs).sort((a, b) => a - b);
  const n = s.length;
  let t = 0;
  for (let i = 0; i + 1 < n; i++) {
    const f = (i + 1) / n;
    t += (s[i + 1] - s[i]) * Math.sqrt((2 * f * (1 - f)) / ((n + 2) * nv));
  }
  return t;
}

/** Mean CMS bound over the probes of `r`. */
export function quadratureTerm(r: SlqResult, lo: number, hi: number): number {
  return r.probes.reduce((s, p) => s + cmsBound(p, lo, hi), 0) / r.probes.length;
}

/** The Wishart matrix XᵀX/N (p×p, row-major) for X an N×p standard Gaussian matrix drawn from `seed`. */
export function wishart(p: number, N: number, seed: number): Float64Array {
  const rng = makeRng(seed);
  const x = Float64Array.from({ length: N * p }, () => rng.normal());
  const w = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < N; k++) s += x[k * p + i] * x[k * p + j];
      w[i * p + j] = w[j * p + i] = s / N;
    }
  }
  return w;
}

/**
 * The Marchenko–Pastur law with ratio γ = p/N: density √((b−t)(t−a)) / (2πγt) on
 * [a, b], a,b = (1 ∓ √γ)². Returns its support and its CDF (tabulated, then interpolated).
 */
export function marchenkoPastur(g: number): { a: number; b: number; cdf: (t: number) => number } {
  const a = (1 - Math.sqrt(g)) ** 2;
  const b = (1 + Math.sqrt(g)) ** 2;
  const cells = 20_000;
  const h = (b - a) / cells;
  const table = new Float64Array(cells + 1);
  for (let i = 0; i < cells; i++) {
    const t = a + (i + 0.5) * h;
    table[i + 1] = table[i] + (Math.sqrt((b - t) * (t - a)) / (2 * Math.PI * g * t)) * h;
  }
  const cdf = (t: number) => {
    if (t <= a) return 0;
    if (t >= b) return 1;
    const u = (t - a) / h;
    const i = Math.min(cells - 1, Math.floor(u));
    return (table[i] + (u - i) * (table[i + 1] - table[i])) / table[cells];
  };
  return { a, b, cdf };
}
