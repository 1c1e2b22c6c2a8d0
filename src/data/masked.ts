/**
 * Masked-character batches for the BERT-style model. In each window of T
 * characters, k = max(1, round(rate·T)) distinct positions are chosen (a
 * fixed count, as BERT's data pipeline does per sequence, so every batch has
 * the same number of targets and never none). With the `bert` rule each chosen
 * position becomes [MASK] with probability 0.8, a uniformly random character
 * with 0.1, and stays itself with 0.1 (BERT's 80/10/10); with the `mask` rule
 * every chosen position becomes [MASK]. The targets are the original
 * characters at the chosen positions only.
 *
 * The choices come from their own seeded stream per (seed, step) and never
 * look at the text, so they are reproducible and a changed character cannot
 * change which positions are masked.
 */
import { type Tensor, tensor } from '../tensor/index.js';
import { makeRng, subSeed } from '../util/rng.js';

/** A masked batch: x (B, T) int32 with [MASK]s, y (M,) the original characters at the flat positions `at` (M,) = b·T + t. */
export interface MaskedBatch {
  x: Tensor;
  y: Tensor;
  at: Tensor;
}

export interface MaskOptions {
  /** Character ids are 0..vocab−1; [MASK] is id `vocab`. */
  vocab: number;
  /** Fraction of each window's positions to predict (BERT's 0.15). */
  rate?: number;
  /** 'bert': 80% [MASK], 10% random character, 10% unchanged; 'mask': all [MASK]. */
  rule?: 'bert' | 'mask';
}

/** Which positions of each of B windows of T ids are predicted, and what the input shows there. */
export function maskWindows(ids: Int32Array, B: number, T: number, opts: MaskOptions, seed: number, step: number) {
  const rate = opts.rate ?? 0.15, rule = opts.rule ?? 'bert', V = opts.vocab;
  if (ids.length !== B * T) throw new Error(`maskWindows: expected ${B}·${T} = ${B * T} ids, got ${ids.length}`);
  if (!(rate > 0 && rate <= 1)) throw new Error(`maskWindows: rate ${rate} must be in (0, 1]`);
  if (!(Number.isInteger(V) && V > 0)) throw new Error(`maskWindows: vocab ${V} must be a positive integer`);
  for (const id of ids) if (id < 0 || id >= V) throw new Error(`maskWindows: id ${id} is outside the vocabulary 0..${V - 1}`);
  const k = Math.max(1, Math.round(rate * T));
  const rng = makeRng(subSeed(seed, 0x3a5c, step));
  const x = Int32Array.from(ids);
  const y = new Int32Array(B * k);
  const at = new Int32Array(B * k);
  const order = new Int32Array(T);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) order[t] = t;
    for (let i = 0; i < k; i++) { // partial Fisher–Yates: order[0..k) is a uniform k-subset
      const j = i + rng.int(T - i);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const chosen = Array.from(order.subarray(0, k)).sort((a, c) => a - c);
    chosen.forEach((t, i) => {
      const pos = b * T + t;
      const u = rng.uniform(), r = rng.int(V); // both drawn always, so the stream never depends on the branch
      at[b * k + i] = pos;
      y[b * k + i] = ids[pos];
      if (rule === 'mask' || u < 0.8) x[pos] = V;
      else if (u < 0.9) x[pos] = r;
    });
  }
  return { x, y, at };
}

/** B windows of T ids masked for batch `step`, as tensors. */
export function maskedBatch(ids: Int32Array, B: number, T: number, opts: MaskOptions, seed: number, step: number): MaskedBatch {
  const m = maskWindows(ids, B, T, opts, seed, step);
  return { x: tensor(m.x, [B, T], 'int32'), y: tensor(m.y, [m.y.length], 'int32'), at: tensor(m.at, [m.at.length], 'int32') };
}
