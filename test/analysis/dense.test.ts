import { describe, expect, it } from 'vitest';
import { denseEig, denseFromMatVec, matVecFromDense } from '../../src/analysis/dense.js';
import { symEig } from '../../src/analysis/tridiag.js';
import { makeRng } from '../../src/util/rng.js';
import { randomSymmetric } from './helpers.js';

describe('dense', () => {
  it('rebuilds a symmetric matrix from its (async) matvec, and its exact eigenvalues', async () => {
    const n = 25;
    const a = randomSymmetric(n, makeRng(1));
    const op = matVecFromDense(a, n);
    const d = await denseFromMatVec(async (v) => op(v), n);
    expect(Array.from(d.data)).toEqual(Array.from(a));
    expect(d.asymmetry).toBe(0);
    const e = await denseEig(op, n);
    const ref = symEig(a, n).values;
    for (let i = 0; i < n; i++) expect(e.values[i]).toBe(ref[i]);
  });

  it('symmetrizes rounding-level asymmetry and rejects real asymmetry', async () => {
    const n = 4;
    const a = randomSymmetric(n, makeRng(2));
    a[1] += 1e-12;
    const d = await denseFromMatVec(matVecFromDense(a, n), n);
    expect(d.data[1]).toBe(d.data[n]);
    a[1] += 0.5;
    await expect(denseFromMatVec(matVecFromDense(a, n), n, { label: 'proj' })).rejects.toThrow(/\[proj\].*not symmetric/);
  });

  it('refuses dimensions above maxDim', async () => {
    await expect(denseFromMatVec((v) => v, 5000)).rejects.toThrow(/dim 5000 exceeds maxDim 4096/);
  });
});
