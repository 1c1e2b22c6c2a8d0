/** Small evaluation helpers the experiment needs on top of the engine. */
import { type Tensor, dispose, mul } from '../tensor/index.js';

/** A copy with its own storage (optimizer updates free their inputs; the initial parameters must survive every run). */
export const copyTensor = (t: Tensor): Tensor => mul(t, 1);

/** Fraction of rows of `logits` (N, V) whose argmax is the int32 label in `y` (N,). Frees `logits`. */
export async function argmaxAccuracy(logits: Tensor, y: Tensor): Promise<number> {
  const labels = await y.data();
  const values = await logits.data();
  dispose(logits);
  const v = logits.shape[logits.shape.length - 1];
  let right = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let j = 1; j < v; j++) if (values[i * v + j] > values[i * v + best]) best = j;
    if (best === labels[i]) right++;
  }
  return right / labels.length;
}
