/** Axis conventions: what each one is invariant to, what it sees, and that every setting is data. */
import { describe, expect, it } from 'vitest';
import {
  allConventions, axisScale, convention, conventionName, defaultConventions, eigenvalueMeasure, probeMeasures,
  scoreUnder, slq, slqMeasure, slqProbeMeasures, transformBlocks, type AxisConvention, type SpectralMeasure,
} from '../../src/analysis/index.js';
import { diagonal } from './helpers.js';

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
/** Three blocks of different shapes (uniform, clustered low, two clusters), 30 eigenvalues each. */
const shapes = [range(30, (i) => 1 + i), range(30, (i) => 1 + 0.1 * i + (i === 29 ? 28 : 0)), range(30, (i) => (i < 15 ? 1 + 0.05 * i : 25 + 0.1 * i))];
const blocksOf = (scales: number[]): Record<string, SpectralMeasure> =>
  Object.fromEntries(shapes.map((s, b) => [`b${b}`, eigenvalueMeasure(s.map((x) => x * scales[b]))]));

describe('axis conventions', () => {
  it('per-block normalizations see shape only; raw-relative ignores a global scale but sees a per-block one', () => {
    const base = blocksOf([1, 1, 1]);
    const perBlock = blocksOf([1, 10, 1000]);
    const global = blocksOf([1e-3, 1e-3, 1e-3]);
    for (const c of [convention('lambda-max'), convention('kth-largest')]) {
      expect(scoreUnder(c, perBlock).js0, c.kind).toBeCloseTo(scoreUnder(c, base).js0, 10);
      expect(scoreUnder(c, perBlock).ks0, c.kind).toBeCloseTo(scoreUnder(c, base).ks0, 12);
    }
    const rel = convention('raw-relative');
    expect(scoreUnder(rel, global).js0).toBeCloseTo(scoreUnder(rel, base).js0, 10);
    // Two blocks of one shape: identical at equal scale, far apart when one is 3× the other.
    const same = (a: number, b: number) => ({ a: eigenvalueMeasure(shapes[0].map((x) => a * x)), b: eigenvalueMeasure(shapes[0].map((x) => b * x)) });
    expect(scoreUnder(rel, same(1, 1)).js0).toBe(0);
    expect(scoreUnder(rel, same(1, 3)).js0).toBeGreaterThan(0.5);
    expect(scoreUnder(convention('lambda-max'), same(1, 3)).js0).toBeCloseTo(0, 12);
    // But one σ for all blocks compresses small ones: next to a block 1000× larger, two blocks
    // of different shapes both sit within σ of 0 and look alike (raw-absolute's failure, relative to the span).
    const js01 = (scales: number[]) => {
      const m = blocksOf(scales);
      return scoreUnder(rel, { b0: m.b0, b1: m.b1, b2: m.b2 }).js0 * 3 - scoreUnder(rel, { b0: m.b0, b2: m.b2 }).js0 - scoreUnder(rel, { b1: m.b1, b2: m.b2 }).js0;
    };
    expect(js01([1, 1, 1])).toBeGreaterThan(0.3);
    expect(js01([1, 1, 1000])).toBeLessThan(0.05);
    // log-abs sees a per-block scale as a shift of that block's log density, and ignores a global one.
    const log = convention('log-abs');
    expect(scoreUnder(log, same(1, 1)).js0).toBe(0);
    expect(scoreUnder(log, same(1, 10)).js0).toBeGreaterThan(0.3); // a shift of 1 decade = 2σ
    expect(scoreUnder(log, global).js0).toBeCloseTo(scoreUnder(log, base).js0, 6);
  });

  it('raw-absolute with a fixed σ cannot tell shapes apart once every eigenvalue is inside σ', () => {
    // All eigenvalues below 1e-4 < σ = √1e-5 ≈ 3.2e-3: the densities are ≈ N(0, σ²) whatever the shapes.
    const small = blocksOf([3e-6, 3e-6, 3e-6]);
    expect(scoreUnder(convention('raw-absolute'), small).js0).toBeLessThan(0.05);
    expect(scoreUnder(convention('lambda-max'), small).js0).toBeGreaterThan(0.3);
  });

  it('log-abs folds signs onto |λ| and clamps near-zero mass at floor · max|λ|, recorded per block', () => {
    const c = convention('log-abs', { floor: 1e-4 });
    const t = transformBlocks(c, { pos: eigenvalueMeasure([0, 1e-9, 2, 100]), neg: eigenvalueMeasure([-100, -2, 0, 1e-9]) });
    expect(t.axis).toEqual({ pos: 1e-2, neg: 1e-2 });
    expect(t.pooled.pos.points).toEqual([-2, Math.log10(2), 2]); // 0 and 1e-9 both clamp at log10(1e-4 · 100) = −2
    expect(t.pooled.pos.weights).toEqual([0.5, 0.25, 0.25]);
    expect(t.pooled.neg).toEqual({ ...t.pooled.pos, label: 'neg' });
    expect(scoreUnder(c, t.pooled).js0).toBe(0);
  });

  it('agrees with slqMeasure: raw pooling, and the k-th largest node averaged over probes', async () => {
    const r = await slq(diagonal(range(40, (i) => 1 + i * i)), 40, { steps: 20, probes: 4, seed: 3 });
    const t = transformBlocks(convention('kth-largest', { k: 5 }), { a: probeMeasures(r), b: probeMeasures(r) });
    expect(t.axis.a).toBeCloseTo(axisScale(r, { kthLargest: 5 }), 12);
    const pooled = transformBlocks(convention('raw-absolute'), { a: probeMeasures(r), b: probeMeasures(r) }).pooled.a;
    const ref = slqMeasure(r);
    expect(pooled.points).toEqual(ref.points);
    pooled.weights.forEach((w, i) => expect(w).toBeCloseTo(ref.weights[i], 15));
  });

  it('is plain data: a JSON round trip scores the same; names are stable', () => {
    const c: AxisConvention = JSON.parse(JSON.stringify(convention('log-abs', { sigma2: 0.04 })));
    expect(c).toEqual({ kind: 'log-abs', signs: 'abs', floor: 3e-2, sigma2: 0.04 });
    expect(scoreUnder(c, blocksOf([1, 2, 3])).js0).toBe(scoreUnder(convention('log-abs', { sigma2: 0.04 }), blocksOf([1, 2, 3])).js0);
    expect(defaultConventions().map(conventionName)).toEqual([
      'raw-relative σ=0.01·span', 'raw-absolute σ²=0.00001', 'lambda-max σ²=0.0001', 'kth-largest k=10 σ²=0.0001', 'log-abs floor=0.03 σ²=0.25 dec²',
    ]);
  });

  it('the sensitivity table has every convention and records where one cannot apply', async () => {
    const results = { a: await slq(diagonal(range(8, (i) => i + 1)), 8, { steps: 8, probes: 3, seed: 1 }), b: await slq(diagonal(range(8, (i) => (i + 1) ** 2)), 8, { steps: 8, probes: 3, seed: 1 }) };
    const table = allConventions(slqProbeMeasures(results));
    expect(Object.keys(table)).toEqual(defaultConventions().map(conventionName));
    const kth = table['kth-largest k=10 σ²=0.0001'];
    expect(kth.js0).toBeNull();
    expect(kth.error).toMatch(/probe 0 has only 8 atoms, cannot take the 10-th largest/);
    for (const row of Object.values(table).filter((r) => r.convention.kind !== 'kth-largest')) {
      expect(row.js0, conventionName(row.convention)).toBeGreaterThan(0);
      expect(row.ks0, conventionName(row.convention)).toBeGreaterThan(0);
    }
  });

  it('names the problem on bad input', () => {
    expect(() => convention('raw-relative', { sigmaFraction: 0 })).toThrow(/sigmaFraction must lie in \(0, 1\)/);
    expect(() => convention('kth-largest', { k: 2.5 })).toThrow(/k must be a positive integer/);
    expect(() => convention('nope' as 'log-abs')).toThrow(/unknown kind 'nope'/);
    expect(() => scoreUnder(convention('raw-relative'), { a: eigenvalueMeasure([1, 2]) })).toThrow(/needs at least 2 blocks/);
    expect(() => scoreUnder(convention('lambda-max'), { a: eigenvalueMeasure([-2, -1]), b: eigenvalueMeasure([1]) })).toThrow(/\[a\].*divisor.*-1.*must be > 0/);
    expect(() => allConventions({ a: [], b: eigenvalueMeasure([1]) })).toThrow(/\[a\]: block has no probe measures/);
  });
});
