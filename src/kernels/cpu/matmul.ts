/**
 * Batched matmul: C = op(A)·op(B) over broadcast batch dims.
 *
 * `matmulReference` is the specification: three loops. The backend calls
 * `gemm` (gemm.ts), a packed, register-tiled, multi-threaded kernel tested
 * against this reference.
 */
import type { AnyTypedArray } from '../../tensor/dtype.js';
import { type Shape, broadcastStrides, sizeOf } from '../../tensor/shapes.js';
import { collapseAxes } from './elementwise.js';

type Float = Float32Array | Float64Array;
/** One batched GEMM: C[b] = op(A[b])·op(B[b]) (see gemm.ts for the layout). */
export interface GemmArgs {
  a: Float; b: Float; c: Float; batch: number; m: number; k: number; n: number;
  transA: boolean; transB: boolean; strideA: number; strideB: number; strideC: number;
}
export type Gemm = (p: GemmArgs) => void;

/** The plain triple loop over each batch: the definition every faster kernel is tested against. */
export const matmulReference: Gemm = (p) => {
  const { a, b, c, m, k, n } = p;
  for (let t = 0; t < p.batch; t++) {
    const oa = t * p.strideA, ob = t * p.strideB, oc = t * p.strideC;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) {
          const av = p.transA ? a[oa + q * m + i] : a[oa + i * k + q];
          const bv = p.transB ? b[ob + j * k + q] : b[ob + q * n + j];
          s += av * bv;
        }
        c[oc + i * n + j] = s;
      }
    }
  }
};

/** Split a batched matmul over broadcast batch dims into gemm calls. aShape (…, M, K), bShape (…, K, N). */
export function matmul(
  gemm: Gemm, a: AnyTypedArray, aShape: Shape, b: AnyTypedArray, bShape: Shape,
  transA: boolean, transB: boolean, out: AnyTypedArray, outShape: Shape,
): void {
  const r = outShape.length;
  const m = outShape[r - 2], n = outShape[r - 1];
  const k = transA ? aShape[aShape.length - 2] : aShape[aShape.length - 1];
  const batchShape = outShape.slice(0, -2);
  const batch = sizeOf(batchShape);
  const bBatch = sizeOf(bShape.slice(0, -2));
  const [fa, fb, fc] = [a as Float, b as Float, out as Float];
  if (bBatch === 1 && !transA) {
    // A's batch rows stack into one tall matrix: (batch·M, K)·(K, N) is a single gemm.
    gemm({ a: fa, b: fb, c: fc, batch: 1, m: batch * m, k, n, transA, transB, strideA: 0, strideB: 0, strideC: 0 });
    return;
  }
  // Every other batch broadcast, merged as elementwise walks merge
  // (collapseAxes): the innermost batch axis steps each operand by a fixed
  // stride (0 where broadcast), so it is one strided gemm call, and the outer
  // axes loop. A shared operand or two that advance together is one call; [m, B]
  // against [1, B] (a stack of tangents against a shared batched operand) is m
  // calls of batch B, not m·B calls of one matrix.
  const c = collapseAxes(batchShape, [broadcastStrides(aShape.slice(0, -2), batchShape), broadcastStrides(bShape.slice(0, -2), batchShape)]);
  if (c.shape.length === 0) { c.shape.push(1); c.strides.forEach((st) => st.push(0)); } // every batch axis of size 1
  const inner = c.shape.length - 1;
  const [sa, sb] = c.strides;
  const outer = c.shape.slice(0, inner);
  const idx = new Array<number>(outer.length).fill(0);
  const calls = sizeOf(outer), nb = c.shape[inner];
  for (let t = 0; t < calls; t++) {
    let oa = 0, ob = 0;
    for (let d = 0; d < idx.length; d++) { oa += idx[d] * sa[d]; ob += idx[d] * sb[d]; }
    gemm({
      a: fa.subarray(oa * m * k) as Float, b: fb.subarray(ob * k * n) as Float, c: fc.subarray(t * nb * m * n) as Float,
      batch: nb, m, k, n, transA, transB, strideA: sa[inner] * m * k, strideB: sb[inner] * k * n, strideC: m * n,
    });
    for (let d = idx.length - 1; d >= 0; d--) { if (++idx[d] < outer[d]) break; idx[d] = 0; }
  }
}
