/**
 * BatchNorm with PyTorch's semantics: the running update (momentum 0.1,
 * unbiased variance) against a hand computation, 'eval' at initialization as
 * the identity affine, 'batch' as the earlier frozen-statistics code, 'train'
 * through the derivative check, and the tiny CNN's Hessian in 'eval' versus
 * 'batch' mode.
 */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import { BN_MODES, batchNorm, updateRunning } from '../../src/models/batchnorm.js';
import { lossGradAndBuffers } from '../../src/models/buffers.js';
import { cnnPresets, createCnn } from '../../src/models/cnn.js';
import { Init } from '../../src/models/init.js';
import type { Batch, Model, Params } from '../../src/models/model.js';
import { trainOne } from '../../src/experiment/train.js';
import { checkDerivatives } from '../helpers/check.js';
import { Rng } from '../helpers/rng.js';

const rng = new Rng(11);
const f64 = (data: ArrayLike<number>, shape: readonly number[]) => hg.tensor(Float64Array.from(data), shape, 'float64');
const rand = (shape: readonly number[], scale = 1) => f64(rng.array(shape.reduce((a, b) => a * b, 1), scale), shape);
const values = (t: hg.Tensor) => Array.from(t.dataSync());
const norm = (t: hg.Tensor) => Math.sqrt(values(t).reduce((s, v) => s + v * v, 0));

/** Per-channel values of x (B, C, H, W) as plain arrays. */
function channels(x: hg.Tensor): number[][] {
  const [b, c, h, w] = x.shape, d = values(x);
  const out: number[][] = Array.from({ length: c }, () => []);
  for (let i = 0; i < b; i++) for (let k = 0; k < c; k++) for (let j = 0; j < h * w; j++) out[k].push(d[(i * c + k) * h * w + j]);
  return out;
}
/** PyTorch's update by hand: (1 − m)·old + m·stat, the variance unbiased. */
function handUpdate(x: hg.Tensor, oldMean: number[], oldVar: number[], m = 0.1) {
  return channels(x).map((v, k) => {
    const mu = v.reduce((a, b) => a + b, 0) / v.length;
    const unbiased = v.reduce((a, b) => a + (b - mu) ** 2, 0) / (v.length - 1);
    return { mean: (1 - m) * oldMean[k] + m * mu, var: (1 - m) * oldVar[k] + m * unbiased };
  });
}

/** heterograd's BatchNorm before the running statistics, verbatim: its "eval" is today's 'batch'. */
function previousBatchNorm(x: hg.Tensor, gamma: hg.Tensor, beta: hg.Tensor, mode: 'train' | 'eval', eps = 1e-5): hg.Tensor {
  let mu = hg.mean(x, [0, 2, 3], true);
  let v = hg.mean(hg.square(hg.sub(x, mu)), [0, 2, 3], true);
  if (mode === 'eval') { mu = hg.stopGradient(mu); v = hg.stopGradient(v); }
  const c = x.shape[1];
  const y = hg.div(hg.sub(x, mu), hg.sqrt(hg.add(v, eps)));
  return hg.add(hg.mul(y, hg.reshape(gamma, [1, c, 1, 1])), hg.reshape(beta, [1, c, 1, 1]));
}

describe('running statistics', () => {
  it('follow PyTorch\'s update: momentum 0.1, unbiased batch variance, two steps in a row', () => {
    const x1 = rand([2, 2, 2, 3], 2), x2 = hg.add(rand([3, 2, 1, 2]), 4);
    let running = { mean: f64([0.5, -1], [2]), var: f64([2, 0.25], [2]) };
    let expected = handUpdate(x1, [0.5, -1], [2, 0.25]);
    running = updateRunning(running, x1);
    for (let step = 0; step < 2; step++) {
      expect(values(running.mean)).toEqual(expected.map((e) => expect.closeTo(e.mean, 14)));
      expect(values(running.var)).toEqual(expected.map((e) => expect.closeTo(e.var, 14)));
      expected = handUpdate(x2, expected.map((e) => e.mean), expected.map((e) => e.var));
      running = updateRunning(running, x2);
    }
  });

  it('the biased variance would give another update (n = 6 per channel makes n/(n−1) = 1.2 visible)', () => {
    const x = rand([1, 1, 2, 3]);
    const v = values(updateRunning({ mean: f64([0], [1]), var: f64([0], [1]) }, x).var)[0];
    const d = channels(x)[0], mu = d.reduce((a, b) => a + b, 0) / 6;
    const biased = d.reduce((a, b) => a + (b - mu) ** 2, 0) / 6;
    expect(v).toBeCloseTo(0.1 * biased * 1.2, 14);
  });

  it('refuse a batch with one value per channel, as PyTorch does', () => {
    const one = rand([1, 2, 1, 1]);
    expect(() => updateRunning({ mean: f64([0, 0], [2]), var: f64([1, 1], [2]) }, one)).toThrow(/more than one value per channel/);
    expect(() => batchNorm(one, f64([1, 1], [2]), f64([0, 0], [2]), 'train')).toThrow(/more than one value per channel/);
  });
});

describe('the three modes', () => {
  const c = 3;
  const x = rand([4, c, 2, 3], 1.5);
  const gamma = f64([1.3, 0.7, -0.4], [c]), beta = f64([0.2, -0.1, 0.5], [c]);

  it('BN_MODES lists them, and an unknown one is refused by name', () => {
    expect([...BN_MODES]).toEqual(['eval', 'batch', 'train']);
    expect(() => batchNorm(x, gamma, beta, 'test' as never)).toThrow(/unknown mode 'test'; valid: eval, batch, train/);
  });

  it("'eval' at initialization is the identity affine: exactly x with ε = 0, x/√(1+ε) with PyTorch's ε", () => {
    const init = { mean: f64([0, 0, 0], [c]), var: f64([1, 1, 1], [c]) };
    const ones = f64([1, 1, 1], [c]), zeros = f64([0, 0, 0], [c]);
    expect(values(batchNorm(x, ones, zeros, 'eval', init, 0))).toEqual(values(x));
    const scaled = values(x).map((v) => v / Math.sqrt(1 + 1e-5));
    values(batchNorm(x, ones, zeros, 'eval', init)).forEach((v, i) => expect(v).toBeCloseTo(scaled[i], 15));
    expect(() => batchNorm(x, ones, zeros, 'eval')).toThrow(/needs the running statistics/);
  });

  it("'eval' is γ·(x − μ_run)/√(σ²_run + ε) + β per channel", () => {
    const running = { mean: f64([0.3, -2, 1], [c]), var: f64([0.5, 4, 2], [c]) };
    const [rm, rv, g, b] = [running.mean, running.var, gamma, beta].map(values);
    const chans = channels(batchNorm(x, gamma, beta, 'eval', running));
    channels(x).forEach((v, k) => v.forEach((xi, i) => expect(chans[k][i]).toBeCloseTo(g[k] * (xi - rm[k]) / Math.sqrt(rv[k] + 1e-5) + b[k], 13)));
  });

  it("'batch' is the earlier frozen-statistics code: the same value, gradient and H·v, bit for bit", () => {
    const w = rand(x.shape);
    const probe = (bn: typeof batchNorm | typeof previousBatchNorm, mode: 'batch' | 'eval') =>
      (p: hg.Tensor[]) => hg.sum(hg.mul(w, hg.square(bn(p[0], p[1], p[2], mode as never))));
    const now = probe(batchNorm, 'batch'), before = probe(previousBatchNorm, 'eval');
    const at = [x, gamma, beta], v = [rand(x.shape), rand([c]), rand([c])];
    expect(values(now(at))).toEqual(values(before(at)));
    const [gNow, gBefore] = [hg.grad(now)(at), hg.grad(before)(at)];
    gNow.forEach((g, i) => expect(values(g)).toEqual(values(gBefore[i])));
    const [hNow, hBefore] = [hg.hvp(now, at, v), hg.hvp(before, at, v)];
    hNow.forEach((h, i) => expect(values(h)).toEqual(values(hBefore[i])));
  });

  it("'batch' freezes exactly the batch mean and variance: ∂y/∂x is diagonal, γ/√(σ²+ε) per channel", () => {
    const u = rand(x.shape);
    const { backward } = hg.vjp((t: hg.Tensor) => batchNorm(t, gamma, beta, 'batch'), x);
    const dx = channels(backward(u)), uc = channels(u), g = values(gamma);
    channels(x).forEach((v, k) => {
      const mu = v.reduce((a, b) => a + b, 0) / v.length;
      const s = g[k] / Math.sqrt(v.reduce((a, b) => a + (b - mu) ** 2, 0) / v.length + 1e-5);
      v.forEach((_, i) => expect(dx[k][i]).toBeCloseTo(s * uc[k][i], 12));
    });
    // Same value as 'train'; the derivatives are what differ.
    expect(values(batchNorm(x, gamma, beta, 'batch'))).toEqual(values(batchNorm(x, gamma, beta, 'train')));
  });

  it("'train' passes the derivative check (JVP, VJP, HVP, symmetry) through the batch statistics", () => {
    checkDerivatives((p) => batchNorm(p[0], p[1], p[2], 'train'), [x, gamma, beta]);
  });

  it("'eval' passes the derivative check; the running statistics are constants", () => {
    const running = { mean: f64([0.3, -2, 1], [c]), var: f64([0.5, 4, 2], [c]) };
    checkDerivatives((p) => batchNorm(p[0], p[1], p[2], 'eval', running), [x, gamma, beta]);
  });
});

const tinyCnn = () => createCnn(cnnPresets.tiny, 3, new Init(3, 'float64'));
function images(n: number): Batch {
  return { x: f64(Float64Array.from({ length: n * 784 }, () => rng.uniform()), [n, 784]), y: hg.tensor(Int32Array.from({ length: n }, (_, i) => i % 10), [n], 'int32') };
}

describe('the tiny CNN', () => {
  it('carries PyTorch-named buffers, mean 0 and var 1, apart from its parameters', () => {
    const model = tinyCnn();
    const names = Object.keys(model.buffers!);
    expect(names).toContain('bn1.running_mean');
    expect(names).toContain('layer2.0.downsample.1.running_var');
    expect(names.length).toBe(2 * Object.keys(model.params).filter((k) => /bn\d\.weight$|downsample\.1\.weight$/.test(k)).length);
    for (const k of names) {
      expect(k in model.params).toBe(false);
      expect(new Set(values(model.buffers![k]))).toEqual(new Set([k.endsWith('mean') ? 0 : 1]));
    }
  });

  it("'eval' treats every example on its own; 'batch' and 'train' mix the batch", () => {
    const model = tinyCnn(), b = images(3);
    const alone = (mode: 'eval' | 'batch') => values(model.logits(model.params, { x: hg.slice(b.x, [0, 0], [1, 784]), y: b.y }, mode));
    const first = (mode: 'eval' | 'batch') => values(model.logits(model.params, b, mode)).slice(0, 10);
    first('eval').forEach((v, i) => expect(v).toBeCloseTo(alone('eval')[i], 12));
    expect(() => alone('batch')).not.toThrow(); // 14×14 and 7×7 maps: enough values per channel even for one image
    expect(Math.max(...first('batch').map((v, i) => Math.abs(v - alone('batch')[i])))).toBeGreaterThan(1e-6);
  });

  it('lossAndBuffers: the train-mode loss, and bn1 updated from its own input by hand', () => {
    const model = tinyCnn(), b = images(4);
    const { loss, buffers } = model.lossAndBuffers!(model.params, model.buffers!, b);
    expect(loss.item()).toBe(model.loss(model.params, b, 'train').item());
    expect(Object.keys(buffers).sort()).toEqual(Object.keys(model.buffers!).sort());
    const stem = hg.conv2d(hg.reshape(b.x, [4, 1, 28, 28]), model.params['conv1.weight'], undefined, 2, 1); // (4, 4, 14, 14)
    const expected = handUpdate(stem, [0, 0, 0, 0], [1, 1, 1, 1]);
    expect(values(buffers['bn1.running_mean'])).toEqual(expected.map((e) => expect.closeTo(e.mean, 13)));
    expect(values(buffers['bn1.running_var'])).toEqual(expected.map((e) => expect.closeTo(e.var, 13)));
  });

  it('lossGradAndBuffers: the same gradient as the plain loss, the same buffers, and no leaked tensor', () => {
    const model = tinyCnn(), b = images(4);
    const plain = hg.grad((p: Params) => model.loss(p, b, 'train'))(model.params);
    const step = lossGradAndBuffers(model, model.params, model.buffers!, b);
    for (const k of Object.keys(plain)) expect(values(step.grads[k])).toEqual(values(plain[k]));
    const direct = model.lossAndBuffers!(model.params, model.buffers!, b).buffers;
    for (const k of Object.keys(direct)) expect(values(step.buffers[k])).toEqual(values(direct[k]));
    // Steady state: each step frees the previous buffers and everything else it made.
    let buffers = step.buffers;
    const live = () => hg.liveTensorCount();
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = lossGradAndBuffers(model, model.params, buffers, b);
      hg.dispose([...Object.values(buffers), r.value, ...Object.values(r.grads)]);
      buffers = r.buffers;
      counts.push(live());
    }
    expect(new Set(counts).size).toBe(1);
  });

  it("H·v and H_bb·v_b differ between 'eval' and 'batch' mode at initialization", () => {
    const model = tinyCnn(), b = images(8);
    const names = Object.keys(model.params);
    const v = Object.fromEntries(names.map((k) => [k, rand(model.params[k].shape)]));
    const full = (mode: 'eval' | 'batch') => norm(hg.concat(Object.values(hg.hvp((p: Params) => model.loss(p, b, mode), model.params, v)).map((t) => hg.reshape(t, [-1])), 0));
    const block = (mode: 'eval' | 'batch', name: string) => {
      const hv = hg.hvp((p: Params) => model.loss(p, b, mode), model.params, { [name]: v[name] }, { wrt: names.map((k) => k === name) });
      return norm(hv[name]);
    };
    const ratioFull = full('batch') / full('eval');
    const ratioBlock = block('batch', 'layer1.0.conv1.weight') / block('eval', 'layer1.0.conv1.weight');
    console.log(`tiny CNN, batch 8: ‖H·v‖ batch/eval = ${ratioFull.toFixed(3)}, ‖H_bb·v_b‖ (layer1.0.conv1) batch/eval = ${ratioBlock.toFixed(3)}`);
    for (const r of [ratioFull, ratioBlock]) expect(Math.abs(Math.log(r))).toBeGreaterThan(Math.log(2));
  });
});

describe('training', () => {
  it('trainOne carries the running statistics from step to step and evaluates held out in eval mode with the last ones', async () => {
    const cnn = createCnn(cnnPresets.tiny, 4);
    const produced: Params[] = [], heldOutCalls: { mode?: string; buffers?: Params }[] = [];
    const model: Model = {
      ...cnn,
      loss: (p, b, mode, buffers) => { heldOutCalls.push({ mode, buffers }); return cnn.loss(p, b, mode, buffers); },
      lossAndBuffers: (p, buffers, b) => {
        // Each step starts from the buffers the previous one produced (the first from a copy of the initial ones).
        expect(buffers).toBe(produced.length ? produced[produced.length - 1] : buffers);
        const r = cnn.lossAndBuffers!(p, buffers, b);
        produced.push(r.buffers);
        return r;
      },
    };
    const image = (n: number): Batch => ({ x: hg.tensor(Float32Array.from({ length: n * 784 }, () => rng.uniform()), [n, 784]), y: hg.tensor(Int32Array.from({ length: n }, (_, i) => i % 10), [n], 'int32') });
    const task = { model, data: 'random', dataId: 'random', batch: (n: number) => image(n), heldOut: (n: number) => image(n) };
    const settings = { steps: 3, batch: 4, sgdLrs: [0.1], adamLrs: [1e-3], clip: 1, heldOut: 6 };
    await trainOne(task, settings, 'adam', 1e-3, () => {}); // warm caches (the one-hot identity)
    produced.length = heldOutCalls.length = 0;
    const before = hg.liveTensorCount();
    const r = await trainOne(task, settings, 'adam', 1e-3, () => {});
    expect(hg.liveTensorCount()).toBe(before);
    expect(r.losses.length).toBe(3);
    expect(Number.isFinite(r.heldOutLoss)).toBe(true);
    expect(produced.length).toBe(3);
    expect(heldOutCalls).toEqual([{ mode: 'eval', buffers: produced[2] }]);
    // The model's initial buffers survive training (each run starts from its own copy).
    expect(new Set(values(cnn.buffers!['bn1.running_var']))).toEqual(new Set([1]));
  });
});
