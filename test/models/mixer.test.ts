/** The MLP-Mixer: shapes and names, derivatives on a tiny float64 instance, mixing across patches, and Adam lowering the loss. */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import { Init } from '../../src/models/init.js';
import { createMixer, mixerPresets, type MixerConfig } from '../../src/models/mixer.js';
import { type Batch, paramCount } from '../../src/models/model.js';
import { adam, disposeTree, update } from '../../src/optim/index.js';
import { checkDerivatives } from '../helpers/check.js';
import { Rng } from '../helpers/rng.js';

const rng = new Rng(12);
function images(n: number, dtype: hg.DType): Batch {
  const x = Float64Array.from({ length: n * 784 }, () => rng.uniform());
  return {
    x: hg.tensor(dtype === 'float64' ? x : Float32Array.from(x), [n, 784], dtype),
    y: hg.tensor(Int32Array.from({ length: n }, (_, i) => (3 * i) % 10), [n], 'int32'),
  };
}
const tiny: MixerConfig = mixerPresets.tiny;

describe('mixer', () => {
  it('has timm-style parameter names and shapes, and logits (N, classes)', () => {
    const m = createMixer(tiny, 1);
    const S = 16, C = tiny.width;
    expect(m.params['stem.proj.weight'].shape).toEqual([C, 49]);
    expect(m.params['blocks.0.mlp_tokens.fc1.weight'].shape).toEqual([tiny.tokenHidden, S]); // mixes across the 16 patches
    expect(m.params['blocks.0.mlp_tokens.fc2.weight'].shape).toEqual([S, tiny.tokenHidden]);
    expect(m.params['blocks.0.mlp_channels.fc1.weight'].shape).toEqual([tiny.channelHidden, C]);
    expect(m.params['blocks.0.mlp_channels.fc2.weight'].shape).toEqual([C, tiny.channelHidden]);
    for (const n of ['blocks.0.norm1.weight', 'blocks.0.norm2.bias', 'norm.weight', 'head.weight']) expect(m.params[n], n).toBeDefined();
    expect([...m.logits(m.params, images(3, 'float32')).shape]).toEqual([3, 10]);
    expect(Number.isFinite(m.loss(m.params, images(3, 'float32')).item())).toBe(true);
    const blocks = m.blocks();
    expect(blocks.map((b) => b.name)).toEqual(['stem.proj', 'blocks.0.mlp_tokens.fc1', 'blocks.0.mlp_tokens.fc2',
      'blocks.0.mlp_channels.fc1', 'blocks.0.mlp_channels.fc2', 'head']);
    for (const b of blocks) expect(m.params[b.param], b.param).toBeDefined();
  });

  it('presets: small is ViT-small sized (35–70k parameters), paper has Mixer-S widths', () => {
    const count = (c: MixerConfig) => paramCount(createMixer(c, 1).params);
    const n = count(mixerPresets.small);
    expect(n).toBeGreaterThan(35_000);
    expect(n).toBeLessThan(70_000);
    expect(mixerPresets.paper).toMatchObject({ width: 512, depth: 8, tokenHidden: 256, channelHidden: 2048 });
  });

  it('rejects a patch size that does not divide 28', () => {
    expect(() => createMixer({ ...tiny, patch: 5 }, 1)).toThrow(/patch size 5 must divide 28/);
  });

  it('the token MLP is what mixes patches: without it the logits are a sum of per-patch terms', () => {
    // Everything but the token MLP acts per patch, and the pool is a mean followed by a linear head, so with
    // the token MLP's output zeroed, logits(x) = Σ_s g(x_s) + b and a change to patch 0 has the same effect
    // whatever patch 15 holds. With the token MLP in place it does not.
    const m = createMixer(tiny, 3, new Init(3, 'float64'));
    const cut = {
      ...m.params,
      'blocks.0.mlp_tokens.fc2.weight': hg.zeros([16, tiny.tokenHidden], 'float64'),
      'blocks.0.mlp_tokens.fc2.bias': hg.zeros([16], 'float64'),
    };
    const base = Float64Array.from({ length: 784 }, () => rng.uniform());
    const shift = (x: Float64Array, r0: number, c0: number) => {
      const y = x.slice();
      for (let r = r0; r < r0 + 7; r++) for (let c = c0; c < c0 + 7; c++) y[r * 28 + c] += 1;
      return y;
    };
    const p0 = shift(base, 0, 0), p15 = shift(base, 21, 21), both = shift(p0, 21, 21);
    const out = (ps: typeof m.params, x: Float64Array) =>
      Array.from(m.logits(ps, { x: hg.tensor(x, [1, 784], 'float64'), y: hg.tensor(Int32Array.of(0), [1], 'int32') }).dataSync());
    // Interaction: (f(both) − f(p15)) − (f(p0) − f(base)), largest over the 10 logits.
    const interaction = (ps: typeof m.params) => {
      const [fb, f0, f15, fboth] = [base, p0, p15, both].map((x) => out(ps, x));
      return Math.max(...fb.map((_, i) => Math.abs(fboth[i] - f15[i] - (f0[i] - fb[i]))));
    };
    expect(interaction(cut)).toBeLessThan(1e-12);
    expect(interaction(m.params)).toBeGreaterThan(1e-4);
  });

  it('derivative check on a tiny float64 instance (JVP vs finite differences, VJP adjoint)', () => {
    const m = createMixer(tiny, 2, new Init(2, 'float64'));
    const batch = images(2, 'float64');
    const names = Object.keys(m.params);
    const f = (xs: hg.Tensor[]) => m.loss(Object.fromEntries(names.map((n, i) => [n, xs[i]])), batch);
    checkDerivatives(f, names.map((n) => m.params[n]), { order: 1, eps: 1e-6, rtol: 1e-6, atol: 1e-7 });
  });

  it('second derivatives on a smaller float64 instance (HVP vs finite differences of the gradient, symmetry)', () => {
    const m = createMixer({ ...tiny, width: 4, tokenHidden: 3, channelHidden: 5 }, 4, new Init(4, 'float64'));
    const batch = images(2, 'float64');
    const names = Object.keys(m.params);
    const f = (xs: hg.Tensor[]) => m.loss(Object.fromEntries(names.map((n, i) => [n, xs[i]])), batch);
    checkDerivatives(f, names.map((n) => m.params[n]), { eps: 1e-5, rtol: 1e-5, atol: 1e-7 });
  });

  it('twenty Adam steps on one batch lower the loss', () => {
    const m = createMixer(tiny, 5);
    const batch = images(8, 'float32');
    const opt = adam();
    let params = m.params;
    let state = opt.init(params);
    const first = m.loss(params, batch).item();
    for (let s = 0; s < 20; s++) {
      const g = hg.grad((p: typeof params) => m.loss(p, batch))(params);
      ({ params, state } = update(opt, params, g, state, 3e-3));
    }
    const last = m.loss(params, batch).item();
    disposeTree([params, state]);
    expect(last).toBeLessThan(first - 0.1);
  });
});
