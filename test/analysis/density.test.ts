import { describe, expect, it } from 'vitest';
import { blockDensities, density } from '../../src/analysis/density.js';
import { axisScale, slqMeasure, slqMeasures } from '../../src/analysis/measure.js';
import { fakeSlq, integrate } from './helpers.js';

describe('density', () => {
  it('a single node gives a normalized Gaussian with variance σ² (paper default 1e-5)', () => {
    const d = density(slqMeasure(fakeSlq([[[0.3], [1]]])));
    expect(d.sigma2).toBe(1e-5);
    expect(integrate(d.grid, d.values)).toBeCloseTo(1, 12);
    const mean = integrate(d.grid, d.values, (t) => t);
    expect(mean).toBeCloseTo(0.3, 10);
    expect(integrate(d.grid, d.values, (t) => (t - 0.3) ** 2) / 1e-5).toBeCloseTo(1, 6);
    // Padding 7σ: the grid ends where the Gaussian has decayed below the paper's 1e-10 plot floor.
    const peak = Math.max(...d.values);
    expect(d.values[0] / peak).toBeLessThan(1e-10);
    expect(d.values[0] / peak).toBeGreaterThan(1e-12);
    expect(d.grid).toHaveLength(10_000);
  });

  it('mixes probes with equal mass and nodes by their weights', () => {
    // Probe 1: all mass at 0; probe 2: 1/4 at 0 and 3/4 at 1 → total 5/8 at 0, 3/8 at 1.
    const d = density(slqMeasure(fakeSlq([[[0], [1]], [[0, 1], [0.25, 0.75]]])));
    const near = (c: number) => integrate(d.grid, d.values.map((v, i) => (Math.abs(d.grid[i] - c) < 0.1 ? v : 0)));
    expect(near(0)).toBeCloseTo(5 / 8, 6);
    expect(near(1)).toBeCloseTo(3 / 8, 6);
  });

  it('relative σ scales with the span; the grid resolves σ automatically', () => {
    const r = fakeSlq([[[-50, 0, 150], [0.2, 0.5, 0.3]]]);
    const rel = density(slqMeasure(r), { sigmaMode: 'relative', sigma2: 1e-4 });
    expect(rel.sigma2).toBeCloseTo(1e-4 * 200 ** 2, 9);
    const abs = density(slqMeasure(r)); // σ ≈ 3.2e-3 over a span of ~200: needs > 10000 points
    expect(abs.step).toBeLessThanOrEqual(Math.sqrt(abs.sigma2) / 2);
    expect(abs.grid.length).toBeGreaterThan(10_000);
    expect(integrate(abs.grid, abs.values)).toBeCloseTo(1, 12);
    expect(density(slqMeasure(r), { gridPoints: 500 }).grid).toHaveLength(500);
  });

  it('normalizes the axis by the k-th largest node averaged over probes', () => {
    const r = fakeSlq([
      [[1, 2, 4], [0.2, 0.3, 0.5]],
      [[1, 3, 5], [0.2, 0.3, 0.5]],
    ]);
    expect(axisScale(r, { kthLargest: 2 })).toBe(2.5);
    const d = density(slqMeasure(r, { kthLargest: 2 }), { padding: 0 });
    expect(d.scale).toBe(2.5);
    expect(d.grid[0]).toBeCloseTo(1 / 2.5, 14);
    expect(d.grid[d.grid.length - 1]).toBeCloseTo(5 / 2.5, 14);
    expect(() => density(slqMeasure(r, { kthLargest: 4 }))).toThrow(/only 3 nodes/);
    expect(() => density(slqMeasure(fakeSlq([[[-2, -1], [0.5, 0.5]]]), { kthLargest: 1 }))).toThrow(/must be > 0/);
  });

  it('blockDensities puts blocks of different ranges on one common grid', () => {
    const blocks = { a: fakeSlq([[[0, 0.1], [0.5, 0.5]]]), b: fakeSlq([[[5, 7], [0.5, 0.5]]]) };
    const ds = blockDensities(slqMeasures(blocks));
    expect(ds.a.grid).toEqual(ds.b.grid);
    expect(ds.a.grid[0]).toBeLessThan(0);
    expect(ds.a.grid[ds.a.grid.length - 1]).toBeGreaterThan(7);
    for (const d of Object.values(ds)) expect(integrate(d.grid, d.values)).toBeCloseTo(1, 12);
    expect(() => blockDensities({})).toThrow(/no SLQ results/);
  });

  it('refuses a grid with no spectral mass and bad options', () => {
    const r = fakeSlq([[[0], [1]]]);
    expect(() => density(slqMeasure(r), { range: [10, 11] })).toThrow(/no spectral mass/);
    expect(() => density(slqMeasure(r), { sigma2: 0 })).toThrow(/sigma2 must be > 0/);
    expect(() => density(slqMeasure(r), { gridPoints: 1 })).toThrow(/gridPoints/);
  });
});
