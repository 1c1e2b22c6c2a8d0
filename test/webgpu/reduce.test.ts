/**
 * Reductions and the fused row kernels on WebGPU against the CPU reference.
 * The CPU sums in float64 and rounds once, so a float32 sum of L terms may
 * differ by L·2⁻²⁴·Σ|x| at worst; tree reductions do far better (we allow
 * 1e-6·Σ|x|·log₂L). Max is exact. Softmax: rtol 2e-6, atol 1e-7. Layernorm
 * outputs are O(1) differences of O(|x|/σ) terms: rtol 2e-6, atol 1e-6.
 */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import { G, Rng, compare, cpu, expectClose, noGpu, pair, randomData } from './gpu.js';

const rng = new Rng(17);
const ROWS = { rtol: 2e-6, atol: 1e-7 };
const NORM = { rtol: 2e-6, atol: 1e-6 };

/** Compare sum/max of x over `axes` (tolerance from Σ|x| for sums). */
async function checkReduce(shape: number[], axes: number[], kind: 'sum' | 'max', dtype: 'float32' | 'int32' = 'float32', data?: Float32Array) {
  const n = shape.reduce((a, b) => a * b, 1);
  const x = data ?? randomData(rng, n, dtype);
  const what = `${kind} (${shape}) over [${axes}] ${dtype}`;
  if (kind === 'max' || dtype === 'int32') {
    await compare(what, [[x, shape, dtype]], ([t]) => hg[kind](t, axes, true), null);
    return;
  }
  const len = axes.reduce((a, ax) => a * shape[ax], 1);
  const scale = hg.sum(hg.fromArray(x.map(Math.abs), shape, 'float32', cpu), axes, true).dataSync();
  const [c, g] = pair(x, shape);
  const want = hg.sum(c, axes, true).dataSync();
  expectClose(await hg.sum(g, axes, true).data(), want, (i) => 1e-6 * scale[i] * Math.max(1, Math.log2(len)) + 1e-7, what);
}

describe.skipIf(noGpu)('webgpu reductions', () => {
  it('sum and max over single, scattered, all and no-op axes', async () => {
    for (const kind of ['sum', 'max'] as const) {
      await checkReduce([1], [0], kind);
      await checkReduce([7, 13], [1], kind);
      await checkReduce([7, 13], [0], kind);
      await checkReduce([13, 257], [0, 1], kind);
      await checkReduce([3, 7, 5, 2], [0, 2], kind);
      await checkReduce([3, 7, 5, 2], [1, 3], kind);
      await checkReduce([4, 1, 6], [1], kind);
      await checkReduce([2, 257, 3], [1], kind, 'int32');
    }
  });

  it('long reductions: 100k elements to one, 257×1000 rows, 5000 columns', async () => {
    for (const kind of ['sum', 'max'] as const) {
      await checkReduce([100_000], [0], kind);
      await checkReduce([7, 100_003], [1], kind); // few outputs, long rows: tree + second pass
      await checkReduce([257, 1000], [1], kind); // many outputs: serial kernel
      await checkReduce([5000, 13], [0], kind); // strided columns
    }
    await checkReduce([100_000], [0], 'sum', 'int32');
  });

  it('max propagates NaN and handles −∞, like the CPU', async () => {
    const x = new Float32Array([1, Number.NaN, 3, -Infinity, -Infinity, -Infinity, 2, 5, 4]);
    await checkReduce([3, 3], [1], 'max', 'float32', x);
    const long = randomData(rng, 3000) as Float32Array;
    long[1234] = Number.NaN;
    await checkReduce([3000], [0], 'max', 'float32', long);
  });

  it('softmax on rows of 1, 7, 13, 257, 1000 and 5000, with masked (−∞) entries', async () => {
    for (const n of [1, 7, 13, 257, 1000, 5000]) {
      await compare(`softmax (3, ${n})`, [[randomData(rng, 3 * n, 'float32', 4), [3, n]]], ([x]) => hg.softmax(x), ROWS);
    }
    const masked = randomData(rng, 4 * 16) as Float32Array;
    for (let r = 0; r < 4; r++) for (let j = r + 1; j < 16; j++) masked[r * 16 + j] = -Infinity;
    await compare('causal-masked softmax', [[masked, [4, 16]]], ([x]) => hg.softmax(x), ROWS);
    await compare('softmax of huge logits', [[Float32Array.from([1e30, 0, -1e30, 88, 89, 90]), [2, 3]]], ([x]) => hg.softmax(x), ROWS);
    await compare('softmax 70k rows (2-D grid)', [[randomData(rng, 70_000 * 2), [70_000, 2]]], ([x]) => hg.softmax(x), ROWS);
  });

  it('layernorm on rows of 1, 7, 13, 257, 5000, and with a mean far larger than the spread', async () => {
    for (const n of [1, 7, 13, 257, 5000]) {
      await compare(`layernorm (5, ${n})`, [[randomData(rng, 5 * n, 'float32', 3), [5, n]]], ([x]) => hg.layernorm(x, 1e-5), NORM);
    }
    const offset = Float32Array.from({ length: 2 * 64 }, () => 1e4 + rng.normal());
    // Σx² − (Σx)²/n would lose every digit here; shifted Welford keeps them.
    await compare('layernorm, mean 1e4, std 1', [[offset, [2, 64]]], ([x]) => hg.layernorm(x, 1e-5), { rtol: 1e-5, atol: 1e-6 });
    const wide = Float32Array.from({ length: 3 * 5000 }, () => 1e4 + rng.normal());
    await compare('layernorm, mean 1e4, rows of 5000 (tree merge)', [[wide, [3, 5000]]], ([x]) => hg.layernorm(x, 1e-5), { rtol: 1e-5, atol: 1e-5 });
    await compare('layernorm eps 0.1', [[randomData(rng, 3 * 7, 'float32', 0.1), [3, 7]]], ([x]) => hg.layernorm(x, 0.1), NORM);
    const [, g] = pair(new Float32Array(8).fill(2), [2, 4]);
    expect(Array.from(await hg.layernorm(g).data())).toEqual(new Array(8).fill(0));
  });

  it('row kernels with a GPU\'s tuning: a workgroup per long row (TPR up to 256), 4-value steps and tails', async () => {
    const tuning = G().rt.tuning;
    const was = tuning.rowElementsPerInvocation;
    tuning.rowElementsPerInvocation = 8;
    try {
      for (const [r, n] of [[3, 1], [5, 7], [3, 13], [4, 257], [2, 1031], [3, 4096], [2, 5003]]) {
        await compare(`layernorm (${r}, ${n}), GPU tuning`, [[randomData(rng, r * n, 'float32', 3), [r, n]]], ([x]) => hg.layernorm(x, 1e-5), NORM);
        await compare(`softmax (${r}, ${n}), GPU tuning`, [[randomData(rng, r * n, 'float32', 4), [r, n]]], ([x]) => hg.softmax(x), ROWS);
      }
      const wide = Float32Array.from({ length: 2 * 4099 }, () => 1e4 + rng.normal());
      wide[0] = 1e4 + 50; // the shift (first element) an outlier: the block merges must not cancel
      await compare('layernorm, mean 1e4, outlier first, GPU tuning', [[wide, [2, 4099]]], ([x]) => hg.layernorm(x, 1e-5), { rtol: 1e-5, atol: 1e-5 });
    } finally {
      tuning.rowElementsPerInvocation = was;
    }
  });
});
