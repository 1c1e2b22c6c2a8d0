/**
 * The pre-LayerNorm Transformer block shared by the ViT and GPT models:
 *   x = x + proj(attention(ln1(x)));  x = x + fc2(gelu(fc1(ln2(x))))
 * Shapes: B batch, T tokens, C width, nh heads, hs = C / nh.
 */
import {
  type Tensor, add, attention, gelu, layerNormAffine, linear, mergeHeads, slice, splitHeads,
} from '../tensor/index.js';
import { Init, linearParams } from './init.js';
import type { BlockSpec, Params } from './model.js';

export interface BlockConfig {
  width: number; // C
  heads: number; // nh
  mlpRatio: number;
}

export function blockParams(init: Init, prefix: string, c: BlockConfig, std?: number): Params {
  const lin = (name: string, inF: number, outF: number): Params => {
    if (std === undefined) return linearParams(init, `${prefix}.${name}`, inF, outF);
    return { [`${prefix}.${name}.weight`]: init.normal([outF, inF], std), [`${prefix}.${name}.bias`]: init.const([outF], 0) };
  };
  const C = c.width, H = c.width * c.mlpRatio;
  return {
    [`${prefix}.norm1.weight`]: init.const([C], 1),
    [`${prefix}.norm1.bias`]: init.const([C], 0),
    ...lin('attn.qkv', C, 3 * C),
    ...lin('attn.proj', C, C),
    [`${prefix}.norm2.weight`]: init.const([C], 1),
    [`${prefix}.norm2.bias`]: init.const([C], 0),
    ...lin('mlp.fc1', C, H),
    ...lin('mlp.fc2', H, C),
  };
}

/** One block on x (B, T, C); `mask` (T, T) is added to the attention scores (causal masking). */
export function block(p: Params, prefix: string, c: BlockConfig, x: Tensor, mask?: Tensor): Tensor {
  const [B, T, C] = x.shape;
  const w = (n: string) => p[`${prefix}.${n}`];
  const h = layerNormAffine(x, w('norm1.weight'), w('norm1.bias'));
  const qkv = linear(h, w('attn.qkv.weight'), w('attn.qkv.bias')); // (B, T, 3C)
  const [q, k, v] = [0, 1, 2].map((i) => splitHeads(slice(qkv, [0, 0, i * C], [B, T, (i + 1) * C]), c.heads)); // (B, nh, T, hs)
  const y = mergeHeads(attention(q, k, v, mask)); // (B, T, C)
  const x1 = add(x, linear(y, w('attn.proj.weight'), w('attn.proj.bias')));
  const m = linear(gelu(linear(layerNormAffine(x1, w('norm2.weight'), w('norm2.bias')), w('mlp.fc1.weight'), w('mlp.fc1.bias'))),
    w('mlp.fc2.weight'), w('mlp.fc2.bias'));
  return add(x1, m);
}

/** The Hessian blocks of one Transformer layer: Q, K, V (rows of the fused qkv weight), output projection, MLP. */
export function blockSpecs(prefix: string, c: BlockConfig): BlockSpec[] {
  const C = c.width;
  const qkv = `${prefix}.attn.qkv.weight`;
  return [
    { name: `${prefix}.attn.q`, param: qkv, rows: [0, C] },
    { name: `${prefix}.attn.k`, param: qkv, rows: [C, 2 * C] },
    { name: `${prefix}.attn.v`, param: qkv, rows: [2 * C, 3 * C] },
    { name: `${prefix}.attn.proj`, param: `${prefix}.attn.proj.weight` },
    { name: `${prefix}.mlp.fc1`, param: `${prefix}.mlp.fc1.weight` },
    { name: `${prefix}.mlp.fc2`, param: `${prefix}.mlp.fc2.weight` },
  ];
}
