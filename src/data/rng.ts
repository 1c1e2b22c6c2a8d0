/**
 * Seeded randomness for data pipelines and synthetic problems, on the one
 * generator heterograd uses everywhere (src/analysis/rng.ts). Every draw a
 * run makes derives from (seed, purpose, index), so batches and windows can
 * be recomputed for any step: that is what makes a run resumable without
 * saving generator state.
 */
import { deriveSeed, makeRng } from '../analysis/rng.js';

export { makeRng, type Rng } from '../analysis/rng.js';

/** A seed for sub-stream `parts` of `seed` (e.g. `subSeed(seed, purpose, epoch)`), independent of other streams. */
export function subSeed(seed: number, ...parts: number[]): number {
  let s = deriveSeed(seed, 0);
  for (const p of parts) s = deriveSeed(s, p);
  return s;
}

/** A seeded permutation of 0..n−1 (Fisher–Yates). */
export function permutation(n: number, seed: number): Int32Array {
  const rng = makeRng(seed);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
