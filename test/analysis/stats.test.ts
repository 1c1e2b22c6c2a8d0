/** Percentiles, Student-t quantiles, ranks and Spearman's ρ against known values. */
import { describe, expect, it } from 'vitest';
import { sampleMean as mean, percentile, ranks, sampleSd, spearman, tCdf, tQuantile } from '../../src/analysis/index.js';

describe('stats', () => {
  it('t quantiles match the tables (df 1, 2, 4, 10, 30) and tend to the normal', () => {
    // Two-sided 95% critical values from standard t tables.
    const table: [number, number][] = [[1, 12.7062047], [2, 4.30265273], [4, 2.77644511], [10, 2.22813885], [30, 2.04227246]];
    for (const [df, t] of table) expect(tQuantile(0.975, df), `df ${df}`).toBeCloseTo(t, 6);
    expect(tQuantile(0.975, 1e6)).toBeCloseTo(1.959964, 4);
    expect(tQuantile(0.025, 2)).toBeCloseTo(-4.30265273, 6);
    expect(tCdf(0, 3)).toBe(0.5);
    expect(tCdf(1, 1)).toBeCloseTo(0.75, 12); // Cauchy: ½ + atan(1)/π
    expect(() => tQuantile(1, 3)).toThrow(/p must lie in \(0, 1\)/);
  });

  it('percentiles interpolate like R type 7; mean and sample sd', () => {
    expect(percentile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(percentile([10, 20], 0.1)).toBeCloseTo(11, 12);
    expect(mean([1, 2, 3])).toBe(2);
    expect(sampleSd([1, 2, 3])).toBe(1);
    expect(() => percentile([], 0.5)).toThrow(/empty/);
    expect(() => sampleSd([1])).toThrow(/at least 2/);
  });

  it('ranks share ties; Spearman is ±1 on monotone data and matches a hand-computed case', () => {
    expect(ranks([10, 30, 20, 20])).toEqual([1, 4, 2.5, 2.5]);
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 14);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 14);
    // Ranks (1,2,3,4,5) vs (2,1,4,3,5): Σd² = 4, ρ = 1 − 6·4/(5·24) = 0.8.
    expect(spearman([1, 2, 3, 4, 5], [0.2, 0.1, 0.4, 0.3, 0.5])).toBeCloseTo(0.8, 14);
    expect(() => spearman([1, 1, 1], [1, 2, 3])).toThrow(/x is constant/);
    expect(() => spearman([1, 2], [1])).toThrow(/x has 2 values, y has 1/);
  });
});
