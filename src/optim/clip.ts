/** Gradient clipping by global norm (torch.nn.utils.clip_grad_norm_). */
import * as hg from '../tensor/index.js';
import type { Params } from './types.js';

/**
 * Scales all gradients by min(1, maxNorm / (‖g‖ + 1e-6)), ‖g‖ the L2 norm of
 * all gradients concatenated. Stays on the device (no host read); the norm is
 * returned as a scalar tensor for logging. Outputs belong to the caller's scope.
 */
export function clipByGlobalNorm(grads: Params, maxNorm: number): { grads: Params; norm: hg.Tensor } {
  if (!(maxNorm > 0)) throw new Error(`clipByGlobalNorm: maxNorm ${maxNorm} must be > 0`);
  const names = Object.keys(grads);
  if (names.length === 0) throw new Error('clipByGlobalNorm: no gradients');
  return hg.tidy(() => {
    const dtype = grads[names[0]].dtype;
    let sq: hg.Tensor | null = null;
    for (const k of names) {
      const s = hg.cast(hg.sum(hg.mul(grads[k], grads[k])), dtype);
      sq = sq ? hg.add(sq, s) : s;
    }
    const norm = hg.sqrt(sq!);
    const ratio = hg.div(maxNorm, hg.add(norm, 1e-6));
    const coef = hg.where(hg.greater(ratio, 1), 1, ratio); // min(1, ratio)
    const out = Object.fromEntries(names.map((k) => [k, hg.mul(grads[k], hg.cast(coef, grads[k].dtype))]));
    return { grads: out, norm };
  });
}
