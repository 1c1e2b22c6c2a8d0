/**
 * Forward, gradient and Hessian-vector-product time on the two reference
 * models of MEASURED.md (PyTorch took 2.7× a gradient for an HVP on the MLP
 * and 3.3–3.6× on the Transformer), with the ratios HVP/gradient and
 * gradient/forward measured in the same run.
 */
import * as hg from '../src/index.js';
import { makeRng } from '../src/util/rng.js';
import { createGpt } from '../src/models/gpt.js';
import { createMlp } from '../src/models/mlp.js';
import { type Batch, type Model, paramCount } from '../src/models/model.js';
import { median, timeInterleaved } from './timing.js';

export interface ModelBenchRow {
  model: string;
  params: number;
  forwardMs: number;
  gradMs: number;
  hvpMs: number;
  hvpOverGrad: number;
  gradOverForward: number;
}

function reference(): { name: string; model: Model; batch: Batch }[] {
  const rng = makeRng(0);
  const mlp = createMlp({ sizes: [784, 256, 256, 10], activation: 'relu' }, 0);
  const x = hg.keep(hg.tensor(Float32Array.from({ length: 128 * 784 }, () => rng.uniform()), [128, 784]));
  const y = hg.keep(hg.tensor(Int32Array.from({ length: 128 }, (_, i) => i % 10), [128], 'int32'));
  const gpt = createGpt({ vocab: 65, context: 16, width: 64, heads: 4, depth: 2, mlpRatio: 4 }, 0);
  const ids = () => hg.keep(hg.tensor(Int32Array.from({ length: 32 * 16 }, () => rng.uint32() % 65), [32, 16], 'int32'));
  return [
    { name: 'MLP 784-256-256-10, batch 128', model: mlp, batch: { x, y } },
    { name: 'Transformer 2 layers, d 64, 4 heads, T 16, B 32', model: gpt, batch: { x: ids(), y: ids() } },
  ];
}

export function benchModels(runs = 7): ModelBenchRow[] {
  return reference().map(({ name, model, batch }) => {
    const p = model.params;
    const loss = (q: hg.Tree) => model.loss(q as Record<string, hg.Tensor>, batch);
    const v = Object.fromEntries(Object.entries(p).map(([k, t]) => [k, hg.keep(hg.mul(t, 0.5))]));
    // Interleaved, so the ratios HVP/gradient and gradient/forward compare like with like.
    const [forwardMs, gradMs, hvpMs] = timeInterleaved([
      () => hg.tidy(() => { loss(p).dataSync(); }),
      () => hg.tidy(() => { hg.grad(loss)(p); }),
      () => hg.tidy(() => { hg.hvp(loss, p, v); }),
    ], runs).map(median);
    return {
      model: name,
      params: paramCount(p),
      forwardMs, gradMs, hvpMs,
      hvpOverGrad: hvpMs / gradMs,
      gradOverForward: gradMs / forwardMs,
    };
  });
}
