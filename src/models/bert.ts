/**
 * A BERT-style bidirectional encoder trained by masked-character prediction.
 * Post-LayerNorm layers as in the original BERT (unlike the pre-LN ViT/GPT
 * block in transformer.ts, which is why this file has its own layer):
 *   x = LN(x + dense(attention(q, k, v)));  x = LN(x + output(gelu(intermediate(x))))
 * with no attention mask: every position sees every other. Names follow
 * Hugging Face's BertForMaskedLM (`encoder.layer.0.attention.self.query`).
 * Departures, for a single-segment character corpus: no token-type
 * embeddings (one segment makes them a constant shift of the position
 * embeddings), no pooler (no next-sentence task), and the decoder is its own
 * tensor rather than tied to the word embeddings, so each is a Hessian block.
 * The decoder predicts the V characters; [MASK] (id V) is input-only.
 * Shapes: B batch, T length, C width, nh heads, hs = C / nh, I intermediate,
 * V characters, M masked positions in the batch.
 */
import {
  type Tensor, add, attention, gather, gelu, layerNormAffine, linear, mergeHeads, reshape, slice, splitHeads,
} from '../tensor/index.js';
import { Init } from './init.js';
import { type Batch, type BlockSpec, type Model, type Params, type Preset, classifier } from './model.js';

export interface BertConfig {
  vocab: number; // V characters, set from the corpus; the embedding table has V + 1 rows
  context: number; // maximum T
  width: number; // C
  heads: number; // nh
  depth: number;
  intermediate: number; // I
}

export const bertPresets: Record<Preset, Omit<BertConfig, 'vocab'>> = {
  tiny: { context: 16, width: 16, heads: 2, depth: 1, intermediate: 32 },
  // The small GPT's shapes (so the two text models differ in objective and LayerNorm placement, not size).
  small: { context: 32, width: 48, heads: 4, depth: 2, intermediate: 192 },
  // BERT-base's shapes.
  paper: { context: 512, width: 768, heads: 12, depth: 12, intermediate: 3072 },
};

const STD = 0.02; // BERT's initializer_range: N(0, 0.02²) for every matrix, zero biases

export function createBert(config: BertConfig, seed: number, init = new Init(seed)): Model<BertConfig> {
  if (config.width % config.heads !== 0) throw new Error(`bert: width ${config.width} is not a multiple of heads ${config.heads}`);
  const C = config.width, V = config.vocab;
  const lin = (name: string, inF: number, outF: number): Params => ({
    [`${name}.weight`]: init.normal([outF, inF], STD), [`${name}.bias`]: init.const([outF], 0),
  });
  const ln = (name: string): Params => ({ [`${name}.weight`]: init.const([C], 1), [`${name}.bias`]: init.const([C], 0) });
  const params: Params = {
    'embeddings.word_embeddings.weight': init.normal([V + 1, C], STD),
    'embeddings.position_embeddings.weight': init.normal([config.context, C], STD),
    ...ln('embeddings.LayerNorm'),
  };
  for (let i = 0; i < config.depth; i++) {
    const l = `encoder.layer.${i}`;
    Object.assign(params,
      lin(`${l}.attention.self.query`, C, C), lin(`${l}.attention.self.key`, C, C), lin(`${l}.attention.self.value`, C, C),
      lin(`${l}.attention.output.dense`, C, C), ln(`${l}.attention.output.LayerNorm`),
      lin(`${l}.intermediate.dense`, C, config.intermediate),
      lin(`${l}.output.dense`, config.intermediate, C), ln(`${l}.output.LayerNorm`));
  }
  Object.assign(params,
    lin('cls.predictions.transform.dense', C, C), ln('cls.predictions.transform.LayerNorm'),
    { 'cls.predictions.decoder.weight': init.normal([V, C], STD), 'cls.predictions.bias': init.const([V], 0) });

  const layer = (p: Params, l: string, x: Tensor): Tensor => {
    const w = (n: string) => p[`${l}.${n}.weight`], b = (n: string) => p[`${l}.${n}.bias`];
    const heads = (n: string) => splitHeads(linear(x, w(n), b(n)), config.heads); // (B, nh, T, hs)
    const y = mergeHeads(attention(heads('attention.self.query'), heads('attention.self.key'), heads('attention.self.value'))); // (B, T, C)
    const x1 = layerNormAffine(add(x, linear(y, w('attention.output.dense'), b('attention.output.dense'))),
      w('attention.output.LayerNorm'), b('attention.output.LayerNorm'));
    const h = gelu(linear(x1, w('intermediate.dense'), b('intermediate.dense'))); // (B, T, I)
    return layerNormAffine(add(x1, linear(h, w('output.dense'), b('output.dense'))), w('output.LayerNorm'), b('output.LayerNorm'));
  };

  /** Logits (M, V) at the batch's masked positions; `batch.y` holds the M original characters. */
  const logits = (p: Params, batch: Batch): Tensor => {
    const at = batch.at;
    if (!at) throw new Error('bert: the batch has no masked positions `at`; make batches with maskedBatch (src/data/masked.ts)');
    const [B, T] = batch.x.shape;
    if (T > config.context) throw new Error(`bert: sequence length ${T} exceeds the context ${config.context}`);
    const pos = slice(p['embeddings.position_embeddings.weight'], [0, 0], [T, C]); // (T, C)
    let x = add(gather(p['embeddings.word_embeddings.weight'], batch.x), pos); // (B, T, C)
    x = layerNormAffine(x, p['embeddings.LayerNorm.weight'], p['embeddings.LayerNorm.bias']);
    for (let i = 0; i < config.depth; i++) x = layer(p, `encoder.layer.${i}`, x);
    const h = gather(reshape(x, [B * T, C]), at); // only the masked positions are scored: (M, C)
    const t = layerNormAffine(gelu(linear(h, p['cls.predictions.transform.dense.weight'], p['cls.predictions.transform.dense.bias'])),
      p['cls.predictions.transform.LayerNorm.weight'], p['cls.predictions.transform.LayerNorm.bias']);
    return linear(t, p['cls.predictions.decoder.weight'], p['cls.predictions.bias']); // (M, V)
  };
  const layerBlocks = (i: number): BlockSpec[] => ['attention.self.query', 'attention.self.key', 'attention.self.value',
    'attention.output.dense', 'intermediate.dense', 'output.dense']
    .map((n) => ({ name: `encoder.layer.${i}.${n}`, param: `encoder.layer.${i}.${n}.weight` }));
  return classifier({
    name: 'bert',
    config,
    params,
    logits,
    blocks: () => [
      { name: 'embeddings.word_embeddings', param: 'embeddings.word_embeddings.weight' },
      ...Array.from({ length: config.depth }, (_, i) => layerBlocks(i)).flat(),
      { name: 'cls.predictions.decoder', param: 'cls.predictions.decoder.weight' },
    ],
  });
}
