/**
 * The memory-light Lanczos modes ('none', 'selective') and float32 vector storage on
 * the known spectra of spectra.test.ts, each against the bound it earns.
 *
 * Why 'none' still earns a bound. Greenbaum (1989) showed that m steps of the bare
 * recurrence in finite precision are exact Lanczos on a larger matrix whose eigenvalues
 * lie within δ of A's, with the weight of each eigenvalue of A shared among its copies:
 * ghosts split an eigenvalue's weight, they do not add any. So the rule is the Gauss
 * rule of a measure μ̂_v within W1 δ of μ_v, and (Chen, Trogdon & Ubaru 2021) every
 * bound of spectra.test.ts holds with δ added. Greenbaum's proven δ is pessimistic;
 * Greenbaum & Strakoš (1992) observed δ ≈ ε‖A‖ in practice. We take δ = √m·u·‖A‖ with
 * u the unit roundoff of the stored vectors (2⁻⁵³ float64, 2⁻²⁴ float32): float32
 * vectors perturb every recurrence coefficient at the 2⁻²⁴ level, which plays the role
 * of ε. The tests below hold each mode to:
 * - Chebyshev moments of each probe's rule vs μ_v, degree k ≤ 2m − 1: a shift of each
 *   atom by ≤ δ moves ∫T_k by ≤ k²·δ/r (Markov's inequality, r the half-width of the
 *   interval), so |error| ≤ k²·δ/r, plus the float64 rounding of the two moment sums
 *   themselves, (n + m + k²)·2⁻⁵³ (n and m terms of size ≤ 1; T_k by its recurrence).
 * - W1 to the true spectrum: CMS quadrature term + 3× probe term + δ (+ the finite-size
 *   gap for Wishart), as in spectra.test.ts.
 * - W1 to 'full' float64 on the same probes: the probe term cancels (both rules
 *   approximate the same μ_v), leaving the two quadrature terms + 2δ.
 */
import { describe, expect, it } from 'vitest';
import { probeVector, slq, type SlqProbe, type SlqResult } from '../../src/analysis/slq.js';
import { eigenvalueMeasure, slqMeasure, type SpectralMeasure } from '../../src/analysis/measure.js';
import { w1Distance, w1ToCdf } from '../../src/analysis/distances.js';
import { symEig } from '../../src/analysis/tridiag.js';
import { matVecFromDense } from '../../src/analysis/dense.js';
import type { Reorth } from '../../src/analysis/lanczos.js';
import type { Precision } from '../../src/analysis/store.js';
import { diagonal } from './helpers.js';
import { marchenkoPastur, probeTerm, quadratureTerm, wishart } from './bounds.js';

const M = 80;
const NV = 10;
const UNIT_ROUNDOFF: Record<Precision, number> = { float64: 2 ** -53, float32: 2 ** -24 };

/** Greenbaum's δ as observed in practice: √m·u·‖A‖. */
function delta(precision: Precision, normA: number, m = M): number {
  return Math.sqrt(m) * UNIT_ROUNDOFF[precision] * normA;
}

/** Chebyshev moments ∫T_k((2t − lo − hi)/(hi − lo)) dμ for k = 0..K. */
function chebyshevMoments(points: ArrayLike<number>, weights: ArrayLike<number>, lo: number, hi: number, K: number): Float64Array {
  const out = new Float64Array(K + 1);
  for (let i = 0; i < points.length; i++) {
    const x = (2 * points[i] - lo - hi) / (hi - lo);
    let [t0, t1] = [1, x];
    out[0] += weights[i];
    out[1] += weights[i] * x;
    for (let k = 2; k <= K; k++) {
      [t0, t1] = [t1, 2 * x * t1 - t0];
      out[k] += weights[i] * t1;
    }
  }
  return out;
}

function uniformWeights(mu: SpectralMeasure): SpectralMeasure {
  return { points: mu.points, weights: mu.points.map(() => 1 / mu.points.length) };
}

const spiked = (n: number) => Array.from({ length: n }, (_, i) => (i < n - 3 ? i / (n - 4) : [5, 10, 20][i - (n - 3)]));
const squares = (n: number) => Array.from({ length: n }, (_, i) => (i / (n - 1)) ** 2);

/** 'full' float64 runs, shared by every mode's comparison. */
const reference = new Map<number[], Promise<SlqResult>>();
function fullReference(vals: number[]): Promise<SlqResult> {
  if (!reference.has(vals)) reference.set(vals, slq(diagonal(vals), vals.length, { steps: M, probes: NV, seed: 3, reorth: 'full' }));
  return reference.get(vals) as Promise<SlqResult>;
}
const SQUARES = squares(1000);
/** The Wishart fixture and its exact eigenvalues, built once for all modes. */
let wishartCase: { w: Float64Array; eigs: Float64Array } | undefined;
function wishartFixture(p: number): { w: Float64Array; eigs: Float64Array } {
  if (!wishartCase) {
    const w = wishart(p, 2 * p, 7);
    wishartCase = { w, eigs: symEig(w, p).values };
  }
  return wishartCase;
}
const SPIKED = spiked(1000);

const modes: [Reorth, Precision][] = [
  ['full', 'float64'], ['none', 'float64'], ['selective', 'float64'],
  ['full', 'float32'], ['none', 'float32'], ['selective', 'float32'],
];

describe.each(modes)('SLQ with reorth %s, %s vectors', (reorth, storage) => {
  it('each probe rule matches the Chebyshev moments of μ_v through degree 2m − 1 (spiked diagonal)', async () => {
    const n = 1000;
    const m = 40;
    const vals = spiked(n);
    const [lo, hi] = [0, 20];
    const d = delta(storage, hi, m);
    const r = await slq(diagonal(vals), n, { steps: m, probes: 3, seed: 5, reorth, storage });
    const moments = (p: SlqProbe) => chebyshevMoments(p.nodes, p.weights, lo, hi, 2 * m - 1);
    for (const p of r.probes) {
      const v = probeVector('gaussian', n, p.seed);
      const vv = v.reduce((s, x) => s + x * x, 0);
      const exact = chebyshevMoments(vals, Array.from(v, (x) => (x * x) / vv), lo, hi, 2 * m - 1);
      const rule = moments(p);
      for (let k = 0; k < 2 * m; k++) {
        const tol = (k * k * d) / ((hi - lo) / 2) + (n + m + k * k) * 2 ** -53;
        expect(Math.abs(rule[k] - exact[k]), `moment ${k}`).toBeLessThanOrEqual(tol);
      }
      // Forgetting the Gauss weights breaks the first moment by far more than the tolerance.
      const flat = moments({ ...p, weights: p.weights.map(() => 1 / p.weights.length) });
      expect(Math.abs(flat[1] - exact[1])).toBeGreaterThan(1000 * (2 * d) / ((hi - lo) / 2));
    }
  });

  it('W1 to the true spectrum and to full float64 (diagonal λ = (k/(n−1))², and spiked)', async () => {
    for (const [vals, hi] of [[SQUARES, 1], [SPIKED, 20]] as const) {
      const truth = eigenvalueMeasure(vals);
      const r = await slq(diagonal(vals), vals.length, { steps: M, probes: NV, seed: 3, reorth, storage });
      const ref = await fullReference(vals);
      const d = delta(storage, hi);
      const mu = slqMeasure(r);
      const tol = quadratureTerm(r, 0, hi) + 3 * probeTerm(vals, NV) + d;
      expect(w1Distance(mu, truth)).toBeLessThan(tol);
      expect(w1Distance(uniformWeights(mu), truth)).toBeGreaterThan(tol);
      expect(w1Distance(mu, slqMeasure(ref))).toBeLessThan(quadratureTerm(r, 0, hi) + quadratureTerm(ref, 0, hi) + 2 * d);
    }
  });

  it('W1 to the Marchenko–Pastur law (Wishart p = 400, N = 800)', async () => {
    const p = 400;
    const { w, eigs } = wishartFixture(p);
    const { b, cdf } = marchenkoPastur(p / 800);
    const range: [number, number] = [0, b + 0.5];
    const finiteSize = w1ToCdf(eigenvalueMeasure(eigs), cdf, range);
    const r: SlqResult = await slq(matVecFromDense(w, p), p, { steps: M, probes: NV, seed: 3, reorth, storage });
    const mu = slqMeasure(r);
    const tol = quadratureTerm(r, eigs[0], eigs[p - 1]) + 3 * probeTerm(eigs, NV) + finiteSize + delta(storage, eigs[p - 1]);
    expect(w1ToCdf(mu, cdf, range)).toBeLessThan(tol);
    expect(w1ToCdf(uniformWeights(mu), cdf, range)).toBeGreaterThan(tol);
  });
});
