import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import { denseEig } from '../../src/analysis/index.js';
import {
  KAPPA, caseEigenvalues, quadBlocks, quadGrad, quadLoss, quadLossFn, quadParams, quadraticCase, type CaseId,
} from '../../src/models/quadratic.js';

const relClose = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]))).toBeLessThan(tol);
};

describe('quadratic cases', () => {
  it('Cases 3 and 4 hold the paper\'s nine eigenvalues, grouped differently', () => {
    expect(caseEigenvalues(3)).toEqual([[1, 2, 3], [99, 100, 101], [4998, 4999, 5000]]);
    expect(caseEigenvalues(4)).toEqual([[1, 99, 4998], [2, 100, 4999], [3, 101, 5000]]);
  });

  it('Cases 1 and 2: 4 blocks of 25, overall κ = 5000; per-block κ small in Case 1, large in Case 2', () => {
    for (const c of [1, 2] as const) {
      const e = caseEigenvalues(c, 3);
      expect(e.map((b) => b.length)).toEqual([25, 25, 25, 25]);
      const all = e.flat();
      expect(Math.min(...all)).toBeCloseTo(1, 12);
      expect(Math.max(...all)).toBeCloseTo(KAPPA, 9);
      const kb = e.map((b) => b[24] / b[0]);
      if (c === 1) kb.forEach((k) => expect(k).toBeLessThan(20));
      else kb.forEach((k) => expect(k).toBeGreaterThan(300));
    }
    expect(caseEigenvalues(1, 3)).toEqual(caseEigenvalues(1, 3));
    expect(caseEigenvalues(1, 3)).not.toEqual(caseEigenvalues(1, 4));
  });

  it.each([3, 4, 1] as CaseId[])('Case %i: each block of the hg loss\'s Hessian (via HVPs) has exactly the case\'s eigenvalues', async (c) => {
    const q = quadraticCase(c, 11);
    const { loss, dispose } = quadLossFn(q);
    const params = hg.keep(quadParams(q));
    const names = quadBlocks(q).map((b) => b.param);
    for (const [b, name] of names.entries()) {
      const n = q.blocks[b].eigenvalues.length;
      const matvec = (v: Float64Array): Float64Array =>
        hg.tidy(() => Float64Array.from(hg.hvp(loss, params, { [name]: hg.tensor(v, [n], 'float64') })[name].dataSync()));
      const { values } = await denseEig(matvec, n);
      relClose(values, q.blocks[b].eigenvalues, 1e-10);
    }
    dispose();
    hg.dispose(Object.values(params));
  });

  it('the hg loss and its gradient match the host f(w) and Hw − h', () => {
    const q = quadraticCase(1, 2);
    const w = Float64Array.from({ length: q.dim }, (_, i) => Math.sin(i + 1));
    const { loss, dispose } = quadLossFn(q);
    const params = quadParams(q, w);
    const { value, grads } = hg.valueAndGrad(loss)(params);
    expect(value.item()).toBeCloseTo(quadLoss(q, w), 9);
    const g = quadGrad(q, w);
    relClose(q.blocks.flatMap((b) => Array.from(grads[b.name].dataSync())), g, 1e-12);
    dispose();
  });

  it('f* is the minimum: GD run to convergence reaches it', () => {
    const q = quadraticCase(3, 0);
    const w = Float64Array.from(q.w0);
    const g = new Float64Array(q.dim);
    // On the block eigenbasis GD with step 1/λ_b per block would be exact; plain GD with 1.9/5000 needs many steps on λ = 1.
    for (let t = 0; t < 40000; t++) {
      quadGrad(q, w, g);
      for (let i = 0; i < q.dim; i++) w[i] -= (1.9 / 5000) * g[i];
    }
    expect(quadLoss(q, w) - q.fStar).toBeLessThan(1e-9);
    expect(quadLoss(q, w) - q.fStar).toBeGreaterThan(-1e-12);
  });
});
