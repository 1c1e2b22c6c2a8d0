import { describe, expect, it } from 'vitest';
import { checkSymmetric, lanczos, type MatVec } from '../../src/analysis/lanczos.js';
import { makeRng } from '../../src/util/rng.js';
import { symEig, tridiagEig } from '../../src/analysis/tridiag.js';
import { matVecFromDense } from '../../src/analysis/dense.js';
import { diagonal, randomSymmetric } from './helpers.js';

describe('lanczos: exactness', () => {
  it('with m = n, the Ritz values are the exact eigenvalues (n = 30)', async () => {
    const n = 30;
    for (const seed of [1, 2, 3]) {
      const a = randomSymmetric(n, makeRng(seed));
      const exact = symEig(a, n).values;
      const lz = await lanczos(matVecFromDense(a, n), n, { steps: n, rng: makeRng(seed + 100) });
      expect(lz.steps).toBe(n);
      expect(lz.breakdown).toBe(false);
      const ritz = tridiagEig(lz.alpha, lz.beta).values;
      for (let i = 0; i < n; i++) expect(Math.abs(ritz[i] - exact[i])).toBeLessThan(1e-8);
    }
  });

  it('full reorthogonalization keeps the basis orthonormal and T = QᵀAQ', async () => {
    const n = 30;
    const a = randomSymmetric(n, makeRng(5));
    const av = matVecFromDense(a, n);
    const lz = await lanczos(av, n, { steps: n, keepBasis: true });
    const q = lz.basis as Float64Array[];
    expect(q).toHaveLength(n);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += q[i][k] * q[j][k];
        worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
      }
    }
    expect(worst).toBeLessThan(1e-13);
    // Diagonal of T is qᵢᵀAqᵢ, off-diagonal is qᵢ₊₁ᵀAqᵢ.
    for (let i = 0; i < n; i++) {
      const aq = av(q[i]) as Float64Array;
      expect(q[i].reduce((s, x, k) => s + x * aq[k], 0)).toBeCloseTo(lz.alpha[i], 10);
      if (i + 1 < n) expect(q[i + 1].reduce((s, x, k) => s + x * aq[k], 0)).toBeCloseTo(lz.beta[i], 10);
    }
  });

  it('stops at an invariant subspace and reports breakdown', async () => {
    // 4 distinct eigenvalues: every Krylov space has dimension ≤ 4.
    const vals = Array.from({ length: 20 }, (_, i) => [1, 2, 5, 9][i % 4]);
    const steps: number[] = [];
    const lz = await lanczos(diagonal(vals), 20, { steps: 10, onStep: ({ step }) => void steps.push(step) });
    expect(lz.breakdown).toBe(true);
    expect(lz.steps).toBe(4);
    expect(lz.alpha).toHaveLength(4);
    expect(lz.beta).toHaveLength(3);
    expect(steps).toEqual([1, 2, 3, 4]);
    const ritz = Array.from(tridiagEig(lz.alpha, lz.beta).values);
    ritz.forEach((x, i) => expect(x).toBeCloseTo([1, 2, 5, 9][i], 12));
  });

  it('is deterministic for a given rng seed and start-independent in scale', async () => {
    const a = randomSymmetric(20, makeRng(9));
    const av = matVecFromDense(a, 20);
    const r1 = await lanczos(av, 20, { steps: 8, rng: makeRng(4) });
    const r2 = await lanczos(av, 20, { steps: 8, rng: makeRng(4) });
    expect(Array.from(r1.alpha)).toEqual(Array.from(r2.alpha));
    const start = Float64Array.from({ length: 20 }, (_, i) => Math.sin(i + 1));
    const s1 = await lanczos(av, 20, { steps: 8, start });
    const s2 = await lanczos(av, 20, { steps: 8, start: start.map((x) => 1e6 * x) });
    for (let i = 0; i < 8; i++) expect(s2.alpha[i]).toBeCloseTo(s1.alpha[i], 9);
  });

  it('accepts async operators', async () => {
    const vals = [3, 1, 4, 1.5, 9, 2.6];
    const d = diagonal(vals);
    const lz = await lanczos(async (v) => d(v), 6, { steps: 6 });
    const ritz = tridiagEig(lz.alpha, lz.beta).values;
    [...vals].sort((x, y) => x - y).forEach((x, i) => expect(ritz[i]).toBeCloseTo(x, 10));
  });
});

describe('lanczos: reorthogonalization', () => {
  it('without reorthogonalization, ghost copies of the top eigenvalue appear; with full, exactly one', async () => {
    // Bulk uniform on [0, 1] plus two isolated eigenvalues 3 and 10: λmax converges in a
    // few steps, after which the bare recurrence loses orthogonality against its Ritz
    // vector and re-finds it again and again (Paige's theory of ghosts).
    const n = 400;
    const vals = Array.from({ length: n }, (_, i) => (i < n - 2 ? i / (n - 3) : i === n - 2 ? 3 : 10));
    const count = async (reorth: 'none' | 'full') => {
      const lz = await lanczos(diagonal(vals), n, { steps: 100, reorth, rng: makeRng(1) });
      return Array.from(tridiagEig(lz.alpha, lz.beta).values).filter((x) => Math.abs(x - 10) < 1e-6).length;
    };
    expect(await count('none')).toBeGreaterThanOrEqual(3);
    expect(await count('full')).toBe(1);
  });
});

describe('lanczos: bad input', () => {
  it('rejects steps > dim, naming both', async () => {
    await expect(lanczos(diagonal([1, 2, 3]), 3, { steps: 5, label: 'blk' })).rejects.toThrow(
      /\[blk\].*steps \(5\) exceeds dim \(3\)/,
    );
    await expect(lanczos(diagonal([1, 2, 3]), 3, { steps: 0 })).rejects.toThrow(/steps must be a positive integer/);
  });

  it('names the label and the Lanczos step when the matvec returns NaN or Inf', async () => {
    let calls = 0;
    const bad = (poison: number): MatVec => (v) => {
      calls++;
      const out = Float64Array.from(v, (x, i) => x * (i + 1));
      if (calls === 4) out[2] = poison;
      return out;
    };
    calls = 0;
    await expect(lanczos(bad(NaN), 10, { steps: 8, label: 'layer0.attn.q', checkSymmetry: false })).rejects.toThrow(
      /\[layer0\.attn\.q\].*Lanczos step 4 of 8.*NaN at index 2/,
    );
    calls = 0;
    await expect(lanczos(bad(Infinity), 10, { steps: 8, label: 'mlp', checkSymmetry: false })).rejects.toThrow(
      /\[mlp\].*Lanczos step 4 of 8.*Infinity/,
    );
  });

  it('detects a non-symmetric operator by default, and can skip the probe', async () => {
    const n = 20;
    const a = randomSymmetric(n, makeRng(3));
    a[1] += 5; // A[0][1] ≠ A[1][0]
    const av = matVecFromDense(a, n);
    await expect(lanczos(av, n, { steps: 5, label: 'fc' })).rejects.toThrow(/\[fc\].*not symmetric/);
    await expect(checkSymmetric(av, n, makeRng(1), 1e-6)).rejects.toThrow(/relative asymmetry .* > tol/);
    const lz = await lanczos(av, n, { steps: 5, checkSymmetry: false });
    expect(lz.steps).toBe(5);
  });

  it('symmetry probe passes symmetric operators with a tiny asymmetry', async () => {
    const n = 50;
    const asym = await checkSymmetric(matVecFromDense(randomSymmetric(n, makeRng(2)), n), n, makeRng(7));
    expect(asym).toBeLessThan(1e-14);
  });

  it('rejects a wrong output length and a zero start vector', async () => {
    await expect(lanczos(() => new Float64Array(2), 3, { steps: 2, checkSymmetry: false })).rejects.toThrow(
      /returned length 2 but dim is 3/,
    );
    await expect(lanczos(diagonal([1, 2, 3]), 3, { steps: 2, start: new Float64Array(3) })).rejects.toThrow(/nonzero/);
  });
});
