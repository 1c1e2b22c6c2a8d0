/**
 * Host-side index arithmetic for launching kernels: merging
 * axes that are contiguous for every operand (fewer axes = less index math
 * per element), and grids folded past the 65535-workgroup limit.
 */
import type { Shape } from '../../../tensor/shapes.js';
import type { GpuBuf, GpuRuntime } from '../runtime.js';
import type { GpuDType } from '../wgsl/common.js';

/** A kernel operand: its buffer, shape and dtype. */
export interface Arg { buf: GpuBuf; shape: Shape; dtype: GpuDType }


/**
 * Drop size-1 axes and merge neighbours that every stride list walks
 * contiguously (outer stride = inner stride · inner size). The index space
 * (row-major over `shape`) is unchanged.
 */
export function coalesce(shape: Shape, strides: number[][]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let ax = 0; ax < shape.length; ax++) {
    const d = shape[ax];
    if (d === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k][last] === s[ax] * d)) {
      outShape[last] *= d;
      strides.forEach((s, k) => { outStrides[k][last] = s[ax]; });
    } else {
      outShape.push(d);
      strides.forEach((s, k) => outStrides[k].push(s[ax]));
    }
  }
  return { shape: outShape, strides: outStrides };
}

/** Workgroup counts for `n` groups in a 1-D grid, folded into 2-D past 65535. */
export function grid1d(n: number): [number, number, number] {
  const max = 65535;
  return n <= max ? [Math.max(n, 1), 1, 1] : [max, Math.ceil(n / max), 1];
}

/** Override constants and grid of a one-invocation-per-element kernel over `n` outputs. */
export function perElement(rt: GpuRuntime, n: number): { constants: { WG: number }; groups: [number, number, number] } {
  const WG = rt.tuning.elementwiseWG;
  return { constants: { WG }, groups: grid1d(Math.ceil(n / WG)) };
}

/** Smallest power of two ≥ n, clamped to [lo, hi] (workgroup sizes of the row kernels). */
export function pow2Between(n: number, lo: number, hi: number): number {
  let p = lo;
  while (p < n && p < hi) p *= 2;
  return p;
}
