/**
 * GPT-nano: a character-level causal language model with learned positions
 * and pre-LayerNorm blocks (the nanoGPT layout).
 * Shapes: B batch, T context, C width, V vocabulary.
 */
import {
  type Tensor, add, gather, keep as keepTensor, layerNormAffine, linear, reshape, slice, tensor,
} from '../tensor/index.js';
import { Init } from './init.js';
import { type Batch, type Model, type Params, type Preset, classifier } from './model.js';
import { type BlockConfig, block, blockParams, blockSpecs } from './transformer.js';

export interface GptConfig extends BlockConfig {
  vocab: number; // V, set from the corpus
  context: number; // maximum T
  depth: number;
}

export const gptPresets: Record<Preset, Omit<GptConfig, 'vocab'>> = {
  tiny: { context: 16, width: 16, heads: 2, depth: 1, mlpRatio: 2 },
  small: { context: 32, width: 48, heads: 4, depth: 2, mlpRatio: 4 },
  // GPT2-small's shapes.
  paper: { context: 1024, width: 768, heads: 12, depth: 12, mlpRatio: 4 },
};

/** (T, T) additive mask: 0 on and below the diagonal, −1e9 above (no peeking at later characters). */
function causalMask(t: number, dtype: Tensor['dtype']): Tensor {
  const m = new Float64Array(t * t);
  for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) m[i * t + j] = -1e9;
  return tensor(dtype === 'float64' ? m : Float32Array.from(m), [t, t], dtype);
}

export function createGpt(config: GptConfig, seed: number, init = new Init(seed)): Model<GptConfig> {
  if (config.width % config.heads !== 0) throw new Error(`gpt: width ${config.width} is not a multiple of heads ${config.heads}`);
  const C = config.width;
  const std = 0.02; // GPT-2's initialization
  const params: Params = { 'wte.weight': init.normal([config.vocab, C], std), 'wpe.weight': init.normal([config.context, C], std) };
  for (let i = 0; i < config.depth; i++) Object.assign(params, blockParams(init, `blocks.${i}`, config, std));
  Object.assign(params, {
    'ln_f.weight': init.const([C], 1), 'ln_f.bias': init.const([C], 0), 'lm_head.weight': init.normal([config.vocab, C], std),
  });
  const masks = new Map<number, Tensor>();

  const logits = (p: Params, b: Batch): Tensor => {
    const [B, T] = b.x.shape;
    if (T > config.context) throw new Error(`gpt: sequence length ${T} exceeds the context ${config.context}`);
    let mask = masks.get(T);
    if (!mask || mask.isDisposed) { mask = keepTensor(causalMask(T, init.dtype)); masks.set(T, mask); }
    const pos = slice(p['wpe.weight'], [0, 0], [T, C]); // (T, C)
    let x = add(gather(p['wte.weight'], b.x), pos); // (B, T, C)
    for (let i = 0; i < config.depth; i++) x = block(p, `blocks.${i}`, config, x, mask);
    x = layerNormAffine(x, p['ln_f.weight'], p['ln_f.bias']);
    return reshape(linear(x, p['lm_head.weight']), [B * T, config.vocab]); // (B·T, V)
  };
  return classifier({
    name: 'gpt',
    config,
    params,
    logits,
    blocks: () => [
      { name: 'wte', param: 'wte.weight' },
      ...Array.from({ length: config.depth }, (_, i) => blockSpecs(`blocks.${i}`, config)).flat(),
      { name: 'lm_head', param: 'lm_head.weight' },
    ],
  });
}
