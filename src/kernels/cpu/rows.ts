/**
 * The two fused row-wise primitives, softmax and layernorm, along the last axis.
 * x and out are (R, n) row-major with R = size / n.
 */
import type { AnyTypedArray } from '../../tensor/dtype.js';

/** out[r] = exp(x[r] − max x[r]) / Σ exp(x[r] − max x[r]); subtracting the max keeps exp from overflowing. */
export function softmax(x: AnyTypedArray, n: number, out: AnyTypedArray): void {
  for (let r = 0; r < x.length; r += n) {
    let m = -Infinity;
    for (let i = 0; i < n; i++) if (x[r + i] > m) m = x[r + i];
    let s = 0;
    for (let i = 0; i < n; i++) { const e = Math.exp(x[r + i] - m); out[r + i] = e; s += e; }
    const inv = 1 / s;
    for (let i = 0; i < n; i++) out[r + i] *= inv;
  }
}

/** out[r] = (x[r] − mean) / √(var + eps), with the biased variance; two passes for stability. */
export function layernorm(x: AnyTypedArray, n: number, eps: number, out: AnyTypedArray): void {
  for (let r = 0; r < x.length; r += n) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += x[r + i];
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) { const d = x[r + i] - mean; v += d * d; }
    const inv = 1 / Math.sqrt(v / n + eps);
    for (let i = 0; i < n; i++) out[r + i] = (x[r + i] - mean) * inv;
  }
}
