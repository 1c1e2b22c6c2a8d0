/** Per-block optimizers: SGD with a learning rate per block, and Adam-mini. */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import { createGpt, gptPresets } from '../../src/models/gpt.js';
import { Init } from '../../src/models/init.js';
import {
  adam, adamMini, adamw, blockScalesFromLambdaMax, disposeTree, sgd, sgdBlockwise, update, zooPartition,
  type Optimizer, type Params,
} from '../../src/optim/index.js';
import { Rng } from '../helpers/rng.js';

const f64 = (xs: number[], shape?: number[]): hg.Tensor => hg.tensor(Float64Array.from(xs), shape ?? [xs.length], 'float64');
const vals = (t: hg.Tensor): number[] => Array.from(t.dataSync());

function close(a: number[], b: number[], tol = 1e-12): void {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(Math.abs(x - b[i]), `entry ${i}: ${x} vs ${b[i]}`).toBeLessThan(tol));
}

/** Runs `opt` over a list of gradient records from the given start; returns every parameter's final values. */
function run<S>(opt: Optimizer<S>, start: Record<string, [number[], number[]]>, grads: Record<string, number[]>[], lr: number): Record<string, number[]> {
  let params: Params = Object.fromEntries(Object.entries(start).map(([k, [x, s]]) => [k, f64(x, s)]));
  let state = opt.init(params);
  for (const g of grads) {
    const gt = Object.fromEntries(Object.entries(g).map(([k, x]) => [k, f64(x, start[k][1])]));
    ({ params, state } = update(opt, params, gt, state, lr));
  }
  const out = Object.fromEntries(Object.entries(params).map(([k, t]) => [k, vals(t)]));
  disposeTree([params, state]);
  return out;
}

/** Random gradient records for `steps` steps, shaped like `start`. */
function randomGrads(start: Record<string, [number[], number[]]>, steps: number, seed: number): Record<string, number[]>[] {
  const rng = new Rng(seed);
  return Array.from({ length: steps }, () => Object.fromEntries(Object.entries(start).map(([k, [x]]) => [k, [...rng.array(x.length)]])));
}

describe('sgdBlockwise', () => {
  it('matches a hand-computed run with a whole-tensor scale and a row-range scale', () => {
    // a: scale 2; W: rows [0, 1) scale 0.5, row 1 uncovered (default 1); μ = 0.9, lr = 0.1.
    // step 1: buf = g; a = [1, −2] − 0.2·[0.5, 0.25] = [0.9, −2.05]
    //         W row 0 = [1, 2] − 0.05·[1, 1] = [0.95, 1.95]; row 1 = [3, 4] − 0.1·[1, 1] = [2.9, 3.9]
    // step 2: buf_a = 0.9·[0.5, 0.25] + [0.5, 0.25] = [0.95, 0.475]; a = [0.9 − 0.19, −2.05 − 0.095] = [0.71, −2.145]
    //         buf_W = 0.9·1 + [[2, 0], [0, 2]] = [[2.9, 0.9], [0.9, 2.9]]
    //         W row 0 = [0.95 − 0.145, 1.95 − 0.045] = [0.805, 1.905]; row 1 = [2.9 − 0.09, 3.9 − 0.29] = [2.81, 3.61]
    const opt = sgdBlockwise({ momentum: 0.9, blockScale: { a: 2, 'W.top': 0.5 }, blocks: [{ name: 'W.top', param: 'W', rows: [0, 1] }] });
    const got = run(opt, { a: [[1, -2], [2]], W: [[1, 2, 3, 4], [2, 2]] }, [{ a: [0.5, 0.25], W: [1, 1, 1, 1] }, { a: [0.5, 0.25], W: [2, 0, 0, 2] }], 0.1);
    close(got.a, [0.71, -2.145]);
    close(got.W, [0.805, 1.905, 2.81, 3.61]);
  });

  it('with every scale 1 is exactly sgd (bit for bit), with momentum, Nesterov and weight decay', () => {
    const start: Record<string, [number[], number[]]> = { W: [[1, 2, 3, 4, 5, 6], [3, 2]], b: [[0.5, -0.5], [2]] };
    const grads = randomGrads(start, 5, 11);
    for (const o of [{ momentum: 0.9 }, { momentum: 0 }, { momentum: 0.5, nesterov: true, weightDecay: 0.01 }]) {
      const blockwise = sgdBlockwise({ ...o, blockScale: { 'W.q': 1, 'W.k': 1, b: 1 }, blocks: [
        { name: 'W.q', param: 'W', rows: [0, 1] }, { name: 'W.k', param: 'W', rows: [1, 3] },
      ] });
      expect(run(blockwise, start, grads, 0.1)).toEqual(run(sgd(o), start, grads, 0.1));
    }
  });

  it('names bad scales, unknown blocks and overlapping rows', () => {
    const params = { W: f64([1, 2, 3, 4], [2, 2]) };
    expect(() => sgdBlockwise({ blockScale: { W: 0 } }).init(params)).toThrow(/scale of 'W' is 0/);
    expect(() => sgdBlockwise({ blockScale: { nope: 1 } }).init(params)).toThrow(/'nope' is neither a block/);
    const blocks = [{ name: 'x', param: 'W', rows: [0, 2] as [number, number] }, { name: 'y', param: 'W', rows: [1, 2] as [number, number] }];
    expect(() => sgdBlockwise({ blockScale: { x: 1, y: 2 }, blocks }).init(params)).toThrow(/'y' overlaps another scaled block on row 1/);
    expect(() => sgdBlockwise({ blockScale: { z: 1 }, blocks: [{ name: 'z', param: 'W', rows: [1, 3] }] }).init(params)).toThrow(/rows \[1, 3\) out of range/);
  });
});

describe('blockScalesFromLambdaMax', () => {
  const params = { 'l0.weight': f64([1, 1]), 'l0.bias': f64([0]), 'l1.weight': f64([1, 1]), qkv: f64([1, 2, 3, 4], [4, 1]) };

  it('gives median(λ)/λ per block and 1 to parameters without a block', () => {
    // λ = 1, 4, 100 → median 4 → scales 4, 1, 0.04; the bias has no block → 1.
    const s = blockScalesFromLambdaMax({ 'l0.weight': 1, 'l1.weight': 4, q: 100 }, params, [{ name: 'q', param: 'qkv', rows: [0, 2] }]);
    expect(Object.keys(s).sort()).toEqual(['l0.bias', 'l0.weight', 'l1.weight', 'q']);
    close([s['l0.weight'], s['l1.weight'], s.q, s['l0.bias']], [4, 1, 0.04, 1]);
    // An even count takes the mean of the middle two: λ = 1, 3 → median 2 → scales 2, 2/3.
    const e = blockScalesFromLambdaMax({ 'l0.weight': 1, 'l1.weight': 3 }, params);
    close([e['l0.weight'], e['l1.weight']], [2, 2 / 3]);
  });

  it('feeds sgdBlockwise directly, rows included', () => {
    const blocks = [{ name: 'q', param: 'qkv', rows: [0, 2] as [number, number] }];
    const blockScale = blockScalesFromLambdaMax({ 'l0.weight': 1, 'l1.weight': 4, q: 100 }, params, blocks);
    const opt = sgdBlockwise({ momentum: 0, blockScale, blocks });
    const ones = Object.fromEntries(Object.entries(params).map(([k, p]) => [k, hg.ones(p.shape, 'float64')]));
    const { params: next, state } = opt.step(params, ones, opt.init(params), 1);
    // One step from the gradient 1 moves each coordinate by −scale: rows 0-1 of qkv by 0.04, rows 2-3 by 1 (uncovered).
    close(vals(next.qkv), [1 - 0.04, 2 - 0.04, 2, 3]);
    close(vals(next['l0.weight']), [-3, -3]);
    disposeTree([next, state, ones]);
  });

  it('rejects non-positive curvature and unknown names', () => {
    expect(() => blockScalesFromLambdaMax({ 'l0.weight': -1 }, params)).toThrow(/λmax of block 'l0.weight' is -1/);
    expect(() => blockScalesFromLambdaMax({ nope: 1 }, params)).toThrow(/'nope' is neither/);
  });
});

describe('adamMini', () => {
  const [b1, b2, eps, lr] = [0.9, 0.999, 1e-8, 0.1];

  it('matches a hand-computed two-step run: one v for a whole tensor, one per row group', () => {
    // Step 1 (bias-corrected m̂ = g1, v̂ = mean g1² of the block):
    //   P (whole tensor): mean g1² = (1 + 1 + 4 + 0)/4 = 1.5, so P − lr·g1/(√1.5 + ε)
    //   Q (rows = 1): row means [1, 2], so row 0 − lr·g/(1 + ε), row 1 − lr·g/(√2 + ε)
    const g1 = [1, -1, 2, 0];
    const g2 = [0, 1, -1, 3];
    const opt = adamMini({ partition: (name) => (name === 'Q' ? { rows: 1 } : undefined) });
    const start: Record<string, [number[], number[]]> = { P: [[1, 2, 3, 4], [2, 2]], Q: [[1, 2, 3, 4], [2, 2]] };
    const one = run(opt, start, [{ P: g1, Q: g1 }], lr);
    close(one.P, [1 - lr / (Math.sqrt(1.5) + eps), 2 + lr / (Math.sqrt(1.5) + eps), 3 - (2 * lr) / (Math.sqrt(1.5) + eps), 4]);
    close(one.Q, [1 - lr / (1 + eps), 2 + lr / (1 + eps), 3 - (2 * lr) / (Math.SQRT2 + eps), 4]);
    // Step 2: m = 0.9·0.1·g1 + 0.1·g2, v = 0.999·0.001·v1 + 0.001·mean g2²; P's mean g2² = 11/4, Q's rows [0.5, 5].
    const two = run(opt, start, [{ P: g1, Q: g1 }, { P: g2, Q: g2 }], lr);
    const step2 = (p1: number, i: number, v1: number, v2: number): number => {
      const m = b1 * (1 - b1) * g1[i] + (1 - b1) * g2[i];
      const v = b2 * (1 - b2) * v1 + (1 - b2) * v2;
      return p1 - (lr * (m / (1 - b1 ** 2))) / (Math.sqrt(v / (1 - b2 ** 2)) + eps);
    };
    close(two.P, one.P.map((p, i) => step2(p, i, 1.5, 11 / 4)));
    close(two.Q, one.Q.map((p, i) => (i < 2 ? step2(p, i, 1, 0.5) : step2(p, i, 2, 5))));
  });

  it('with one coordinate per block is exactly Adam / AdamW (bit for bit)', () => {
    // Vectors and (n, 1) columns with rows = 1: every block is a single coordinate.
    const start: Record<string, [number[], number[]]> = { b: [[0.5, -1, 2], [3]], c: [[1, 2, 3, 4], [4, 1]] };
    const grads = randomGrads(start, 6, 3);
    const perCoord = () => ({ rows: 1 });
    const o = { beta1: 0.8, beta2: 0.95, eps: 1e-6 };
    expect(run(adamMini({ ...o, partition: perCoord }), start, grads, 0.05)).toEqual(run(adam(o), start, grads, 0.05));
    const w = { ...o, weightDecay: 0.1 };
    expect(run(adamMini({ ...w, partition: perCoord }), start, grads, 0.05)).toEqual(run(adamw(w), start, grads, 0.05));
  });

  it('keeps one second moment per head / row / tensor under zooPartition and trains a tiny GPT', () => {
    const cfg = { ...gptPresets.tiny, vocab: 7 };
    const model = createGpt(cfg, 2, new Init(2));
    const hs = cfg.width / cfg.heads;
    const opt = adamMini({ partition: zooPartition(hs) });
    let params = model.params;
    let state = opt.init(params);
    const shapes = Object.fromEntries(Object.entries(state.v).map(([k, v]) => [k, v.shape]));
    expect(shapes['blocks.0.attn.qkv.weight']).toEqual([3 * cfg.heads, 1]); // Q, K, V heads
    expect(shapes['blocks.0.mlp.fc1.weight']).toEqual([cfg.width * cfg.mlpRatio, 1]); // output neurons
    expect(shapes['wte.weight']).toEqual([7, 1]); // tokens
    expect(shapes['lm_head.weight']).toEqual([7, 1]);
    expect(shapes['blocks.0.attn.qkv.bias']).toEqual([3 * cfg.width, 1]); // per coordinate
    expect(shapes['ln_f.weight']).toEqual([]); // one per tensor
    expect(shapes['wpe.weight']).toEqual([]);
    const ids = Int32Array.from({ length: 2 * 6 }, (_, i) => (i * 3) % 7);
    const batch = { x: hg.tensor(ids, [2, 6], 'int32'), y: hg.tensor(ids.map((x) => (x + 1) % 7), [2, 6], 'int32') };
    const first = model.loss(params, batch).item();
    for (let s = 0; s < 10; s++) {
      const g = hg.grad((p: Params) => model.loss(p, batch))(params);
      const next = opt.step(params, g, state, 0.01);
      disposeTree([g, state]);
      params = next.params;
      state = next.state;
    }
    expect(model.loss(params, batch).item()).toBeLessThan(first - 0.1);
  });

  it('names bad partitions', () => {
    const params = { W: f64([1, 2, 3, 4, 5, 6], [3, 2]), s: hg.full([], 1, 'float64') };
    expect(() => adamMini({ partition: (n) => (n === 'W' ? { rows: 2 } : undefined) }).init(params)).toThrow(/rows 2 for 'W' with shape \[3,2\].*divisor of 3/);
    expect(() => adamMini({ partition: () => ({ rows: 1 }) }).init(params)).toThrow(/scalar parameter 's'/);
    expect(() => zooPartition(0)).toThrow(/head size 0/);
  });
});

describe('memory', () => {
  it('100 steps of sgdBlockwise (rows) and adamMini (groups) leave the live tensor count flat', () => {
    const target = f64([1, 2, 3, 4, 5, 6], [3, 2]);
    const loss = (p: Params): hg.Tensor => hg.sum(hg.mul(hg.sub(p.W, target), hg.sub(p.W, target)));
    const opts: Optimizer<unknown>[] = [
      sgdBlockwise({ blockScale: { top: 0.5 }, blocks: [{ name: 'top', param: 'W', rows: [0, 1] }] }) as Optimizer<unknown>,
      adamMini({ partition: (n) => (n === 'W' ? { rows: 1 } : undefined), weightDecay: 0.1 }) as Optimizer<unknown>,
    ];
    for (const opt of opts) {
      let params: Params = { W: hg.keep(hg.zeros([3, 2], 'float64')), b: hg.keep(hg.zeros([2], 'float64')) };
      let state = opt.init(params);
      const counts: number[] = [];
      for (let i = 0; i < 100; i++) {
        const { value, grads } = hg.valueAndGrad(loss)(params);
        disposeTree(value);
        ({ params, state } = update(opt, params, grads, state, 0.05));
        if (i >= 10) counts.push(hg.liveTensorCount());
      }
      expect(Math.max(...counts) - Math.min(...counts), opt.name).toBe(0);
      expect(loss(params).item(), opt.name).toBeLessThan(91); // started at Σ target² = 91
      disposeTree([params, state]);
    }
    disposeTree(target);
  });
});
