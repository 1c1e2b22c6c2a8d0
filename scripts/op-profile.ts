/**
 * Where the CPU backend's time goes, per primitive and shape: wraps the
 * backend's one entry point (CpuBackend.run) with a timer and prints the
 * kernel time per step beside the step's wall and CPU time (CPU time includes
 * the gemm workers). What it profiles:
 *
 *   train    one ViT-small Adam training step (batch 64): forward, backward, clip, update
 *   sweep    the block-HVP sweep of the block spectra (ViT small, 14 blocks, batch 64)
 *   stacked  the same sweep with the tangents stacked (setTangentStacking(true))
 *
 *     npx tsx scripts/op-profile.ts train [--shapes] [--top 20]
 *
 * The profile issue 11's last round worked from: it found GELU's erf at ~32 ns an
 * element, bias-gradient sums at ~5.5, and a 256 MB array pool that a sweep's
 * 0.7 GB tape overflowed.
 */
import * as hg from '../src/index.js';
import { CpuBackend } from '../src/kernels/cpu/backend.js';
import type { Op } from '../src/tensor/primitives.js';
import type { TensorInfo } from '../src/tensor/backend.js';
import type { Shape } from '../src/tensor/shapes.js';
import { blockDim, blockHvps } from '../src/hessian/index.js';
import { createVit, vitPresets } from '../src/models/vit.js';
import { lossGradAndBuffers } from '../src/models/buffers.js';
import { adam } from '../src/optim/adam.js';
import { clipByGlobalNorm } from '../src/optim/clip.js';
import { update } from '../src/optim/types.js';
import { makeRng } from '../src/util/rng.js';

const what = process.argv[2] ?? 'train';
if (!['train', 'sweep', 'stacked'].includes(what)) throw new Error(`op-profile: unknown target '${what}' (train, sweep, stacked)`);
const shapes = process.argv.includes('--shapes');
const ti = process.argv.indexOf('--top');
const top = ti < 0 ? 16 : Number(process.argv[ti + 1]);

const stats = new Map<string, { calls: number; ms: number }>();
let recording = false;
const run = CpuBackend.prototype.run;
CpuBackend.prototype.run = function (this: CpuBackend, op: Op, inputs: readonly TensorInfo[], out: { shape: Shape; dtype: hg.DType }) {
  if (!recording) return run.call(this, op, inputs, out);
  const t0 = performance.now();
  const r = run.call(this, op, inputs, out);
  const key = shapes ? `${op.op} ${inputs.map((x) => `[${x.shape}]`).join('')} → [${out.shape}]` : op.op;
  const s = stats.get(key) ?? { calls: 0, ms: 0 };
  s.calls++;
  s.ms += performance.now() - t0;
  stats.set(key, s);
  return r;
};

const rng = makeRng(1);
const model = createVit(vitPresets.small, 0);
const x = hg.keep(hg.tensor(Float32Array.from({ length: 64 * 784 }, () => rng.uniform()), [64, 784]));
const y = hg.keep(hg.tensor(Int32Array.from({ length: 64 }, (_, i) => i % 10), [64], 'int32'));

let step: () => Promise<void>;
if (what === 'train') {
  const opt = adam();
  let params = hg.keep(hg.tidy(() => Object.fromEntries(Object.entries(model.params).map(([k, v]) => [k, hg.add(v, 0)]))));
  let state = opt.init(params);
  step = async () => {
    const { value, grads } = lossGradAndBuffers(model, params, {}, { x, y });
    await value.itemAsync();
    hg.dispose(value);
    const clipped = hg.keep(hg.tidy(() => clipByGlobalNorm(grads, 1).grads));
    hg.dispose(Object.values(grads));
    ({ params, state } = update(opt, params, clipped, state, 1e-3));
  };
} else {
  hg.setTangentStacking(what === 'stacked');
  const loss = (p: Record<string, hg.Tensor>) => model.loss(p, { x, y }, 'eval');
  const reqs = model.blocks().map((block) => ({ block, v: Float64Array.from({ length: blockDim(model.params, block) }, () => rng.normal()) }));
  step = async () => { await blockHvps(loss, model.params, reqs); };
}

for (let i = 0; i < 3; i++) await step(); // warm-up: JIT, Wasm compiles, the array pool
const n = what === 'train' ? 20 : 3;
recording = true;
const c0 = process.cpuUsage();
const w0 = performance.now();
for (let i = 0; i < n; i++) await step();
const wall = (performance.now() - w0) / n;
const c = process.cpuUsage(c0);
recording = false;
const kernel = [...stats.values()].reduce((a, s) => a + s.ms, 0) / n;
console.log(`${what}: ${wall.toFixed(1)} ms wall, ${((c.user + c.system) / 1000 / n).toFixed(1)} ms CPU, ${kernel.toFixed(1)} ms in kernels per step\n`);
console.log('| primitive | calls per step | ms per step |');
console.log('|---|---|---|');
for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)) {
  console.log(`| ${k} | ${+(s.calls / n).toFixed(1)} | ${(s.ms / n).toFixed(2)} |`);
}
hg.shutdownGemmPool();
