/**
 * A man-made block-heterogeneous MLP: the plain MNIST MLP (mlp.ts) under a
 * fixed per-layer reparametrization of its weight matrices,
 *
 *   W_l = s_l · Ŵ_l,   s_l = r^(l/(L−1) − ½),  l = 0 … L−1   (s_0 = 1/√r, s_{L−1} = √r),
 *
 * where Ŵ_l (stored under the mlp's name `layers.l.weight`) is what trains, and
 * one knob r ≥ 1 sets the spread (L = 1 gives s_0 = 1). Ŵ_l starts at W_init/s_l,
 * so the effective weights at initialization are the plain MLP's for the same
 * seed (up to one rounding of the divide and multiply).
 *
 * Why this isolates heterogeneity: every s_l > 0, so the set of functions (and
 * every loss value reachable) is exactly the plain MLP's; only the coordinates
 * change. W is linear in Ŵ, so ∂²L/∂Ŵ_l∂Ŵ_m = s_l·s_m·∂²L/∂W_l∂W_m exactly: each
 * diagonal block H_ll is the plain one times s_l², its spectrum is the plain
 * spectrum stretched by s_l², and block curvatures spread over [1/r, r] (a
 * ratio of r² between the extreme layers) while the shape of every block's
 * spectrum stays the plain model's. r = 1 is the plain MLP.
 *
 * Biases are NOT scaled. The Hessian analysis (and mlp.blocks()) measures the
 * weight matrices only, so heterogeneity injected into biases would be invisible
 * to JS⁰ and to any per-block rule fed from block spectra; unscaled biases keep
 * every injected difference inside the measured blocks, and their own Hessian
 * block is the plain model's. A corollary the tests check: SGD with per-block
 * learning rates lr/s_l² on the weights and lr on the biases is exactly plain
 * SGD on the plain MLP.
 *
 * What the optimizers see: SGD's step in effective weights on layer l is the
 * plain step times s_l² (curvature-limited by the largest s_l²), Adam's is about
 * lr·s_l·sign-like (its update ignores the gradient's scale, so it feels s_l,
 * not s_l²). Adam is thus much less sensitive to r than SGD, but not exactly
 * invariant; only a per-block rate of 1/s_l² (sgdBlockwise with 1/λmax scales)
 * undoes the construction exactly.
 *
 * Measuring it: block l's spectrum is the plain one times s_l², so any
 * per-block axis normalization (density `normalize: { kthLargest }`) divides
 * the construction out exactly and JS⁰ cannot see r; heterogeneity from r shows
 * on the raw eigenvalue axis only (see test/models/hetero-mlp.test.ts).
 */
import { dispose, div, mul } from '../tensor/index.js';
import { Init } from './init.js';
import { createMlp, mlpPresets, type MlpConfig } from './mlp.js';
import { type Model, type Params, type Preset, classifier } from './model.js';

export interface HeteroMlpConfig extends MlpConfig {
  /** Spread knob r ≥ 1: layer scales run geometrically over [1/√r, √r], block curvatures over [1/r, r]. */
  r: number;
}

/** The plain MLP presets with r = 100 (curvatures over [0.01, 100]); experiments sweep r. */
export const heteroMlpPresets: Record<Preset, HeteroMlpConfig> = {
  tiny: { ...mlpPresets.tiny, r: 100 },
  small: { ...mlpPresets.small, r: 100 },
  paper: { ...mlpPresets.paper, r: 100 },
};

/** The fixed scales s_l, one per weight matrix, from input to output: geometric over [1/√r, √r]. */
export function layerScales(config: HeteroMlpConfig): number[] {
  const { r, sizes } = config;
  if (!(Number.isFinite(r) && r >= 1)) throw new Error(`hetero-mlp: r must be a finite number ≥ 1, got ${r}`);
  if (!(sizes.length >= 2)) throw new Error(`hetero-mlp: sizes needs at least input and output widths, got [${sizes}]`);
  const layers = sizes.length - 1;
  return Array.from({ length: layers }, (_, l) => (layers === 1 ? 1 : r ** (l / (layers - 1) - 0.5)));
}

/**
 * The effective (plain MLP) parameters W_l = s_l·Ŵ_l, biases unchanged.
 * Differentiable: the model's own forward uses it.
 */
export function effectiveParams(config: HeteroMlpConfig, params: Params): Params {
  const s = layerScales(config);
  const out: Params = { ...params };
  s.forEach((sl, l) => {
    const k = `layers.${l}.weight`;
    if (!params[k]) throw new Error(`hetero-mlp: no parameter '${k}' (have: ${Object.keys(params).join(', ')})`);
    out[k] = mul(params[k], sl); // (out, in); in float32, s_l is rounded once and the map stays exactly linear
  });
  return out;
}

/** The heterogeneous MLP; its trainable weights are Ŵ_l, its blocks one per weight matrix (named like the mlp's). */
export function createHeteroMlp(config: HeteroMlpConfig, seed: number, init = new Init(seed)): Model<HeteroMlpConfig> {
  const s = layerScales(config);
  // Same initializer stream as the plain MLP, so the same seed gives the same effective weights.
  const plain = createMlp({ sizes: config.sizes, activation: config.activation }, seed, init);
  const params: Params = { ...plain.params };
  s.forEach((sl, l) => {
    const k = `layers.${l}.weight`;
    params[k] = div(plain.params[k], sl); // Ŵ_l = W_init / s_l, (out, in)
    dispose(plain.params[k]); // only its layout and forward are reused, never its weights
  });
  return classifier({
    name: 'hetero-mlp',
    config,
    params,
    logits: (p, b) => plain.logits(effectiveParams(config, p), b), // (N, 10)
    blocks: () => plain.blocks(),
  });
}
