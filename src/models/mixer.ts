/**
 * An MLP-Mixer on MNIST: the 28×28 digit is cut into P×P patches, each
 * linearly embedded, and each layer mixes first across patches, then across
 * channels, with no attention anywhere:
 *   x = x + mlp_tokens(ln1(x)ᵀ)ᵀ;  x = x + mlp_channels(ln2(x))
 * A final LayerNorm, a mean over patches and a linear head give the logits.
 * Names follow timm's MlpMixer (`stem.proj`, `blocks.0.mlp_tokens.fc1`);
 * timm's stem is a P×P stride-P convolution, whose weight (C, 1, P, P) is
 * stored here flattened to (C, P·P), the same numbers.
 * Initialization is PyTorch's Linear default (as for the ViT), not timm's
 * Mixer-specific one (which zeroes the head and would leave the head's
 * Hessian block empty at initialization).
 * Shapes: N batch, S patches (tokens), C width, Ht / Hc token / channel MLP widths.
 */
import { type Tensor, add, gelu, layerNormAffine, linear, mean, transpose } from '../tensor/index.js';
import { Init, linearParams } from './init.js';
import { type Batch, type BlockSpec, type Model, type Params, type Preset, classifier } from './model.js';
import { patchify } from './vit.js';

export interface MixerConfig {
  patch: number; // P; 28 must be a multiple
  width: number; // C
  depth: number;
  tokenHidden: number; // Ht, hidden width of the MLP across patches
  channelHidden: number; // Hc, hidden width of the MLP across channels
  classes: number;
}

export const mixerPresets: Record<Preset, MixerConfig> = {
  tiny: { patch: 7, width: 16, depth: 1, tokenHidden: 8, channelHidden: 32, classes: 10 },
  // The small ViT's size (39k parameters vs 42k) at no slower a gradient step. Every mixer parameter feeds
  // a GELU hidden layer, which on the CPU costs more than the ViT's Q/K/V; a token MLP no wider than the
  // 16 patches keeps that volume down (a wider one, 32, made the step 1.2× the ViT's).
  small: { patch: 7, width: 64, depth: 2, tokenHidden: 16, channelHidden: 128, classes: 10 },
  // Mixer-S's width, depth and MLP ratios (0.5, 4); patch 4 gives MNIST's most tokens at a sane size, 49.
  paper: { patch: 4, width: 512, depth: 8, tokenHidden: 256, channelHidden: 2048, classes: 10 },
};

const lnParams = (init: Init, name: string, c: number): Params => ({
  [`${name}.weight`]: init.const([c], 1), [`${name}.bias`]: init.const([c], 0),
});

/** Two linear layers with a GELU between, on the last axis of x. */
function mlp(p: Params, prefix: string, x: Tensor): Tensor {
  const h = gelu(linear(x, p[`${prefix}.fc1.weight`], p[`${prefix}.fc1.bias`]));
  return linear(h, p[`${prefix}.fc2.weight`], p[`${prefix}.fc2.bias`]);
}

export function createMixer(config: MixerConfig, seed: number, init = new Init(seed)): Model<MixerConfig> {
  if (28 % config.patch !== 0) throw new Error(`mixer: patch size ${config.patch} must divide 28`);
  for (const k of ['width', 'depth', 'tokenHidden', 'channelHidden', 'classes'] as const) {
    if (!(Number.isInteger(config[k]) && config[k] > 0)) throw new Error(`mixer: ${k} must be a positive integer, got ${config[k]}`);
  }
  const C = config.width, S = (28 / config.patch) ** 2;
  const params: Params = linearParams(init, 'stem.proj', config.patch ** 2, C);
  for (let i = 0; i < config.depth; i++) {
    const b = `blocks.${i}`;
    Object.assign(params,
      lnParams(init, `${b}.norm1`, C),
      linearParams(init, `${b}.mlp_tokens.fc1`, S, config.tokenHidden),
      linearParams(init, `${b}.mlp_tokens.fc2`, config.tokenHidden, S),
      lnParams(init, `${b}.norm2`, C),
      linearParams(init, `${b}.mlp_channels.fc1`, C, config.channelHidden),
      linearParams(init, `${b}.mlp_channels.fc2`, config.channelHidden, C));
  }
  Object.assign(params, lnParams(init, 'norm', C), linearParams(init, 'head', C, config.classes));

  const logits = (p: Params, b: Batch): Tensor => {
    let x = linear(patchify(b.x, config.patch), p['stem.proj.weight'], p['stem.proj.bias']); // (N, S, C)
    for (let i = 0; i < config.depth; i++) {
      const w = (n: string) => p[`blocks.${i}.${n}`];
      const h = transpose(layerNormAffine(x, w('norm1.weight'), w('norm1.bias')), [0, 2, 1]); // (N, C, S)
      x = add(x, transpose(mlp(p, `blocks.${i}.mlp_tokens`, h), [0, 2, 1])); // mixes patches: (N, S, C)
      x = add(x, mlp(p, `blocks.${i}.mlp_channels`, layerNormAffine(x, w('norm2.weight'), w('norm2.bias')))); // mixes channels: (N, S, C)
    }
    const pooled = mean(layerNormAffine(x, p['norm.weight'], p['norm.bias']), 1); // (N, C)
    return linear(pooled, p['head.weight'], p['head.bias']); // (N, classes)
  };
  const layer = (i: number): BlockSpec[] => ['mlp_tokens.fc1', 'mlp_tokens.fc2', 'mlp_channels.fc1', 'mlp_channels.fc2']
    .map((n) => ({ name: `blocks.${i}.${n}`, param: `blocks.${i}.${n}.weight` }));
  return classifier({
    name: 'mixer',
    config,
    params,
    logits,
    blocks: () => [
      { name: 'stem.proj', param: 'stem.proj.weight' },
      ...Array.from({ length: config.depth }, (_, i) => layer(i)).flat(),
      { name: 'head', param: 'head.weight' },
    ],
  });
}
