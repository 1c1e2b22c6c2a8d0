import { describe, expect, it } from 'vitest';
import { hutchinson, hutchPlusPlus } from '../../src/analysis/trace.js';
import { matVecFromDense } from '../../src/analysis/dense.js';
import { makeRng } from '../../src/util/rng.js';
import { randomSymmetric, withSpectrum } from './helpers.js';

const n = 50;
const a = randomSymmetric(n, makeRng(12));
for (let i = 0; i < n; i++) a[i * n + i] += 1; // trace ≈ n: a nonzero target
const av = matVecFromDense(a, n);
let trace = 0;
let fro2 = 0;
let diag2 = 0;
for (let i = 0; i < n; i++) {
  trace += a[i * n + i];
  diag2 += a[i * n + i] ** 2;
}
for (const x of a) fro2 += x * x;

describe('trace estimators: unbiasedness', () => {
  it('Hutchinson (Rademacher) is within 4 standard errors, and its SE matches theory', async () => {
    const N = 2000;
    const r = await hutchinson(av, n, { matvecs: N, seed: 1 });
    expect(r.matvecs).toBe(N);
    expect(Math.abs(r.estimate - trace)).toBeLessThan(4 * r.stdError);
    // Per-sample variance 2(‖A‖_F² − Σ a_ii²) for Rademacher probes.
    const theory = Math.sqrt((2 * (fro2 - diag2)) / N);
    expect(r.stdError / theory).toBeGreaterThan(0.85);
    expect(r.stdError / theory).toBeLessThan(1.15);
  });

  it('Hutchinson (Gaussian) is within 4 standard errors, with variance 2‖A‖_F²', async () => {
    const N = 2000;
    const r = await hutchinson(av, n, { matvecs: N, probe: 'gaussian', seed: 2 });
    expect(Math.abs(r.estimate - trace)).toBeLessThan(4 * r.stdError);
    const theory = Math.sqrt((2 * fro2) / N);
    expect(r.stdError / theory).toBeGreaterThan(0.85);
    expect(r.stdError / theory).toBeLessThan(1.15);
  });

  it('Hutch++ is within 4 standard errors and uses its budget', async () => {
    const r = await hutchPlusPlus(av, n, { matvecs: 90, seed: 3 }); // sketch of 30 < n: a random remainder is left
    expect(r.matvecs).toBe(90);
    expect(r.stdError).toBeGreaterThan(0);
    expect(Math.abs(r.estimate - trace)).toBeLessThan(4 * r.stdError);
  });

  it('the mean over many seeds converges to the trace (unbiasedness across runs)', async () => {
    const runs = 200;
    const errs: number[] = [];
    for (let s = 0; s < runs; s++) errs.push((await hutchPlusPlus(av, n, { matvecs: 9, seed: 100 + s })).estimate - trace);
    const mean = errs.reduce((x, y) => x + y, 0) / runs;
    const sd = Math.sqrt(errs.reduce((x, e) => x + (e - mean) ** 2, 0) / (runs - 1));
    expect(Math.abs(mean)).toBeLessThan((4 * sd) / Math.sqrt(runs));
  });
});

describe('trace estimators: variance', () => {
  it('Hutch++ has far lower error than Hutchinson on a low-rank-plus-small matrix', async () => {
    const N = 200;
    const rng = makeRng(5);
    const vals = Array.from({ length: N }, (_, i) => (i < 5 ? 100 - 20 * i : 0.01 * rng.uniform()));
    const lr = withSpectrum(vals, 6);
    const op = matVecFromDense(lr, N);
    const tr = vals.reduce((s, x) => s + x, 0);
    const rmse = async (f: typeof hutchinson) => {
      let s = 0;
      for (let seed = 0; seed < 20; seed++) s += ((await f(op, N, { matvecs: 30, seed })).estimate - tr) ** 2;
      return Math.sqrt(s / 20);
    };
    const plain = await rmse(hutchinson);
    const plus = await rmse(hutchPlusPlus);
    expect(plus).toBeLessThan(plain / 100);
  });

  it('Hutch++ is exact when the sketch captures the whole range', async () => {
    const N = 40;
    const vals = Array.from({ length: N }, (_, i) => (i < 4 ? i + 1 : 0));
    const r = await hutchPlusPlus(matVecFromDense(withSpectrum(vals, 2), N), N, { matvecs: 15 });
    expect(r.estimate).toBeCloseTo(10, 10);
    expect(r.stdError).toBeLessThan(1e-10);
  });

  it('rejects bad budgets and non-finite operators with the label', async () => {
    await expect(hutchPlusPlus(av, n, { matvecs: 2 })).rejects.toThrow(/matvecs must be an integer ≥ 3/);
    await expect(hutchinson(() => new Float64Array(3).fill(NaN), 3, { label: 'emb' })).rejects.toThrow(/hutchinson \[emb\]: sample 1/);
  });
});
