/**
 * A Vision Transformer on MNIST: the 28×28 digit is cut into P×P patches,
 * each linearly embedded, a class token is prepended, learned positions are
 * added, and pre-LayerNorm blocks follow; the head reads the class token.
 */
import {
  type Tensor, add, broadcastTo, concat, layerNormAffine, linear, reshape, slice, transpose,
} from '../tensor/index.js';
import { Init, linearParams } from './init.js';
import { type Batch, type Model, type Params, type Preset, classifier } from './model.js';
import { type BlockConfig, block, blockParams, blockSpecs } from './transformer.js';

export interface VitConfig extends BlockConfig {
  patch: number; // P; 28 must be a multiple
  depth: number;
  classes: number;
}

export const vitPresets: Record<Preset, VitConfig> = {
  tiny: { patch: 7, width: 16, heads: 2, depth: 1, mlpRatio: 2, classes: 10 },
  small: { patch: 7, width: 48, heads: 4, depth: 2, mlpRatio: 2, classes: 10 },
  // ViT-base's shapes (patch 4 keeps 49 tokens on 28×28 digits).
  paper: { patch: 4, width: 768, heads: 12, depth: 12, mlpRatio: 4, classes: 10 },
};

/** (N, 784) → (N, np, P·P): row-major patches of a 28×28 image. */
export function patchify(x: Tensor, p: number): Tensor {
  const n = x.shape[0], g = 28 / p;
  const img = reshape(x, [n, g, p, g, p]); // (N, gy, py, gx, px)
  return reshape(transpose(img, [0, 1, 3, 2, 4]), [n, g * g, p * p]); // (N, gy·gx, py·px)
}

export function createVit(config: VitConfig, seed: number, init = new Init(seed)): Model<VitConfig> {
  if (28 % config.patch !== 0) throw new Error(`vit: patch size ${config.patch} must divide 28`);
  if (config.width % config.heads !== 0) throw new Error(`vit: width ${config.width} is not a multiple of heads ${config.heads}`);
  const C = config.width, np = (28 / config.patch) ** 2;
  const params: Params = {
    ...linearParams(init, 'patch_embed', config.patch ** 2, C),
    cls_token: init.normal([1, 1, C], 0.02),
    pos_embed: init.normal([1, np + 1, C], 0.02),
  };
  for (let i = 0; i < config.depth; i++) Object.assign(params, blockParams(init, `blocks.${i}`, config));
  Object.assign(params, { 'norm.weight': init.const([C], 1), 'norm.bias': init.const([C], 0) });
  Object.assign(params, linearParams(init, 'head', C, config.classes));

  const logits = (p: Params, b: Batch): Tensor => {
    const n = b.x.shape[0];
    const tokens = linear(patchify(b.x, config.patch), p['patch_embed.weight'], p['patch_embed.bias']); // (N, np, C)
    let x = add(concat([broadcastTo(p.cls_token, [n, 1, C]), tokens], 1), p.pos_embed); // (N, np+1, C)
    for (let i = 0; i < config.depth; i++) x = block(p, `blocks.${i}`, config, x);
    const cls = reshape(slice(layerNormAffine(x, p['norm.weight'], p['norm.bias']), [0, 0, 0], [n, 1, C]), [n, C]);
    return linear(cls, p['head.weight'], p['head.bias']); // (N, classes)
  };
  return classifier({
    name: 'vit',
    config,
    params,
    logits,
    blocks: () => [
      { name: 'patch_embed', param: 'patch_embed.weight' },
      ...Array.from({ length: config.depth }, (_, i) => blockSpecs(`blocks.${i}`, config)).flat(),
      { name: 'head', param: 'head.weight' },
    ],
  });
}
