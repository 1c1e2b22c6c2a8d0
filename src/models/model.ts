/**
 * What every model in the zoo provides. Parameters are a flat record of named
 * tensors with PyTorch-style names (`blocks.0.attn.qkv.weight`), Linear
 * weights shaped (out, in); the Hessian analysis works per named block.
 */
import { type Params, type Tensor, crossEntropy, reshape } from '../tensor/index.js';

/** A batch: inputs and targets. MNIST: x (N, 784) float, y (N,) int32; text: x, y (B, T) int32. */
export interface Batch {
  x: Tensor;
  y: Tensor;
  /** Masked-language batches only: the flat positions (M,) in x's B·T that are scored (see src/data/masked.ts). */
  at?: Tensor;
}

export type { Params } from '../tensor/index.js';

export type { BlockSpec } from '../hessian/index.js';
import type { BlockSpec } from '../hessian/index.js';

export interface Model<C = unknown> {
  readonly name: string;
  readonly config: C;
  /** Parameters at initialization (seeded). */
  readonly params: Params;
  /** Mean training loss on a batch. `mode: 'eval'` freezes anything batch-dependent (BatchNorm statistics). */
  loss(params: Params, batch: Batch, mode?: 'train' | 'eval'): Tensor;
  /** Logits for a batch (for accuracy). */
  logits(params: Params, batch: Batch, mode?: 'train' | 'eval'): Tensor;
  /** The blocks the Hessian analysis measures by default, in a readable order. */
  blocks(): BlockSpec[];
}

/**
 * How BatchNorm layers normalize (models without BatchNorm ignore it):
 * 'eval' uses the running statistics (PyTorch's eval(); the Hessian default),
 * 'batch' the batch's own statistics treated as constants, 'train' the batch's
 * statistics differentiated through (PyTorch's train()).
 */
export const BN_MODES = ['eval', 'batch', 'train'] as const;
export type BnMode = (typeof BN_MODES)[number];

export type Preset = 'tiny' | 'small' | 'paper';
export const PRESETS: readonly Preset[] = ['tiny', 'small', 'paper'];

/** Count parameters. */
export const paramCount = (p: Params): number => Object.values(p).reduce((a, t) => a + t.size, 0);

/**
 * Every model in the zoo is a classifier: its loss is the mean cross-entropy
 * of its logits (N, V) against the int32 targets, flattened (a GPT's (B, T)
 * next characters line up with its (B·T, V) logits).
 */
export function classifier<C>(m: Omit<Model<C>, 'loss'>): Model<C> {
  return { ...m, loss: (p, b, mode) => crossEntropy(m.logits(p, b, mode), reshape(b.y, [-1])) };
}
