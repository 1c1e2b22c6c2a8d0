/** Every model of the zoo: forward shapes, a derivative check on a tiny float64 instance, and a few steps lower the loss. */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import { createCnn, cnnPresets } from '../../src/models/cnn.js';
import { createGpt, gptPresets } from '../../src/models/gpt.js';
import { Init } from '../../src/models/init.js';
import { createMlp, mlpPresets } from '../../src/models/mlp.js';
import type { Batch, Model } from '../../src/models/model.js';
import { createVgg, vggPresets } from '../../src/models/vgg.js';
import { createVit, patchify, vitPresets } from '../../src/models/vit.js';
import { checkDerivatives } from '../helpers/check.js';
import { Rng } from '../helpers/rng.js';

const rng = new Rng(5);
const VOCAB = 11;

function imageBatch(n: number, dtype: hg.DType): Batch {
  const x = Float64Array.from({ length: n * 784 }, () => rng.uniform());
  return { x: hg.tensor(dtype === 'float64' ? x : Float32Array.from(x), [n, 784], dtype), y: hg.tensor(Int32Array.from({ length: n }, (_, i) => i % 10), [n], 'int32') };
}
function textBatch(b: number, t: number): Batch {
  const ids = Int32Array.from({ length: b * (t + 1) }, () => Math.floor(rng.uniform() * VOCAB));
  const x = new Int32Array(b * t), y = new Int32Array(b * t);
  for (let i = 0; i < b; i++) for (let j = 0; j < t; j++) { x[i * t + j] = ids[i * (t + 1) + j]; y[i * t + j] = ids[i * (t + 1) + j + 1]; }
  return { x: hg.tensor(x, [b, t], 'int32'), y: hg.tensor(y, [b, t], 'int32') };
}

type Maker = (dtype: hg.DType) => { model: Model; batch: Batch; logits: number[] };
const makers: Record<string, Maker> = {
  mlp: (d) => ({ model: createMlp(mlpPresets.tiny, 1, new Init(1, d)), batch: imageBatch(4, d), logits: [4, 10] }),
  cnn: (d) => ({ model: createCnn(cnnPresets.tiny, 1, new Init(1, d)), batch: imageBatch(2, d), logits: [2, 10] }),
  vgg: (d) => ({ model: createVgg(vggPresets.tiny, 1, new Init(1, d)), batch: imageBatch(2, d), logits: [2, 10] }),
  vit: (d) => ({ model: createVit(vitPresets.tiny, 1, new Init(1, d)), batch: imageBatch(3, d), logits: [3, 10] }),
  gpt: (d) => ({ model: createGpt({ ...gptPresets.tiny, vocab: VOCAB }, 1, new Init(1, d)), batch: textBatch(2, 6), logits: [12, VOCAB] }),
};

describe.each(Object.entries(makers))('%s', (_name, make) => {
  it('forward shapes and a finite loss', () => {
    const { model, batch, logits } = make('float32');
    expect([...model.logits(model.params, batch).shape]).toEqual(logits);
    const loss = model.loss(model.params, batch).item();
    expect(Number.isFinite(loss)).toBe(true);
    for (const b of model.blocks()) expect(model.params[b.param], b.param).toBeDefined();
  });

  it('derivative check on a tiny float64 instance (JVP vs finite differences, VJP adjoint)', () => {
    const { model, batch } = make('float64');
    const names = Object.keys(model.params);
    const f = (xs: hg.Tensor[]) => model.loss(Object.fromEntries(names.map((n, i) => [n, xs[i]])), batch, 'train');
    // A small step: ReLU kinks are everywhere in these nets, and a finite difference that
    // straddles one is wrong by O(1); at ε = 1e-7 that becomes rare while rounding stays ~1e-9.
    checkDerivatives(f, names.map((n) => model.params[n]), { order: 1, eps: 1e-7, rtol: 1e-5, atol: 1e-6 });
  });

  it('ten SGD steps on one batch lower the loss', () => {
    const { model, batch } = make('float32');
    let params = model.params;
    const first = model.loss(params, batch).item();
    for (let s = 0; s < 10; s++) {
      const g = hg.grad((p: typeof params) => model.loss(p, batch))(params);
      params = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, hg.sub(v, hg.mul(g[k], 0.1))]));
    }
    expect(model.loss(params, batch).item()).toBeLessThan(first);
  });
});

it('patchify cuts row-major P×P patches', () => {
  const x = hg.tensor(Float32Array.from({ length: 784 }, (_, i) => i), [1, 784]);
  const p = patchify(x, 7).dataSync();
  // Patch 1 (top row, second column) starts at pixel (0, 7); its second row starts at (1, 7).
  expect([p[49], p[56]]).toEqual([7, 35]);
});
