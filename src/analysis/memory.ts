/**
 * How many vectors each Lanczos mode stores, and the default choice of mode by size.
 *
 * Counts are of dim-long vectors held in the vector store (see store.ts), which is
 * what grows with the block. On top of them each matvec moves up to two transient
 * float64 host vectors (its input copy and its output) and the scalars are O(m).
 */
import type { Reorth } from './lanczos.js';
import { selectiveSettings, type SelectiveOptions } from './selective.js';
import type { Precision } from './store.js';

/**
 * Most vectors a Lanczos run of `steps` steps stores in the given mode:
 * - 'full': the m basis vectors plus the next residual, m + 1;
 * - 'none': q_{j−1}, q_j and the next residual, 3 (fewer when m < 3);
 * - 'selective' (prefix P, R Ritz vectors): full's count while j ≤ P, then
 *   P + 1 + R when the Ritz vectors are formed, and R + 3 afterwards.
 */
export function peakVectorBound(reorth: Reorth, steps: number, selective: SelectiveOptions = {}): number {
  if (reorth === 'full') return steps + 1;
  if (reorth === 'none') return Math.min(3, steps + 1);
  const { prefix, ritz } = selectiveSettings(selective);
  if (steps <= prefix) return steps + 1;
  return Math.max(prefix + 1 + ritz, ritz + 3);
}

/** Bytes of one stored entry. */
export function bytesPerEntry(precision: Precision): number {
  return precision === 'float32' ? 4 : 8;
}

/** Default per-run memory budget of the 'auto' mode: 512 MiB of stored vectors per Lanczos run (per block). */
export const DEFAULT_MEMORY_BUDGET = 512 * 2 ** 20;

/**
 * The mode 'auto' picks: the most accurate one whose stored vectors fit `budget`
 * bytes, trying 'full', then 'selective', then 'none' (which always runs: it
 * needs only 3 vectors).
 */
export function chooseReorth(
  dim: number,
  steps: number,
  precision: Precision,
  budget = DEFAULT_MEMORY_BUDGET,
  selective: SelectiveOptions = {},
): Reorth {
  if (!(budget > 0)) throw new Error(`chooseReorth: memory budget must be positive, got ${budget} bytes`);
  const bytes = (mode: Reorth) => peakVectorBound(mode, steps, selective) * dim * bytesPerEntry(precision);
  if (bytes('full') <= budget) return 'full';
  if (bytes('selective') <= budget) return 'selective';
  return 'none';
}
