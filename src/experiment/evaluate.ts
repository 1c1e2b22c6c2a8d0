/** Small evaluation helpers the experiment needs on top of the engine. */
import { createHash } from 'node:crypto';
import { type Tensor, dispose, mul } from '../tensor/index.js';

/** SHA-256 (hex) of strings and typed arrays, in order: the identity of a run's data, for its checkpoints. */
export function sha256(...parts: (string | ArrayBufferView)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(typeof p === 'string' ? p : new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
  return h.digest('hex');
}

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
