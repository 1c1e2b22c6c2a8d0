/**
 * What every model in the zoo provides. Parameters are a flat record of named
 * tensors with PyTorch-style names (`blocks.0.attn.qkv.weight`), Linear
 * weights shaped (out, in); the Hessian analysis works per named block.
 *
 * Buffers are the other half of a PyTorch state dict: state the forward pass
 * reads but nothing differentiates (BatchNorm's `bn1.running_mean`,
 * `bn1.running_var`). They are kept apart from the parameters so that a
 * gradient, an optimizer or a Hessian never sees them, and they are passed
 * functionally: `loss(p, batch, mode, buffers)` reads them (in 'eval' mode;
 * omitted, the initial ones), `lossAndBuffers(p, buffers, batch)` is the
 * train-mode loss together with the buffers after this batch's update. A
 * Hessian is then simply that of `p ↦ loss(p, batch, mode, buffers)`.
 */
import { type Params, type Tensor, crossEntropy, reshape } from '../tensor/index.js';
import type { BnMode } from './batchnorm.js';

/** A batch: inputs and targets. MNIST: x (N, 784) float, y (N,) int32; text: x, y (B, T) int32. */
export interface Batch {
  x: Tensor;
  y: Tensor;
  /** Masked-language batches only: the flat positions (M,) in x's B·T that are scored (see src/data/masked.ts). */
  at?: Tensor;
}

export type { Params } from '../tensor/index.js';
export { type BnMode, BN_MODES } from './batchnorm.js';

export type { BlockSpec } from '../hessian/index.js';
import type { BlockSpec } from '../hessian/index.js';

export interface Model<C = unknown> {
  readonly name: string;
  readonly config: C;
  /** Parameters at initialization (seeded). */
  readonly params: Params;
  /** Buffers at initialization (BatchNorm: running mean 0, running var 1); absent for a model without any. */
  readonly buffers?: Params;
  /**
   * Mean training loss on a batch. `mode` says where BatchNorm takes its
   * statistics (see `BnMode`; default 'train', as a fresh PyTorch module);
   * `buffers` (default: the initial ones) are read in 'eval' mode only.
   * Models without BatchNorm ignore both.
   */
  loss(params: Params, batch: Batch, mode?: BnMode, buffers?: Params): Tensor;
  /** Logits for a batch (for accuracy); `mode` and `buffers` as for `loss`. */
  logits(params: Params, batch: Batch, mode?: BnMode, buffers?: Params): Tensor;
  /**
   * A training step's forward pass: the 'train'-mode loss and the buffers
   * after this batch's running update (new tensors, carrying no derivatives;
   * the caller owns them). Present exactly when `buffers` is.
   */
  lossAndBuffers?(params: Params, buffers: Params, batch: Batch): { loss: Tensor; buffers: Params };
  /** The blocks the Hessian analysis measures by default, in a readable order. */
  blocks(): BlockSpec[];
}

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
  return { ...m, loss: (p, b, mode, buffers) => classifierLoss(m.logits(p, b, mode, buffers), b) };
}

/** The classifier loss of logits (N, V) against a batch's targets. */
export const classifierLoss = (logits: Tensor, b: Batch): Tensor => crossEntropy(logits, reshape(b.y, [-1]));
