/**
 * A block sweep (blockDiagonal) computes each parameter gradient's tangent only
 * for the direction whose block owns that parameter: the cotangent flowing to a
 * weight is formed from inputs restricted to the directions that matter there,
 * not formed for every direction and then dropped. Counted, not timed: every
 * matmul whose output has a weight's shape is that weight's gradient (primal)
 * or a tangent of it; batch 11 keeps the activations' shapes apart from them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import { CpuBackend } from '../../src/kernels/cpu/backend.js';
import { blockDim, blockHvps } from '../../src/hessian/index.js';
import { createMlp } from '../../src/models/mlp.js';
import { Init } from '../../src/models/init.js';
import type { Op } from '../../src/tensor/primitives.js';
import type { TensorInfo } from '../../src/tensor/backend.js';
import type { Shape } from '../../src/tensor/shapes.js';
import { Rng } from '../helpers/rng.js';

const run = CpuBackend.prototype.run;
afterEach(() => { CpuBackend.prototype.run = run; });

describe('block sweep work', () => {
  it('forms each weight-gradient tangent for its own block only (at most 1 primal + 2 tangent products per weight)', async () => {
    const rng = new Rng(4);
    const model = createMlp({ sizes: [5, 7, 6, 4], activation: 'tanh' }, 1, new Init(1, 'float64'));
    const batch = { x: hg.tensor(rng.array(11 * 5), [11, 5], 'float64'), y: hg.tensor(Int32Array.from({ length: 11 }, (_, i) => i % 4), [11], 'int32') };
    const loss = (p: Record<string, hg.Tensor>) => model.loss(p, batch);
    const reqs = model.blocks().map((block) => ({ block, v: Float64Array.from(rng.array(blockDim(model.params, block))) }));
    const weights = Object.entries(model.params).filter(([, t]) => t.rank === 2);
    expect(weights.length).toBe(3);
    const products = new Map<string, number>();
    CpuBackend.prototype.run = function (this: CpuBackend, op: Op, inputs: readonly TensorInfo[], out: { shape: Shape; dtype: hg.DType }) {
      if (op.op === 'matmul') products.set(`${out.shape}`, (products.get(`${out.shape}`) ?? 0) + 1);
      return run.call(this, op, inputs, out);
    };
    const swept = await blockHvps(loss, model.params, reqs);
    CpuBackend.prototype.run = run;
    // Restricting after the fact would form the last weight's gradient tangent for all three
    // directions that reach it (1 + 2 + 2 + 1 = 6 products); restricting first leaves ≤ 3.
    for (const [name, w] of weights) expect(products.get(`${w.shape}`), name).toBeLessThanOrEqual(3);
    // And the results are the per-block HVPs.
    for (const [j, r] of reqs.entries()) {
      const [alone] = await blockHvps(loss, model.params, [r]);
      for (let i = 0; i < alone.length; i++) expect(swept[j][i]).toBeCloseTo(alone[i], 12);
    }
  });
});
