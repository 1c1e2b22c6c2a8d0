/** The man-made heterogeneous MLP: same function class as the plain MLP, block Hessians scaled by s_l². */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import { type BlockSpec, blockDim, blockHvps, blockSpectra } from '../../src/hessian/index.js';
import { type DensityOptions, type Normalize, heterogeneityScore, pairwiseMatrix, slqMeasures } from '../../src/analysis/index.js';
import { createHeteroMlp, effectiveParams, heteroMlpPresets, layerScales, type HeteroMlpConfig } from '../../src/models/hetero-mlp.js';
import { Init } from '../../src/models/init.js';
import { createMlp, mlpPresets } from '../../src/models/mlp.js';
import type { Batch, Model, Params } from '../../src/models/model.js';
import { disposeTree, sgd, sgdBlockwise, update } from '../../src/optim/index.js';
import { Rng } from '../helpers/rng.js';

const rng = new Rng(17);
const tinyCfg = (r: number): HeteroMlpConfig => ({ sizes: [6, 5, 4, 3], activation: 'tanh', r });
const batch: Batch = {
  x: hg.tensor(rng.array(12 * 6), [12, 6], 'float64'),
  y: hg.tensor(Int32Array.from({ length: 12 }, (_, i) => i % 3), [12], 'int32'),
};
const vals = (t: hg.Tensor): number[] => Array.from(t.dataSync());
const maxRelDiff = (a: number[], b: number[]): number => {
  const scale = Math.max(...b.map(Math.abs));
  return Math.max(...a.map((x, i) => Math.abs(x - b[i]))) / scale;
};

/** Dense H_bb (row-major) from HVPs on the block's basis vectors. */
async function denseBlock(model: Model, params: Params, b: BlockSpec): Promise<number[]> {
  const d = blockDim(params, b);
  const loss = (p: Params) => model.loss(p, batch);
  const cols = await blockHvps(loss, params, Array.from({ length: d }, (_, i) => {
    const e = new Float64Array(d); e[i] = 1; return { block: b, v: e };
  }));
  const a = new Array<number>(d * d);
  cols.forEach((c, j) => c.forEach((v, i) => { a[i * d + j] = v; }));
  return a;
}

describe('hetero-mlp', () => {
  it('spreads the layer scales geometrically over [1/√r, √r]; r = 1 is the plain MLP', () => {
    const s = layerScales(tinyCfg(100));
    expect(s.map((x) => +x.toPrecision(12))).toEqual([0.1, 1, 10]);
    expect(layerScales({ ...tinyCfg(16), sizes: [6, 5, 5, 5, 3] }).map((x) => +x.toPrecision(12))).toEqual([0.25, 0.629960524947, 1.58740105197, 4]);
    expect(layerScales(tinyCfg(1))).toEqual([1, 1, 1]);
    expect(layerScales({ ...tinyCfg(50), sizes: [6, 3] })).toEqual([1]);
    expect(() => layerScales(tinyCfg(0.5))).toThrow(/r must be a finite number ≥ 1, got 0.5/);
    expect(heteroMlpPresets.paper.sizes).toEqual(mlpPresets.paper.sizes);
  });

  it('starts at the plain MLP\'s effective weights for the same seed, biases unscaled', () => {
    const cfg = tinyCfg(1000);
    const hetero = createHeteroMlp(cfg, 4, new Init(4, 'float64'));
    const plain = createMlp(cfg, 4, new Init(4, 'float64'));
    const eff = effectiveParams(cfg, hetero.params);
    expect(Object.keys(hetero.params)).toEqual(Object.keys(plain.params));
    expect(hetero.blocks()).toEqual(plain.blocks());
    for (const k of Object.keys(plain.params)) expect(maxRelDiff(vals(eff[k]), vals(plain.params[k])), k).toBeLessThan(1e-15);
    expect(vals(hetero.params['layers.0.bias'])).toEqual(vals(plain.params['layers.0.bias']));
    // float32 (the training dtype): equal up to the rounding of the divide and multiply.
    const h32 = createHeteroMlp(cfg, 4);
    const e32 = effectiveParams(cfg, h32.params);
    const p32 = createMlp(cfg, 4);
    for (const k of Object.keys(p32.params)) expect(maxRelDiff(vals(e32[k]), vals(p32.params[k])), k).toBeLessThan(1e-6);
    // The trainable Ŵ differ by 1/s: layer 0 is √1000 times larger than the plain weight.
    expect(vals(hetero.params['layers.0.weight'])[0] / vals(plain.params['layers.0.weight'])[0]).toBeCloseTo(Math.sqrt(1000), 9);
  });

  it('computes the plain MLP\'s loss at the same effective weights', () => {
    const cfg = tinyCfg(300);
    const hetero = createHeteroMlp(cfg, 1, new Init(1, 'float64'));
    const plain = createMlp(cfg, 1, new Init(1, 'float64'));
    // Arbitrary trainable weights, not the initial ones.
    const what = Object.fromEntries(Object.entries(hetero.params).map(([k, p]) => [k, hg.tensor(rng.array(p.size), p.shape, 'float64')]));
    const a = hetero.loss(what, batch).item();
    const b = plain.loss(effectiveParams(cfg, what), batch).item();
    expect(Math.abs(a - b) / Math.abs(b)).toBeLessThan(1e-14);
    expect(Math.abs(a - plain.loss(plain.params, batch).item())).toBeGreaterThan(1e-3); // a different point than init
  });

  it('has block Hessians exactly s_l² times the plain model\'s at the same effective weights', async () => {
    const cfg = tinyCfg(1000);
    const hetero = createHeteroMlp(cfg, 2, new Init(2, 'float64'));
    const plain = createMlp(cfg, 2, new Init(2, 'float64'));
    const s = layerScales(cfg);
    const blocks: BlockSpec[] = [...hetero.blocks(), { name: 'layers.1 rows 1-3', param: 'layers.1.weight', rows: [1, 3] }];
    for (const b of blocks) {
      const l = Number(b.param.split('.')[1]);
      const h = await denseBlock(hetero, hetero.params, b);
      const p = await denseBlock(plain, plain.params, b);
      expect(maxRelDiff(h, p.map((x) => s[l] ** 2 * x)), b.name).toBeLessThan(1e-12);
      expect(Math.max(...p.map(Math.abs)), b.name).toBeGreaterThan(1e-4); // a nonzero block, so the check bites
    }
    // The bias block is untouched.
    const bias = { name: 'b1', param: 'layers.1.bias' };
    expect(maxRelDiff(await denseBlock(hetero, hetero.params, bias), await denseBlock(plain, plain.params, bias))).toBeLessThan(1e-12);
  });

  it('SGD with per-block rates lr/s_l² is exactly plain SGD on the plain MLP', () => {
    const cfg = tinyCfg(1000);
    const hetero = createHeteroMlp(cfg, 3, new Init(3, 'float64'));
    const plain = createMlp(cfg, 3, new Init(3, 'float64'));
    const s = layerScales(cfg);
    const blockScale = Object.fromEntries(s.map((sl, l) => [`layers.${l}.weight`, 1 / sl ** 2]));
    const train = (model: Model, opt: ReturnType<typeof sgd>): Params => {
      // Copies: update() frees the parameters it replaces, and the model's initial ones are compared below.
      let params: Params = Object.fromEntries(Object.entries(model.params).map(([k, t]) => [k, hg.tensor(Float64Array.from(t.dataSync()), t.shape, 'float64')]));
      let state = opt.init(params);
      for (let i = 0; i < 5; i++) {
        const g = hg.grad((p: Params) => model.loss(p, batch))(params);
        ({ params, state } = update(opt, params, g, state, 0.5));
      }
      disposeTree(state);
      return params;
    };
    const h = effectiveParams(cfg, train(hetero, sgdBlockwise({ momentum: 0.9, blockScale })));
    const p = train(plain, sgd({ momentum: 0.9 }));
    for (const k of Object.keys(p)) expect(maxRelDiff(vals(h[k]), vals(p[k])), k).toBeLessThan(1e-12);
    expect(maxRelDiff(vals(p['layers.0.weight']), vals(plain.params['layers.0.weight']))).toBeGreaterThan(1e-3); // it moved
  });

  it('JS⁰ of the SLQ block spectra at r = 1000 clearly exceeds JS⁰ at r = 1; λmax-normalized, it cannot see r', async () => {
    const spectra = async (r: number) => {
      const model = createHeteroMlp(tinyCfg(r), 5, new Init(5, 'float64'));
      const loss = (p: Params) => model.loss(p, batch);
      return (await blockSpectra(loss, model.params, model.blocks(), { steps: 15, probes: 4, seed: 1 })).results;
    };
    const [flat, steep] = [await spectra(1), await spectra(1000)];
    const conventions: Record<string, DensityOptions & { normalize?: Normalize }> = {
      'relative σ² 1e-4 (the quadratic experiment\'s)': { sigma2: 1e-4, sigmaMode: 'relative' },
      'absolute σ² 1e-3': { sigma2: 1e-3 },
      'absolute σ² 1e-5 (the spectra experiment\'s)': { sigma2: 1e-5 },
      'axis / λmax, absolute σ² 1e-3': { sigma2: 1e-3, normalize: { kthLargest: 1 } },
    };
    const js0 = Object.fromEntries(Object.entries(conventions).map(([k, o]) => [k, [flat, steep].map((res) => heterogeneityScore(pairwiseMatrix(slqMeasures(res, o.normalize), 'js', o)))]));
    for (const [k, [a, b]] of Object.entries(js0)) console.log(`hetero-mlp JS0, ${k}: r = 1 → ${a.toFixed(3)}, r = 1000 → ${b.toFixed(3)}`);
    for (const k of Object.keys(conventions).slice(0, 2)) expect(js0[k][1], k).toBeGreaterThan(js0[k][0] + 0.15);
    // Each block's spectrum is the plain one times s_l², so dividing every block's axis by its own
    // λmax erases the constructed heterogeneity exactly: per-block normalization cannot measure it.
    const [a, b] = js0['axis / λmax, absolute σ² 1e-3'];
    expect(Math.abs(a - b)).toBeLessThan(1e-6);
  });
});
