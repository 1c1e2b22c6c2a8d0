/**
 * SLQ against known spectra, in Wasserstein-1 distance between cumulative spectral measures.
 *
 * Tolerances. SLQ's error splits into (Chen, Trogdon & Ubaru 2021, "Analysis of
 * stochastic Lanczos quadrature for spectrum approximation"):
 *   W1(SLQ, μ) ≤ (1/n_v) Σ_v W1(Gauss rule of μ_v, μ_v) + W1(mean_v μ_v, μ),
 * where μ_v = Σ_k (u_kᵀv)²/‖v‖² δ(λ_k) is the measure seen by probe v.
 * - Quadrature term. CTU's a priori bound is t·(λmax − λmin) after ⌈12/t + ½⌉ steps:
 *   at m = 80 that allows 0.15·(λmax − λmin), too loose to catch e.g. dropped weights
 *   (a uniform-weight rule is off by ~0.16 on [0, 1]). We use the sharper a posteriori
 *   bound (also in CTU) from the Chebyshev–Markov–Stieltjes inequalities: between
 *   consecutive nodes the true CDF stays within one adjacent weight of the Gauss CDF, so
 *   W1 ≤ Σ_i (θ_{i+1} − θ_i)·max(τ_i, τ_{i+1}) + (θ_1 − λmin)τ_1 + (λmax − θ_m)τ_m.
 *   The first test checks this bound probe by probe where μ_v is known exactly.
 * - Probe term. For v uniform on the sphere, F_v(t) ~ Beta(k/2, (n−k)/2) with
 *   k = #{λ ≤ t}, so sd(mean of n_v) = √(2F(1−F)/((n+2)n_v)) and E W1 ≤ ∫ that dt
 *   (CTU's second term). We allow 3× its expectation; seeds are fixed, so the test is
 *   deterministic, and the margin covers W1's (small) fluctuation around its mean.
 * - Wishart: plus the finite-size gap W1(ESD, MP), measured from the exact eigenvalues
 *   and itself checked against the O(1/p) convergence rate of the ESD to MP.
 * Each test also shows that a plausible bug (uniform weights on the same nodes) fails.
 */
import { describe, expect, it } from 'vitest';
import { slq, probeVector, type SlqProbe, type SlqResult } from '../../src/analysis/slq.js';
import { eigenvalueMeasure, slqMeasure, type SpectralMeasure } from '../../src/analysis/measure.js';
import { w1Distance, w1ToCdf } from '../../src/analysis/distances.js';
import { symEig } from '../../src/analysis/tridiag.js';
import { matVecFromDense } from '../../src/analysis/dense.js';
import { makeRng } from '../../src/util/rng.js';
import { diagonal } from './helpers.js';

/** A posteriori bound on W1(Gauss rule, μ_v) from the CMS inequalities, for a spectrum inside [lo, hi]. */
function cmsBound(p: SlqProbe, lo: number, hi: number): number {
  const { nodes: x, weights: w } = p;
  const m = x.length;
  let b = (x[0] - lo) * w[0] + (hi - x[m - 1]) * w[m - 1];
  for (let i = 0; i + 1 < m; i++) b += (x[i + 1] - x[i]) * Math.max(w[i], w[i + 1]);
  return b;
}

/** ∫ √(2F(1−F)/((n+2)n_v)) dt: the expected W1 from averaging n_v sphere probes. */
function probeTerm(eigs: ArrayLike<number>, nv: number): number {
  const s = Array.from(eigs).sort((a, b) => a - b);
  const n = s.length;
  let t = 0;
  for (let i = 0; i + 1 < n; i++) {
    const f = (i + 1) / n;
    t += (s[i + 1] - s[i]) * Math.sqrt((2 * f * (1 - f)) / ((n + 2) * nv));
  }
  return t;
}

function quadratureTerm(r: SlqResult, lo: number, hi: number): number {
  return r.probes.reduce((s, p) => s + cmsBound(p, lo, hi), 0) / r.probes.length;
}

/** Same nodes, equal weights: what forgetting the Gauss weights would give. */
function uniformWeights(mu: SpectralMeasure): SpectralMeasure {
  return { points: mu.points, weights: mu.points.map(() => 1 / mu.points.length) };
}

const M = 80;
const NV = 10;

describe('SLQ on known spectra (W1)', () => {
  it('CMS bound holds probe by probe on a diagonal matrix, where μ_v is exact', async () => {
    const n = 500;
    const vals = Array.from({ length: n }, (_, i) => Math.sqrt(i / (n - 1)));
    const r = await slq(diagonal(vals), n, { steps: 30, probes: 5, seed: 4 });
    for (const p of r.probes) {
      // For a diagonal operator u_k = e_k, so μ_v has weights v_k² / ‖v‖².
      const v = probeVector('gaussian', n, p.seed);
      const vv = v.reduce((s, x) => s + x * x, 0);
      const muV = { points: vals, weights: Array.from(v, (x) => (x * x) / vv) };
      const w1 = w1Distance({ points: p.nodes, weights: p.weights }, muV);
      expect(w1).toBeLessThanOrEqual(cmsBound(p, 0, 1));
      expect(w1).toBeGreaterThan(0);
    }
  });

  it('diagonal matrix: λ_k = (k/(n−1))², n = 1000', async () => {
    const n = 1000;
    const vals = Array.from({ length: n }, (_, i) => (i / (n - 1)) ** 2);
    const r = await slq(diagonal(vals), n, { steps: M, probes: NV, seed: 3 });
    const truth = eigenvalueMeasure(vals);
    const tol = quadratureTerm(r, 0, 1) + 3 * probeTerm(vals, NV);
    const mu = slqMeasure(r);
    expect(w1Distance(mu, truth)).toBeLessThan(tol);
    expect(w1Distance(uniformWeights(mu), truth)).toBeGreaterThan(tol);
  });

  it('spiked matrix: uniform bulk on [0, 1] plus spikes 5, 10, 20', async () => {
    const n = 1000;
    const spikes = [5, 10, 20];
    const vals = Array.from({ length: n }, (_, i) => (i < n - 3 ? i / (n - 4) : spikes[i - (n - 3)]));
    const r = await slq(diagonal(vals), n, { steps: M, probes: NV, seed: 3 });
    const mu = slqMeasure(r);
    const truth = eigenvalueMeasure(vals);
    const tol = quadratureTerm(r, 0, 20) + 3 * probeTerm(vals, NV);
    expect(w1Distance(mu, truth)).toBeLessThan(tol);
    expect(w1Distance(uniformWeights(mu), truth)).toBeGreaterThan(tol);
    // The spikes are resolved as nodes in every probe.
    for (const p of r.probes) for (const s of spikes) expect(p.nodes.some((x) => Math.abs(x - s) < 1e-8)).toBe(true);
  });

  it('Wishart matrix XᵀX/N (p = 400, N = 800) against the Marchenko–Pastur law', async () => {
    const p = 400;
    const N = 800;
    const rng = makeRng(7);
    const x = Float64Array.from({ length: N * p }, () => rng.normal());
    const w = new Float64Array(p * p);
    for (let i = 0; i < p; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let k = 0; k < N; k++) s += x[k * p + i] * x[k * p + j];
        w[i * p + j] = w[j * p + i] = s / N;
      }
    }
    // MP law with ratio γ = p/N: density √((b−t)(t−a)) / (2πγt) on [a, b], a,b = (1 ∓ √γ)².
    const g = p / N;
    const a = (1 - Math.sqrt(g)) ** 2;
    const b = (1 + Math.sqrt(g)) ** 2;
    const cells = 20_000;
    const h = (b - a) / cells;
    const table = new Float64Array(cells + 1);
    for (let i = 0; i < cells; i++) {
      const t = a + (i + 0.5) * h;
      table[i + 1] = table[i] + (Math.sqrt((b - t) * (t - a)) / (2 * Math.PI * g * t)) * h;
    }
    const mp = (t: number) => {
      if (t <= a) return 0;
      if (t >= b) return 1;
      const u = (t - a) / h;
      const i = Math.min(cells - 1, Math.floor(u));
      return (table[i] + (u - i) * (table[i + 1] - table[i])) / table[cells];
    };
    const range: [number, number] = [0, b + 0.5];

    const eigs = symEig(w, p).values;
    const finiteSize = w1ToCdf(eigenvalueMeasure(eigs), mp, range);
    expect(finiteSize).toBeLessThan((3 * (b - a)) / p); // ESD → MP at rate O(1/p)

    const r = await slq(matVecFromDense(w, p), p, { steps: M, probes: NV, seed: 3 });
    const mu = slqMeasure(r);
    const tol = quadratureTerm(r, eigs[0], eigs[p - 1]) + 3 * probeTerm(eigs, NV) + finiteSize;
    expect(w1ToCdf(mu, mp, range)).toBeLessThan(tol);
    expect(w1ToCdf(uniformWeights(mu), mp, range)).toBeGreaterThan(tol);
  });
});
