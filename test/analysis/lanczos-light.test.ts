/**
 * Memory-light Lanczos: stored-vector counts against each mode's bound, what the
 * 'selective' mode buys over 'none' (no ghosts), the vector stores, and the 'auto'
 * choice by memory budget. Accuracy on known spectra is in spectra-modes.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { lanczos, type Reorth } from '../../src/analysis/lanczos.js';
import { chooseReorth, DEFAULT_MEMORY_BUDGET, peakVectorBound } from '../../src/analysis/memory.js';
import { makeRng } from '../../src/util/rng.js';
import { slq } from '../../src/analysis/slq.js';
import { Float32Store, Float64Store, type VectorStore } from '../../src/analysis/store.js';
import { tridiagEig } from '../../src/analysis/tridiag.js';
import { matVecFromDense } from '../../src/analysis/dense.js';
import { diagonal, randomSymmetric } from './helpers.js';

/** Uniform bulk on [0, 1] plus isolated spikes 5, 10, 20: the spikes converge within a few steps. */
const n = 1000;
const SPIKES = [5, 10, 20];
const vals = Array.from({ length: n }, (_, i) => (i < n - 3 ? i / (n - 4) : SPIKES[i - (n - 3)]));

function copies(nodes: ArrayLike<number>, x: number): number {
  return Array.from(nodes).filter((t) => Math.abs(t - x) < 1e-6 * x).length;
}

describe('stored vectors stay within each mode\'s bound', () => {
  it('peakVectors equals the bound: m + 1 (full), 3 (none), P + R + 1 (selective)', async () => {
    const cases: [Reorth, number, { prefix: number; ritz: number } | undefined][] = [
      ['full', 1, undefined], ['full', 40, undefined],
      ['none', 1, undefined], ['none', 2, undefined], ['none', 40, undefined],
      ['selective', 40, { prefix: 12, ritz: 6 }], ['selective', 40, { prefix: 1, ritz: 1 }],
      ['selective', 10, { prefix: 20, ritz: 10 }], // never reaches its prefix: full
    ];
    for (const storage of ['float64', 'float32'] as const) {
      for (const [reorth, steps, selective] of cases) {
        const lz = await lanczos(diagonal(vals), n, { steps, reorth, selective, storage, rng: makeRng(2) });
        const what = `${reorth} ${storage} m=${steps} ${JSON.stringify(selective)}`;
        expect(lz.peakVectors, what).toBe(peakVectorBound(reorth, steps, selective));
        expect(lz.precision, what).toBe(storage);
      }
    }
    // The default selective bound, P = 20 and R = 10, at the paper's m = 100: 31 vectors instead of 101.
    expect(peakVectorBound('selective', 100)).toBe(31);
    const lz = await lanczos(diagonal(vals), n, { steps: 100, reorth: 'selective', rng: makeRng(3) });
    expect(lz.peakVectors).toBe(31);
  });

  it('slq records every probe\'s peak count', async () => {
    const r = await slq(diagonal(vals), n, { steps: 30, probes: 2, reorth: 'none' });
    expect(r.probes.map((p) => p.peakVectors)).toEqual([3, 3]);
  });
});

describe('selective reorthogonalization', () => {
  it('removes the ghost copies of converged spikes that the bare recurrence makes', async () => {
    for (const storage of ['float64', 'float32'] as const) {
      const run = (reorth: Reorth) => lanczos(diagonal(vals), n, { steps: 80, reorth, storage, rng: makeRng(1) });
      const none = tridiagEig((await run('none')).alpha, (await run('none')).beta).values;
      const sel = await run('selective');
      const selNodes = tridiagEig(sel.alpha, sel.beta).values;
      // Paige: once a spike's Ritz value converges, the bare recurrence finds it again.
      expect(Math.max(...SPIKES.map((s) => copies(none, s))), storage).toBeGreaterThanOrEqual(3);
      for (const s of SPIKES) expect(copies(selNodes, s), `${storage} spike ${s}`).toBe(1);
      // The spikes were converged when locked: their residuals are at rounding level.
      expect((sel.lockedResiduals as number[]).slice(0, 3).every((r) => r < 1e-12 * 20), storage).toBe(true);
    }
  });

  it('with a prefix of at least m steps it is full reorthogonalization, bit for bit', async () => {
    const a = randomSymmetric(50, makeRng(4));
    const av = matVecFromDense(a, 50);
    const full = await lanczos(av, 50, { steps: 30, rng: makeRng(5) });
    const sel = await lanczos(av, 50, { steps: 30, reorth: 'selective', selective: { prefix: 30, ritz: 3 }, rng: makeRng(5) });
    expect(Array.from(sel.alpha)).toEqual(Array.from(full.alpha));
    expect(Array.from(sel.beta)).toEqual(Array.from(full.beta));
    expect(sel.lockedResiduals).toBeUndefined();
  });

  it('rejects bad settings and keepBasis', async () => {
    const d = diagonal([1, 2, 3, 4]);
    await expect(lanczos(d, 4, { steps: 3, reorth: 'selective', selective: { prefix: 2, ritz: 3 } })).rejects.toThrow(/ritz \(3\) cannot exceed prefix \(2\)/);
    await expect(lanczos(d, 4, { steps: 3, reorth: 'selective', selective: { prefix: 0 } })).rejects.toThrow(/prefix must be a positive integer/);
    await expect(lanczos(d, 4, { steps: 3, reorth: 'selective', keepBasis: true })).rejects.toThrow(/keepBasis needs reorth 'full' or 'none'/);
    await expect(lanczos(d, 4, { steps: 3, reorth: 'partial' as Reorth })).rejects.toThrow(/reorth must be 'full', 'none' or 'selective', got 'partial'/);
  });
});

/** A store whose every method answers through a promise and whose handles are opaque ids: the shape of a device store. */
function asyncStore(dim: number): VectorStore<number> {
  const inner = new Float64Store(dim);
  const vectors = new Map<number, Float64Array>();
  let next = 0;
  const get = (h: number) => {
    const v = vectors.get(h);
    if (!v) throw new Error(`asyncStore: handle ${h} is not live`);
    return v;
  };
  const add = (v: Float64Array) => {
    vectors.set(next, v);
    return next++;
  };
  return {
    precision: 'float64',
    dim,
    get live() { return inner.live; },
    get peak() { return inner.peak; },
    fromHost: (v) => add(inner.fromHost(v)),
    toHost: async (h) => inner.toHost(get(h)),
    free: (h) => { inner.free(get(h)); vectors.delete(h); },
    dot: async (a, b) => inner.dot(get(a), get(b)),
    norm: async (a) => inner.norm(get(a)),
    axpy: async (c, x, y) => inner.axpy(c, get(x), get(y)),
    scale: async (c, x) => inner.scale(c, get(x)),
    projectOut: async (basis, v) => inner.projectOut(basis.map(get), get(v)),
    combine: async (coeffs, vs) => add(inner.combine(coeffs, vs.map(get))),
  };
}

describe('vector stores', () => {
  it('an asynchronous store with opaque handles drops in and gives identical results', async () => {
    const a = randomSymmetric(60, makeRng(6));
    const av = matVecFromDense(a, 60);
    for (const reorth of ['full', 'none', 'selective'] as const) {
      const opts = { steps: 40, reorth, selective: { prefix: 10, ritz: 4 } };
      const host = await lanczos(av, 60, { ...opts, rng: makeRng(7) });
      const dev = await lanczos(av, 60, { ...opts, rng: makeRng(7), storage: asyncStore });
      expect(Array.from(dev.alpha), reorth).toEqual(Array.from(host.alpha));
      expect(Array.from(dev.beta), reorth).toEqual(Array.from(host.beta));
      expect(dev.peakVectors, reorth).toBe(host.peakVectors);
    }
  });

  it('float32: vectors are rounded on entry, scalars stay float64', () => {
    const s = new Float32Store(3);
    const x = s.fromHost(Float64Array.from([0.1, 1 / 3, 1e-3]));
    expect(Array.from(x)).toEqual([0.1, 1 / 3, 1e-3].map(Math.fround));
    // The dot of the rounded entries is formed in float64: it is not the float32 rounding of itself.
    const d = s.dot(x, x);
    const exact = [0.1, 1 / 3, 1e-3].map(Math.fround).reduce((acc, v) => acc + v * v, 0);
    expect(d).toBe(exact);
    expect(Math.fround(d)).not.toBe(d);
    expect(s.live).toBe(1);
    s.free(x);
    expect(() => s.free(x)).toThrow(/freed twice/);
    expect(() => s.fromHost(new Float64Array(2))).toThrow(/length 2 but the store's dim is 3/);
  });

  it('float32 full reorthogonalization with m = n finds the spectrum to √n·2⁻²⁴·‖A‖', async () => {
    const dim = 30;
    for (const seed of [1, 2]) {
      const a = randomSymmetric(dim, makeRng(seed));
      const lz32 = await lanczos(matVecFromDense(a, dim), dim, { steps: dim, storage: 'float32', rng: makeRng(seed + 100) });
      const lz64 = await lanczos(matVecFromDense(a, dim), dim, { steps: dim, rng: makeRng(seed + 100) });
      const r32 = tridiagEig(lz32.alpha, lz32.beta).values;
      const r64 = tridiagEig(lz64.alpha, lz64.beta).values;
      const normA = Math.max(Math.abs(r64[0]), Math.abs(r64[dim - 1]));
      const tol = Math.sqrt(dim) * 2 ** -24 * normA;
      let worst = 0;
      for (let i = 0; i < dim; i++) worst = Math.max(worst, Math.abs(r32[i] - r64[i]));
      expect(worst).toBeLessThan(tol);
      expect(worst).toBeGreaterThan(0); // float32 storage really was used
    }
  });
});

describe("'auto' picks by memory", () => {
  it('full while m + 1 vectors fit the budget, then selective, then none', () => {
    const budget = 8 * 101 * 1000; // exactly full's 101 float64 vectors of length 1000
    expect(chooseReorth(1000, 100, 'float64', budget)).toBe('full');
    expect(chooseReorth(1001, 100, 'float64', budget)).toBe('selective');
    expect(chooseReorth(2000, 100, 'float32', budget)).toBe('full'); // float32 halves the bytes
    expect(chooseReorth(Math.floor(budget / (31 * 8)), 100, 'float64', budget)).toBe('selective');
    expect(chooseReorth(Math.floor(budget / (31 * 8)) + 1, 100, 'float64', budget)).toBe('none');
    // A ViT-base MLP block (768 × 3072 coordinates) at m = 100 under the default 512 MiB:
    // full would need 1.9 GB; selective fits in float32 (293 MB) but not in float64 (585 MB).
    expect(chooseReorth(768 * 3072, 100, 'float32')).toBe('selective');
    expect(chooseReorth(768 * 3072, 100, 'float64')).toBe('none');
    expect(DEFAULT_MEMORY_BUDGET).toBe(512 * 2 ** 20);
    expect(() => chooseReorth(10, 5, 'float64', 0)).toThrow(/budget must be positive/);
  });

  it('slq records the mode it ran, its settings and the storage, and resumes only with the same ones', async () => {
    const d = diagonal(vals);
    const small = await slq(d, n, { steps: 20, probes: 1 });
    expect(small).toMatchObject({ reorth: 'full', storage: 'float64' });
    expect(small.selective).toBeUndefined();
    // m = 40: full needs 41 vectors, selective 31; a budget of 31 float32 vectors picks selective.
    const budget = 31 * n * 4;
    const tight = await slq(d, n, { steps: 40, probes: 2, memoryBudget: budget, storage: 'float32' });
    expect(tight).toMatchObject({ reorth: 'selective', storage: 'float32', selective: { prefix: 20, ritz: 10 } });
    expect(tight.probes.map((p) => p.peakVectors)).toEqual([31, 31]);
    // The same budget holds 15 float64 vectors: only 'none' fits.
    const tiny = await slq(d, n, { steps: 40, probes: 1, memoryBudget: budget });
    expect(tiny.reorth).toBe('none');
    expect(tiny.probes[0].peakVectors).toBe(3);
    await expect(slq(d, n, { steps: 40, probes: 3, reorth: 'selective', resumeFrom: tight })).rejects.toThrow(/storage: float32 vs float64/);
    await expect(slq(d, n, { steps: 40, probes: 3, reorth: 'selective', storage: 'float32', selective: { prefix: 10 }, resumeFrom: tight }))
      .rejects.toThrow(/selective: .*"prefix":20.* vs .*"prefix":10/);
    const resumed = await slq(d, n, { steps: 40, probes: 3, memoryBudget: budget, storage: 'float32', resumeFrom: JSON.parse(JSON.stringify(tight)) });
    expect(resumed.probes.slice(0, 2)).toEqual(tight.probes);
    expect(resumed.probes).toHaveLength(3);
  });
});
