import { describe, expect, it } from 'vitest';
import { topEigs } from '../../src/analysis/topk.js';
import { matVecFromDense } from '../../src/analysis/dense.js';
import { symEig } from '../../src/analysis/tridiag.js';
import { makeRng } from '../../src/util/rng.js';
import { diagonal, withSpectrum } from './helpers.js';

describe('topEigs', () => {
  const n = 120;
  const rng = makeRng(3);
  const vals = Array.from({ length: n }, (_, i) => (i < 5 ? [10, 9, 8, 7, 6][i] : i < 8 ? -[5, 4, 3][i - 5] : rng.uniform()));
  const a = withSpectrum(vals, 4);
  const av = matVecFromDense(a, n);
  const exact = symEig(a, n, { vectors: true });

  it('Ritz values match the top eigenvalues, residuals are tiny, vectors match', async () => {
    const r = await topEigs(av, n, { k: 5 });
    expect(r.values).toHaveLength(5);
    [10, 9, 8, 7, 6].forEach((x, i) => expect(Math.abs(r.values[i] - x)).toBeLessThan(1e-10));
    for (const res of r.residuals) expect(res).toBeLessThan(1e-8);
    const v = exact.vectors as Float64Array;
    r.vectors.forEach((y, i) => {
      const j = n - 1 - i; // exact eigenvalues are ascending
      let d = 0;
      let yy = 0;
      for (let k = 0; k < n; k++) {
        d += y[k] * v[k * n + j];
        yy += y[k] * y[k];
      }
      expect(yy).toBeCloseTo(1, 12);
      expect(Math.abs(d)).toBeCloseTo(1, 10);
    });
  });

  it('finds the smallest and the largest-magnitude ends', async () => {
    const small = await topEigs(av, n, { k: 3, which: 'smallest' });
    [-5, -4, -3].forEach((x, i) => expect(small.values[i]).toBeCloseTo(x, 9));
    const mag = await topEigs(av, n, { k: 7, which: 'magnitude' });
    [10, 9, 8, 7, 6, -5, -4].forEach((x, i) => expect(mag.values[i]).toBeCloseTo(x, 9));
  });

  it('reports large residuals for unconverged pairs (too few steps)', async () => {
    const r = await topEigs(av, n, { k: 5, steps: 6 });
    expect(Math.max(...r.residuals)).toBeGreaterThan(1e-3);
    // The cheap estimate β_m|s_m| agrees with the explicit residual in float64.
    const cheap = await topEigs(av, n, { k: 5, steps: 6, residuals: false });
    cheap.residuals.forEach((x, i) => expect(x).toBeCloseTo(r.residuals[i], 8));
  });

  it('rejects k out of range and Krylov spaces smaller than k', async () => {
    await expect(topEigs(av, n, { k: 0 })).rejects.toThrow(/k must be an integer in \[1, dim = 120\]/);
    await expect(topEigs(diagonal([1, 1, 2, 2]), 4, { k: 3, label: 'tied' })).rejects.toThrow(/\[tied\].*broke down after 2 steps/);
  });
});
