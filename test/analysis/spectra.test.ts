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
import { slq, probeVector } from '../../src/analysis/slq.js';
import { eigenvalueMeasure, slqMeasure, type SpectralMeasure } from '../../src/analysis/measure.js';
import { w1Distance, w1ToCdf } from '../../src/analysis/distances.js';
import { symEig } from '../../src/analysis/tridiag.js';
import { matVecFromDense } from '../../src/analysis/dense.js';
import { diagonal } from './helpers.js';
import { cmsBound, marchenkoPastur, probeTerm, quadratureTerm, wishart } from './bounds.js';

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
    const w = wishart(p, N, 7);
    const { a, b, cdf: mp } = marchenkoPastur(p / N);
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
