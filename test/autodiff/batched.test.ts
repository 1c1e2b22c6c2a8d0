/**
 * Stacked tangents (stacked.ts) against the per-direction reference path: the
 * same sweeps (jvpMulti, hvpMulti with and without blockDiagonal, zero
 * directions interleaved, block HVPs, a gradient through a sweep) on the
 * zoo's tiny models must agree to rounding — near-exactly in float64.
 */
import { describe, expect, it, vi } from 'vitest';
import * as hg from '../../src/index.js';
import { type BlockSpec, blockDim, blockHvps } from '../../src/hessian/index.js';
import { createCnn, cnnPresets } from '../../src/models/cnn.js';
import { createGpt, gptPresets } from '../../src/models/gpt.js';
import { Init } from '../../src/models/init.js';
import { createMlp, mlpPresets } from '../../src/models/mlp.js';
import type { Batch, Model } from '../../src/models/model.js';
import { createVit, vitPresets } from '../../src/models/vit.js';
import { StackedJvpTrace } from '../../src/autodiff/stacked.js';
import { Rng } from '../helpers/rng.js';

const rng = new Rng(23);
const VOCAB = 11;

function imageBatch(n: number, dtype: hg.DType): Batch {
  const x = Float64Array.from({ length: n * 784 }, () => rng.uniform());
  return { x: hg.tensor(dtype === 'float64' ? x : Float32Array.from(x), [n, 784], dtype), y: hg.tensor(Int32Array.from({ length: n }, (_, i) => i % 10), [n], 'int32') };
}
function textBatch(b: number, t: number): Batch {
  const ids = () => Int32Array.from({ length: b * t }, () => Math.floor(rng.uniform() * VOCAB));
  return { x: hg.tensor(ids(), [b, t], 'int32'), y: hg.tensor(ids(), [b, t], 'int32') };
}

type Maker = (dtype: hg.DType) => { model: Model; batch: Batch };
const makers: Record<string, Maker> = {
  mlp: (d) => ({ model: createMlp(mlpPresets.tiny, 1, new Init(1, d)), batch: imageBatch(3, d) }),
  vit: (d) => ({ model: createVit(vitPresets.tiny, 1, new Init(1, d)), batch: imageBatch(2, d) }),
  gpt: (d) => ({ model: createGpt({ ...gptPresets.tiny, vocab: VOCAB }, 1, new Init(1, d)), batch: textBatch(2, 5) }),
  cnn: (d) => ({ model: createCnn(cnnPresets.tiny, 1, new Init(1, d)), batch: imageBatch(2, d) }),
};

/** Relative tolerance of the two paths: they reorder a few sums (placing rows, gemm batches). */
const TOL: Record<string, number> = { float64: 1e-11, float32: 2e-4 };

/** Random partial tangents: direction j lives on a random subset of leaves, and every third direction is all zero. */
function directions(params: hg.Params, k: number): Partial<hg.Params>[] {
  const names = Object.keys(params);
  return Array.from({ length: k }, (_, j) => {
    if (j % 3 === 1) return {};
    const v: Partial<hg.Params> = {};
    for (const n of names) {
      if (rng.uniform() < 0.5) continue;
      const t = params[n];
      v[n] = hg.tensor(Float64Array.from(rng.array(t.size)), t.shape, 'float64');
      if (t.dtype === 'float32') v[n] = hg.cast(v[n]!, 'float32');
    }
    return v;
  });
}

/** max |a − b| ≤ tol · max(1, max |b|), leaf by leaf; also checks that something nonzero was compared. */
function expectSameTrees(a: hg.Params[], b: hg.Params[], tol: number): void {
  let nonzero = 0;
  a.forEach((ta, j) => {
    for (const n of Object.keys(ta)) {
      const x = ta[n].dataSync(), y = b[j][n].dataSync();
      const scale = Math.max(1, ...Array.from(y, Math.abs));
      let err = 0;
      for (let i = 0; i < y.length; i++) { err = Math.max(err, Math.abs(x[i] - y[i])); if (y[i] !== 0) nonzero++; }
      expect(err, `direction ${j}, ${n}`).toBeLessThanOrEqual(tol * scale);
    }
  });
  expect(nonzero).toBeGreaterThan(0);
}

const both = <R>(f: (stack: boolean) => R): [R, R] => [f(true), f(false)];

describe.each(Object.entries(makers))('%s: stacked tangents equal per-direction tangents', (_name, make) => {
  describe.each(['float64', 'float32'] as const)('%s', (dtype) => {
    const { model, batch } = make(dtype);
    const p = model.params;
    const loss = (q: hg.Params) => model.loss(q, batch, 'eval');
    const vs = directions(p, 5);

    it('jvpMulti of the logits', () => {
      const [s, d] = both((stack) => hg.jvpMulti((q: hg.Params) => ({ out: model.logits(q, batch, 'eval') }), p, vs, { stackTangents: stack }));
      expectSameTrees(s.tangents, d.tangents, TOL[dtype]);
    });

    it('hvpMulti', () => {
      const [s, d] = both((stackTangents) => hg.hvpMulti(loss, p, vs, { stackTangents }));
      expectSameTrees(s, d, TOL[dtype]);
    });

    it('hvpMulti with blockDiagonal, one direction per parameter (and zero ones between)', () => {
      const names = Object.keys(p);
      const blockVs = names.flatMap((n) => [{ [n]: hg.mul(p[n], 0.5) }, {}]);
      const [s, d] = both((stackTangents) => hg.hvpMulti(loss, p, blockVs, { blockDiagonal: true, stackTangents }));
      expectSameTrees(s, d, TOL[dtype]);
    });
  });
});

describe('block HVPs and nesting through the stacked path', () => {
  const { model, batch } = makers.vit('float64');
  const loss = (q: hg.Params) => model.loss(q, batch, 'eval');

  it('blockHvps (Q, K, V rows of one weight and whole weights) equal the per-direction path', async () => {
    const blocks: BlockSpec[] = model.blocks();
    const reqs = blocks.map((block) => ({ block, v: Float64Array.from(rng.array(blockDim(model.params, block))) }));
    const prev = hg.setTangentStacking(true);
    const stacked = await blockHvps(loss, model.params, reqs);
    hg.setTangentStacking(false);
    const reference = await blockHvps(loss, model.params, reqs);
    hg.setTangentStacking(prev);
    expect(blocks.length).toBeGreaterThan(5);
    stacked.forEach((h, j) => {
      const scale = Math.max(1, ...Array.from(reference[j], Math.abs));
      h.forEach((v, i) => expect(Math.abs(v - reference[j][i]), blocks[j].name).toBeLessThanOrEqual(1e-11 * scale));
    });
  });

  it('a gradient through a stacked sweep (reverse over forward-over-reverse) equals the per-direction one', () => {
    const vs = directions(model.params, 4);
    const third = (stackTangents: boolean) => hg.grad((q: hg.Params) =>
      hg.hvpMulti(loss, q, vs, { stackTangents }).reduce((acc, h, j) =>
        hg.add(acc, hg.mul(hg.sum(hg.mul(h['head.weight'], h['head.weight'])), j + 1)), hg.scalar(0, 'float64')))(model.params);
    const [s, d] = both(third);
    expectSameTrees([s], [d], 1e-10);
  });

  it('hvp of an hvpMulti sweep: the stacked trace nested under another forward trace', () => {
    const vs = directions(model.params, 3);
    const u = { 'head.weight': hg.mul(model.params['head.weight'], 0.3) };
    const inner = (stackTangents: boolean) => (q: hg.Params) =>
      hg.sum(hg.mul(hg.hvpMulti(loss, q, vs, { stackTangents })[0]['head.weight'], model.params['head.weight']));
    const [s, d] = both((stack) => hg.hvp(inner(stack), model.params, u));
    expectSameTrees([s], [d], 1e-10);
  });
});

describe('which path a sweep takes', () => {
  const { model, batch } = makers.mlp('float64');
  const loss = (q: hg.Params) => model.loss(q, batch);
  const vs = [{ 'layers.0.weight': model.params['layers.0.weight'] }, { 'layers.1.weight': model.params['layers.1.weight'] }];
  /** Ops the stacked trace processed during f. */
  const stackedOps = (f: () => void): number => {
    const spy = vi.spyOn(StackedJvpTrace.prototype, 'process');
    try { f(); return spy.mock.calls.length; } finally { spy.mockRestore(); }
  };

  it('k > 1 directions take the per-direction path by default; the option and setTangentStacking(true) stack them', () => {
    expect(stackedOps(() => hg.hvpMulti(loss, model.params, vs))).toBe(0);
    expect(stackedOps(() => hg.hvpMulti(loss, model.params, vs, { stackTangents: true }))).toBeGreaterThan(10);
    const prev = hg.setTangentStacking(true);
    try {
      expect(stackedOps(() => hg.hvpMulti(loss, model.params, vs))).toBeGreaterThan(10);
      expect(stackedOps(() => hg.hvpMulti(loss, model.params, vs, { stackTangents: false }))).toBe(0);
    } finally {
      expect(hg.setTangentStacking(prev)).toBe(true);
    }
  });

  it('a single direction keeps the plain path (a stack axis gains nothing there)', () => {
    expect(stackedOps(() => hg.hvp(loss, model.params, vs[0]))).toBe(0);
  });
});
