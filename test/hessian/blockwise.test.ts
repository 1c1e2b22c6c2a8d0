/** Blockwise spectra of a real (small) network against exact block eigenvalues. */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import { type BlockSpec, blockHvps, blockSpectra, blockDim } from '../../src/hessian/index.js';
import { density, eigenvalueMeasure, slqMeasure, symEig } from '../../src/analysis/index.js';
import { createMlp } from '../../src/models/mlp.js';
import { Init } from '../../src/models/init.js';
import { Rng } from '../helpers/rng.js';

const rng = new Rng(9);
const model = createMlp({ sizes: [6, 7, 5, 3], activation: 'tanh' }, 3, new Init(3, 'float64'));
const batch = {
  x: hg.tensor(rng.array(16 * 6), [16, 6], 'float64'),
  y: hg.tensor(Int32Array.from({ length: 16 }, (_, i) => i % 3), [16], 'int32'),
};
const loss = (p: Record<string, hg.Tensor>) => model.loss(p, batch);
const blocks: BlockSpec[] = [
  ...model.blocks(),
  { name: 'layers.1.weight rows 0-2', param: 'layers.1.weight', rows: [0, 2] },
];

/** Exact eigenvalues of H_bb from HVPs on basis vectors. */
async function exactBlockEigs(b: BlockSpec): Promise<Float64Array> {
  const d = blockDim(model.params, b);
  const cols = await blockHvps(loss, model.params, Array.from({ length: d }, (_, i) => {
    const e = new Float64Array(d); e[i] = 1; return { block: b, v: e };
  }));
  const a = new Float64Array(d * d);
  cols.forEach((c, j) => c.forEach((v, i) => { a[i * d + j] = v; }));
  return symEig(a, d).values;
}

function l1(a: { values: number[]; step: number }, b: { values: number[] }): number {
  return a.values.reduce((s, v, i) => s + Math.abs(v - b.values[i]), 0) * a.step;
}

describe('blockwise spectra', () => {
  it('agree with the exact block eigenvalues from the dense block Hessian', async () => {
    const { results } = await blockSpectra(loss, model.params, blocks, { steps: 12, probes: 30, seed: 1 });
    for (const b of blocks) {
      const exact = await exactBlockEigs(b);
      const lo = Math.min(...exact), hi = Math.max(...exact);
      const pad = 0.2 * (hi - lo);
      // σ = 5% of the spectral range: coarse enough that 12 Lanczos nodes resolve it.
      const opts = { range: [lo - pad, hi + pad] as [number, number], sigma2: (0.05 * (hi - lo)) ** 2, gridPoints: 2000 };
      const est = density(slqMeasure(results[b.name]), opts);
      const ref = density(eigenvalueMeasure(exact), opts);
      // Each eigenvalue's SLQ weight is an average of 30 probes' (u_kᵀv)²/‖v‖², whose relative
      // standard deviation is about √(2/30) ≈ 0.26; summed over blurred atoms the expected
      // L1 error is below about 0.8·0.26 ≈ 0.2. 0.3 leaves room; a wrong operator gives ~1–2.
      expect(l1(est, ref), b.name).toBeLessThan(0.3);
    }
  });

  it('one shared sweep per Lanczos step gives exactly the per-block results', async () => {
    const shared = await blockSpectra(loss, model.params, blocks, { steps: 8, probes: 2, seed: 4 });
    const single = await blockSpectra(loss, model.params, blocks, { steps: 8, probes: 2, seed: 4, shareSweeps: false });
    for (const b of blocks) {
      shared.results[b.name].probes.forEach((p, i) => {
        p.nodes.forEach((x, j) => expect(x).toBeCloseTo(single.results[b.name].probes[i].nodes[j], 10));
      });
    }
    // 2 symmetry-check matvecs + 2 probes × 8 steps, shared by all blocks.
    expect(shared.sweeps).toBe(2 + 2 * 8);
    expect(single.sweeps).toBe(blocks.length * (2 + 2 * 8));
  });

  it('names the problem on bad input', async () => {
    await expect(blockSpectra(loss, model.params, [])).rejects.toThrow(/block list is empty/);
    await expect(blockSpectra(loss, model.params, [{ name: 'x', param: 'nope' }])).rejects.toThrow(/no parameter named 'nope'/);
  });
});
