import { describe, expect, it } from 'vitest';
import { blockDensities, density } from '../../src/analysis/density.js';
import {
  heterogeneityScore,
  jsDistance,
  ksDistance,
  ksToCdf,
  pairwiseMatrix,
  w1Distance,
  w1ToCdf,
} from '../../src/analysis/distances.js';
import { eigenvalueMeasure, slqMeasure, slqMeasures } from '../../src/analysis/measure.js';
import { slq } from '../../src/analysis/slq.js';
import { matVecFromDense } from '../../src/analysis/dense.js';
import { fakeSlq, withSpectrum } from './helpers.js';

const SQRT_LN2 = Math.sqrt(Math.LN2);
const bump = (center: number, label?: string) => fakeSlq([[[center - 0.05, center, center + 0.05], [0.25, 0.5, 0.25]]], label);

describe('Jensen–Shannon distance', () => {
  const spectra = { base: bump(0), near: bump(0.02), mid: bump(0.06), far: bump(3) };
  const d = blockDensities(slqMeasures(spectra), { sigma2: 1e-3 });

  it('is 0 on identical spectra, symmetric, and bounded by √ln2 (reached when disjoint)', () => {
    expect(jsDistance(d.base, d.base)).toBe(0);
    expect(jsDistance(d.near, d.mid)).toBe(jsDistance(d.mid, d.near));
    const far = jsDistance(d.base, d.far);
    expect(far).toBeLessThanOrEqual(SQRT_LN2);
    expect(far).toBeCloseTo(SQRT_LN2, 6);
  });

  it('orders hand-made spectra: closer spectra are closer', () => {
    const near = jsDistance(d.base, d.near);
    const mid = jsDistance(d.base, d.mid);
    const far = jsDistance(d.base, d.far);
    expect(near).toBeGreaterThan(0.01);
    expect(near).toBeLessThan(mid);
    expect(mid).toBeLessThan(far);
  });

  it('refuses densities on different grids', () => {
    expect(() => jsDistance(density(slqMeasure(bump(0))), density(slqMeasure(bump(1))))).toThrow(/different grids.*blockDensities/);
  });
});

describe('Wasserstein-1 and Kolmogorov–Smirnov', () => {
  const at = (...points: number[]) => eigenvalueMeasure(points);

  it('have the textbook values on point masses and shifts', () => {
    expect(w1Distance(at(0), at(1))).toBe(1);
    expect(ksDistance(at(0), at(1))).toBe(1);
    const mu = at(0, 0.3, 1, 2);
    expect(w1Distance(mu, mu)).toBe(0);
    expect(ksDistance(mu, mu)).toBe(0);
    expect(w1Distance(mu, at(0.5, 0.8, 1.5, 2.5))).toBeCloseTo(0.5, 14);
    expect(w1Distance(at(0, 1), at(0, 2))).toBeCloseTo(0.5, 14);
    expect(ksDistance(at(0, 1), at(0, 2))).toBeCloseTo(0.5, 14);
  });

  it('are symmetric and ordered sensibly', () => {
    const base = slqMeasure(bump(0));
    const near = slqMeasure(bump(0.02));
    const far = slqMeasure(bump(3));
    expect(w1Distance(base, near)).toBeCloseTo(w1Distance(near, base), 15);
    expect(ksDistance(base, far)).toBe(ksDistance(far, base));
    expect(w1Distance(base, near)).toBeCloseTo(0.02, 14);
    expect(w1Distance(base, near)).toBeLessThan(w1Distance(base, far));
    expect(ksDistance(base, near)).toBeLessThan(ksDistance(base, far));
    expect(ksDistance(base, far)).toBe(1);
  });

  it('against a continuous CDF: n midpoint atoms vs U[0,1] give W1 = 1/(4n), KS = 1/(2n)', () => {
    const n = 10;
    const mu = eigenvalueMeasure(Array.from({ length: n }, (_, i) => (i + 0.5) / n));
    const cdf = (t: number) => Math.min(1, Math.max(0, t));
    expect(w1ToCdf(mu, cdf, [-0.5, 1.5])).toBeCloseTo(1 / (4 * n), 6);
    expect(ksToCdf(mu, cdf)).toBeCloseTo(1 / (2 * n), 14);
  });
});

describe('pairwise matrices and heterogeneity', () => {
  it('builds a symmetric zero-diagonal matrix for every metric, from a record or an array', () => {
    const spectra = { a: bump(0), b: bump(0.05), c: bump(1) };
    for (const metric of ['js', 'w1', 'ks'] as const) {
      const pm = pairwiseMatrix(slqMeasures(spectra), metric, { sigma2: 1e-3 });
      expect(pm.labels).toEqual(['a', 'b', 'c']);
      for (let i = 0; i < 3; i++) {
        expect(pm.matrix[i][i]).toBe(0);
        for (let j = 0; j < 3; j++) expect(pm.matrix[i][j]).toBe(pm.matrix[j][i]);
      }
      expect(pm.matrix[0][1]).toBeLessThan(pm.matrix[0][2]);
      expect(heterogeneityScore(pm)).toBeCloseTo((pm.matrix[0][1] + pm.matrix[0][2] + pm.matrix[1][2]) / 3, 15);
    }
    const w1 = pairwiseMatrix([bump(0), bump(2)].map((r) => slqMeasure(r)), 'w1');
    expect(w1.labels).toEqual(['0', '1']);
    expect(w1.matrix[0][1]).toBeCloseTo(2, 14);
  });

  it("separates the paper's heterogeneous quadratic (case 3) from the homogeneous one (case 4)", async () => {
    const run = async (blocks: number[][]) => {
      const out: Record<string, Awaited<ReturnType<typeof slq>>> = {};
      for (const [i, vals] of blocks.entries()) {
        out[`block${i}`] = await slq(matVecFromDense(withSpectrum(vals, i + 1), 3), 3, { steps: 3, probes: 4 });
      }
      return out;
    };
    const hetero = await run([[1, 2, 3], [99, 100, 101], [4998, 4999, 5000]]);
    const homo = await run([[1, 99, 4998], [2, 100, 4999], [3, 101, 5000]]);
    // KS only sees CDF heights, not how far apart the atoms are: case 4's blocks, shifted by
    // 1 against a range of 5000, still interleave at KS ≈ 1/3, so it separates less.
    for (const [metric, factor] of [['js', 5], ['w1', 5], ['ks', 2]] as const) {
      // σ = 10 makes case 4's blocks overlap, as their spectra nearly coincide.
      const opts = { sigma2: 100 };
      const h = heterogeneityScore(pairwiseMatrix(slqMeasures(hetero), metric, opts));
      const g = heterogeneityScore(pairwiseMatrix(slqMeasures(homo), metric, opts));
      expect(h, metric).toBeGreaterThan(factor * g);
    }
  });

  it('gives clear errors for an empty block list, a single block, and an unknown metric', () => {
    expect(() => pairwiseMatrix({}, 'js')).toThrow(/no spectra given \(empty block list\)/);
    expect(() => pairwiseMatrix([], 'w1')).toThrow(/empty block list/);
    expect(() => heterogeneityScore(pairwiseMatrix({ only: slqMeasure(bump(0)) }, 'w1'))).toThrow(/at least 2 blocks, got 1/);
    expect(() => pairwiseMatrix({ a: slqMeasure(bump(0)) }, 'l2' as 'js')).toThrow(/unknown metric 'l2'/);
  });
});
