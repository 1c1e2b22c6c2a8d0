/**
 * Batched matmul: C = op(A)·op(B) over broadcast batch dims.
 *
 * `matmulReference` is the specification: three loops. The backend calls
 * `gemm` (gemm.ts), a packed, register-tiled, multi-threaded kernel tested
 * against this reference.
 */
import type { AnyTypedArray } from '../../tensor/dtype.js';
import { type Shape, broadcastStrides, sizeOf } from '../../tensor/shapes.js';

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
  const aBatch = sizeOf(aShape.slice(0, -2)), bBatch = sizeOf(bShape.slice(0, -2));
  const [fa, fb, fc] = [a as Float, b as Float, out as Float];
  if (bBatch === 1 && !transA) {
    // A's batch rows stack into one tall matrix: (batch·M, K)·(K, N) is a single gemm.
    gemm({ a: fa, b: fb, c: fc, batch: 1, m: batch * m, k, n, transA, transB, strideA: 0, strideB: 0, strideC: 0 });
    return;
  }
  if ((aBatch === batch || aBatch === 1) && (bBatch === batch || bBatch === 1)) {
    // One operand is shared by every batch (stride 0) or both advance together.
    gemm({
      a: fa, b: fb, c: fc, batch, m, k, n, transA, transB,
      strideA: aBatch === 1 ? 0 : m * k, strideB: bBatch === 1 ? 0 : k * n, strideC: m * n,
    });
    return;
  }
  // General broadcasting between batch dims: one gemm per output batch.
  const sa = broadcastStrides(aShape.slice(0, -2), batchShape);
  const sb = broadcastStrides(bShape.slice(0, -2), batchShape);
  const idx = new Array<number>(batchShape.length).fill(0);
  for (let t = 0; t < batch; t++) {
    let oa = 0, ob = 0;
    for (let d = 0; d < idx.length; d++) { oa += idx[d] * sa[d]; ob += idx[d] * sb[d]; }
    gemm({
      a: fa.subarray(oa * m * k) as Float, b: fb.subarray(ob * k * n) as Float, c: fc.subarray(t * m * n) as Float,
      batch: 1, m, k, n, transA, transB, strideA: 0, strideB: 0, strideC: 0,
    });
    for (let d = idx.length - 1; d >= 0; d--) { if (++idx[d] < batchShape[d]) break; idx[d] = 0; }
  }
}
