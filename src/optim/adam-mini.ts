/**
 * Adam-mini (Zhang et al. 2024, "Adam-mini: Use Fewer Learning Rates To Gain
 * More"): Adam whose second moment is one scalar per block of a partition,
 *   m ← β1·m + (1−β1)·g;  v_b ← β2·v_b + (1−β2)·mean_{i∈b}(g_i²);
 *   p_i ← p_i − lr·(m̂_i / (√v̂_b + ε) + wd·p_i),  m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ)
 * with adam.ts's bias corrections, and weight decay decoupled as the authors'
 * implementation does (AdamW-style; default 0).
 *
 * Partition. By default one block per parameter tensor (the paper's default
 * PyTorch partition). A {@link AdamMiniPartition} hint may split a tensor into
 * consecutive groups of `rows` rows along dim 0 instead, which covers every
 * partition the authors use on Transformers: Q and K per head (rows = head
 * size), V / attention output / MLP per output neuron (rows = 1), embeddings
 * and the output layer per token (rows = 1: a (V, C) table's rows are tokens),
 * biases per coordinate (rows = 1 on a vector, which is plain Adam there, as
 * in their release). {@link zooPartition} gives that partition for the zoo's
 * parameter names. A group of one coordinate makes v exactly Adam's v, so
 * with rows = 1 on vectors Adam-mini is Adam to the last bit.
 */
import { type Tensor, add, div, keep, mean, mul, reshape, sqrt, sub, tidy, zeros } from '../tensor/index.js';
import { type DecayMask, type Optimizer, type Params, allParams, checkGrads, mapParams, stepScalars, zerosLike } from './types.js';

/** Splits a parameter into groups of `rows` consecutive rows (dim 0), or returns undefined for one block per tensor. */
export type AdamMiniPartition = (name: string, p: Tensor) => { rows: number } | undefined;

export interface AdamMiniOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled (AdamW-style) weight decay. Default 0. */
  weightDecay?: number;
  decayMask?: DecayMask;
  /** Default: one block per parameter tensor. */
  partition?: AdamMiniPartition;
}

export interface AdamMiniState {
  t: number;
  m: Params;
  /** One second moment per block: shape [] for a whole tensor, (groups, 1) for row groups. */
  v: Params;
}

/** Groups of a parameter: null for the whole tensor, else the group count; bad hints are named. */
function groupsOf(name: string, p: Tensor, partition?: AdamMiniPartition): number | null {
  const hint = partition?.(name, p);
  if (!hint) return null;
  const { rows } = hint;
  if (p.rank === 0) throw new Error(`adamMini: partition gives rows ${rows} for scalar parameter '${name}'; a scalar has no rows`);
  if (!(Number.isInteger(rows) && rows >= 1 && p.shape[0] % rows === 0)) {
    throw new Error(`adamMini: partition gives rows ${rows} for '${name}' with shape [${p.shape}]; it must be a positive divisor of ${p.shape[0]}`);
  }
  return p.shape[0] / rows;
}

/** Adam-mini; see the file header for the update and the partition. */
export function adamMini(opts: AdamMiniOptions = {}): Optimizer<AdamMiniState> {
  const b1 = opts.beta1 ?? 0.9;
  const b2 = opts.beta2 ?? 0.999;
  const eps = opts.eps ?? 1e-8;
  const wd = opts.weightDecay ?? 0;
  const mask = opts.decayMask ?? allParams;
  if (!(b1 >= 0 && b1 < 1)) throw new Error(`adamMini: beta1 ${b1} must be in [0, 1)`);
  if (!(b2 >= 0 && b2 < 1)) throw new Error(`adamMini: beta2 ${b2} must be in [0, 1)`);
  if (!(eps > 0)) throw new Error(`adamMini: eps ${eps} must be > 0`);
  if (!(wd >= 0)) throw new Error(`adamMini: weight decay ${wd} must be ≥ 0`);
  return {
    name: 'adam-mini',
    init: (params) => keep({
      t: 0,
      m: zerosLike(params),
      v: mapParams(params, (k, p) => {
        const g = groupsOf(k, p, opts.partition);
        return zeros(g === null ? [] : [g, 1], p.dtype);
      }),
    }),
    step(params, grads, state, lr) {
      checkGrads('adamMini', params, grads);
      const t = state.t + 1;
      return keep(tidy(() => {
        const scalars = stepScalars([lr, 1 - b1 ** t, 1 - b2 ** t]);
        const m: Params = {};
        const v: Params = {};
        const next = mapParams(params, (k, p) => {
          const g = grads[k];
          const groups = groupsOf(k, p, opts.partition);
          if (state.v[k].shape.join() !== (groups === null ? '' : `${groups},1`)) {
            throw new Error(`adamMini: state for '${k}' has shape [${state.v[k].shape}], not the partition's; was the partition changed after init?`);
          }
          const sq = mul(g, g);
          // mean of g² per block: (groups, 1), or a scalar for the whole tensor
          const gMean = groups === null ? mean(sq) : mean(reshape(sq, [groups, -1]), 1, true);
          m[k] = add(mul(state.m[k], b1), mul(g, 1 - b1));
          v[k] = add(mul(state.v[k], b2), mul(gMean, 1 - b2));
          const [lrT, c1, c2] = scalars(p);
          const mHat = div(m[k], c1);
          const denom = add(sqrt(div(v[k], c2)), eps); // one √v̂ + ε per block
          let u = groups === null ? div(mHat, denom) : reshape(div(reshape(mHat, [groups, -1]), denom), p.shape);
          if (wd > 0 && mask(k, p)) u = add(u, mul(p, wd));
          return sub(p, mul(u, lrT));
        });
        return { params: next, state: { t, m, v } };
      }));
    },
  };
}

/**
 * The authors' Transformer partition for the zoo's parameter names, given the
 * attention head size: the fused `attn.qkv.weight` (3C, C) per head (rows =
 * headSize), which puts Q and K per head as the authors do and V per head too
 * (a fused tensor takes one group size; one release of theirs also groups V by
 * head); `attn.proj`, `mlp.fc1`, `mlp.fc2`, `patch_embed` weights per output
 * neuron; `wte` (token embedding) and the output layer (`lm_head`, `head`)
 * per token / class row; every bias per coordinate (their release runs Adam on
 * biases). Norm gains, the position embedding
 * and anything else keep one block per tensor. Models without attention (mlp,
 * cnn) get the default partition from this hint except for biases.
 */
export function zooPartition(headSize: number): AdamMiniPartition {
  if (!(Number.isInteger(headSize) && headSize >= 1)) throw new Error(`zooPartition: head size ${headSize} must be a positive integer`);
  const perRow = /(^|\.)(attn\.proj|mlp\.fc1|mlp\.fc2|patch_embed|wte|lm_head|head)\.weight$/;
  return (name, p) => {
    if (name.endsWith('attn.qkv.weight')) return { rows: headSize };
    if (perRow.test(name)) return { rows: 1 };
    if (name.endsWith('.bias') && p.rank === 1) return { rows: 1 };
    return undefined;
  };
}
