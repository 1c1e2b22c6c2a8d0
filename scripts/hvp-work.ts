/**
 * How much work a Hessian-vector product does against a gradient, counted
 * rather than timed: the matmul FLOPs (2·M·K·N per product) and the elements
 * written by every other primitive, for the bench's two reference models. The
 * ratio of work is the floor of the time ratio HVP / gradient for a backend
 * whose per-op speed is the same in both.
 *
 * Forward-over-reverse (the JVP of the gradient) runs the gradient's primal
 * pass and its tangent. For a hidden linear layer y = x·W both x and W carry
 * tangents, so the tangent of the forward product is two products
 * (dx·W + x·dW) and the tangents of the two backward products (gy·Wᵀ, xᵀ·gy)
 * are two each: 3 + 6 = 9 against the gradient's 3. A first layer whose input
 * is data has no dx: 2 + 2 = 4 against 2. So an MLP whose first layer holds
 * most weights lands near 2.3 and a Transformer, all hidden layers, at 3.
 *
 * Then the same count for the block sweep of the spectra on ViT small (14
 * blocks, batch 64): one sweep with a tangent per block against one pruned
 * HVP per block. Sharing saves only the primal passes the separate HVPs
 * repeat; each block's tangent work is the same either way, so the ratio of
 * work is the floor of the sweep's speed-up from sharing alone.
 *
 *     npx tsx scripts/hvp-work.ts
 */
import * as hg from '../src/index.js';
import { CpuBackend } from '../src/kernels/cpu/backend.js';
import type { Op } from '../src/tensor/primitives.js';
import type { TensorInfo } from '../src/tensor/backend.js';
import type { Shape } from '../src/tensor/shapes.js';
import { sizeOf } from '../src/tensor/shapes.js';
import { createGpt } from '../src/models/gpt.js';
import { createMlp } from '../src/models/mlp.js';
import { createVit, vitPresets } from '../src/models/vit.js';
import { blockDim, blockHvps } from '../src/hessian/index.js';
import { makeRng } from '../src/util/rng.js';

let flops = 0;
let elements = 0;
// Count at the backend's one entry point: every primitive the engine runs passes through run().
const run = CpuBackend.prototype.run;
CpuBackend.prototype.run = function (this: CpuBackend, op: Op, inputs: readonly TensorInfo[], out: { shape: Shape; dtype: hg.DType }) {
  if (op.op === 'matmul') {
    const a = inputs[0].shape;
    flops += 2 * sizeOf(out.shape) * (op.transA ? a[a.length - 2] : a[a.length - 1]);
  } else if (op.op !== 'reshape') elements += sizeOf(out.shape);
  return run.call(this, op, inputs, out);
};

const rng = makeRng(0);
const ids = () => hg.tensor(Int32Array.from({ length: 32 * 16 }, () => rng.uint32() % 65), [32, 16], 'int32');
const models = [
  {
    name: 'MLP 784-256-256-10, batch 128', model: createMlp({ sizes: [784, 256, 256, 10], activation: 'relu' }, 0),
    batch: { x: hg.tensor(Float32Array.from({ length: 128 * 784 }, () => rng.uniform()), [128, 784]), y: hg.tensor(Int32Array.from({ length: 128 }, (_, i) => i % 10), [128], 'int32') },
  },
  { name: 'Transformer 2 layers, d 64, 4 heads, T 16, B 32', model: createGpt({ vocab: 65, context: 16, width: 64, heads: 4, depth: 2, mlpRatio: 4 }, 0), batch: { x: ids(), y: ids() } },
];

const count = (f: () => void): [number, number] => {
  flops = elements = 0;
  hg.tidy(f);
  return [flops, elements];
};
console.log('| model | gradient matmul MFLOP | HVP matmul MFLOP | ratio | other ops, elements written: HVP / gradient |');
console.log('|---|---|---|---|---|');
for (const { name, model, batch } of models) {
  const p = model.params;
  const loss = (q: hg.Tree) => model.loss(q as Record<string, hg.Tensor>, batch);
  const v = hg.keep(Object.fromEntries(Object.entries(p).map(([k, t]) => [k, hg.mul(t, 0.5)])));
  const [gf, ge] = count(() => { hg.grad(loss)(p); });
  const [hf, he] = count(() => { hg.hvp(loss, p, v); });
  console.log(`| ${name} | ${(gf / 1e6).toFixed(1)} | ${(hf / 1e6).toFixed(1)} | ${(hf / gf).toFixed(2)} | ${(he / ge).toFixed(2)} |`);
}

const vit = createVit(vitPresets.small, 0);
const vx = hg.tensor(Float32Array.from({ length: 64 * 784 }, () => rng.uniform()), [64, 784]);
const vy = hg.tensor(Int32Array.from({ length: 64 }, (_, i) => i % 10), [64], 'int32');
const vitLoss = (p: Record<string, hg.Tensor>) => vit.loss(p, { x: vx, y: vy }, 'eval');
const reqs = vit.blocks().map((block) => ({ block, v: Float64Array.from({ length: blockDim(vit.params, block) }, () => rng.normal()) }));
const countAsync = async (f: () => Promise<unknown>): Promise<[number, number]> => {
  flops = elements = 0;
  await f();
  return [flops, elements];
};
const [sf, se] = await countAsync(() => blockHvps(vitLoss, vit.params, reqs));
const [pf, pe] = await countAsync(async () => { for (const r of reqs) await blockHvps(vitLoss, vit.params, [r]); });
console.log(`\n| ViT small, ${reqs.length} blocks | one sweep | one HVP per block, total | ratio |`);
console.log('|---|---|---|---|');
console.log(`| matmul MFLOP | ${(sf / 1e6).toFixed(1)} | ${(pf / 1e6).toFixed(1)} | ${(pf / sf).toFixed(2)} |`);
console.log(`| other ops, elements written (millions) | ${(se / 1e6).toFixed(1)} | ${(pe / 1e6).toFixed(1)} | ${(pe / se).toFixed(2)} |`);
hg.shutdownGemmPool();
