/**
 * What every matmul kernel shares: the parameter block, the batch offsets of
 * A and B for batch z (broadcast batch dims have stride 0), and the readA /
 * readB hooks that hide the transposed layouts from the loop (the idea of
 * tfjs's matmul, without its nested templates).
 *
 * Shapes: C (…, M, N) = op(A) (…, M, K) · op(B) (…, K, N); op(A) = Aᵀ when
 * TRANS_A, i.e. A is stored (…, K, M). C is contiguous.
 *
 * Parameter words: [M, N, K, batchRank, batchShape[6], batchStrideA[6], batchStrideB[6]].
 */
import { paramsDecl } from '../common.js';

/** Most batch axes after the host merges contiguous ones. */
export const MAX_BATCH_RANK = 6;

/** The parameter block at `binding`, dims M/N/K and `batchOffsets(z)` → (A offset, B offset). */
export function matmulParams(binding: number): string {
  return /* wgsl */ `
${paramsDecl(binding)}
override TRANS_A: bool = false;
override TRANS_B: bool = false;
fn dimM() -> u32 { return p(0u); }
fn dimN() -> u32 { return p(1u); }
fn dimK() -> u32 { return p(2u); }
fn batchOffsets(z: u32) -> vec2<u32> {
  var rem = z;
  var off = vec2<u32>(0u);
  for (var d = p(3u); d > 0u; d--) {
    let size = p(3u + d);
    off += (rem % size) * vec2<u32>(p(9u + d), p(15u + d));
    rem = rem / size;
  }
  return off;
}`;
}

/** readA(off, i, k) = op(A)[i, k] and readB(off, k, j) = op(B)[k, j] on scalar f32 arrays `a`, `b`. */
export const SCALAR_READS = /* wgsl */ `
fn readA(off: u32, i: u32, k: u32) -> f32 {
  if (TRANS_A) { return a[off + k * dimM() + i]; }
  return a[off + i * dimK() + k];
}
fn readB(off: u32, k: u32, j: u32) -> f32 {
  if (TRANS_B) { return b[off + j * dimK() + k]; }
  return b[off + k * dimN() + j];
}`;

/** A matmul kernel as the host sees it: its source and how to size its grid. */
export interface MatmulKernel {
  /** The file's name: '01_naive', … */
  readonly name: string;
  readonly wgsl: () => string;
  /** Rows and columns of C one invocation computes. */
  readonly perThread: { m: number; n: number };
  /**
   * Workgroup shape (override constants WGX × WGY). With `shrink`, the host
   * narrows it for small products (16×16 attention blocks would otherwise
   * leave most of a 64×32 workgroup idle); the grid is
   * (⌈N / (WGX·perThread.n)⌉, ⌈M / (WGY·perThread.m)⌉, batch).
   */
  readonly wg: { x: number; y: number; shrink: boolean };
  /** Whether the kernel handles this problem (alignment needs); absent = any. */
  readonly fits?: (m: number, n: number, k: number) => boolean;
}
