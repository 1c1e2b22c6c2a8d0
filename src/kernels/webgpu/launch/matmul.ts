/**
 * Launching a batched matmul: C (…, M, N) = op(A) (…, M, K) · op(B) (…, K, N),
 * batch dims broadcast (stride 0 where an operand's batch axis is 1).
 */
import { sizeOf } from '../../../tensor/shapes.js';
import type { GpuRuntime } from '../runtime.js';
import { MATMUL_KERNELS, MAX_BATCH_RANK, type MatmulKernel } from '../wgsl/matmul/index.js';
import { broadcastStrides } from '../../../tensor/shapes.js';
import { type Arg, coalesce, pow2Between } from './layout.js';

/** Which matmul kernel the backend runs: a file of the progression, or 'auto' (see `pickMatmul`). */
export type MatmulChoice = 'auto' | '01_naive' | '02_tiled' | '03_register' | '04_vec4' | '05_wgtile';

/**
 * 'auto': 05_wgtile for products of at least `wgTileMinWork` = M·N·K (a GPU's
 * tuning: 2048³; measured faster there on an H100, slower below, and never
 * chosen on SwiftShader), else 04_vec4, the fastest measured both on
 * SwiftShader and on an H100 (kernels/README.md has the tables). A kernel
 * that cannot run the shape (04/05 off multiples of 4) gives way to
 * 03_register, the next fastest.
 */
export function pickMatmul(choice: MatmulChoice, m: number, n: number, k: number, wgTileMinWork = Infinity): MatmulKernel {
  const byName = (name: string) => MATMUL_KERNELS.find((kern) => kern.name === name)!;
  const auto = m * n * k >= wgTileMinWork ? '05_wgtile' : '04_vec4';
  const kern = byName(choice === 'auto' ? auto : choice);
  return !kern.fits || kern.fits(m, n, k) ? kern : byName('03_register');
}

export function matmul(rt: GpuRuntime, choice: MatmulChoice, a: Arg, b: Arg, transA: boolean, transB: boolean, out: Arg): void {
  const r = out.shape.length;
  let m = out.shape[r - 2];
  const n = out.shape[r - 1];
  const k = transA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
  let batchShape = out.shape.slice(0, -2);
  let sa = broadcastStrides(a.shape.slice(0, -2), batchShape).map((s) => s * m * k);
  let sb = broadcastStrides(b.shape.slice(0, -2), batchShape).map((s) => s * k * n);
  if (sizeOf(b.shape.slice(0, -2)) === 1 && !transA) {
    // A's batches stack into one tall matrix: (batch·M, K)·(K, N) is a single, better-shaped product.
    m *= sizeOf(batchShape);
    batchShape = [];
    sa = [];
    sb = [];
  }
  const c = coalesce(batchShape, [sa, sb]);
  if (c.shape.length > MAX_BATCH_RANK) throw new Error(`webgpu matmul: more than ${MAX_BATCH_RANK} non-contiguous batch axes`);
  const pad = (xs: number[]) => [...xs, ...new Array<number>(MAX_BATCH_RANK - xs.length).fill(0)];
  const kern = pickMatmul(choice, m, n, k, rt.tuning.matmulWgTileMinWork);
  const { perThread: t, wg } = kern;
  const WGX = wg.shrink ? pow2Between(Math.ceil(n / t.n), 1, wg.x) : wg.x;
  const WGY = wg.shrink ? pow2Between(Math.ceil(m / t.m), 1, wg.y) : wg.y;
  rt.dispatch({
    kernel: `matmul_${kern.name}`, wgsl: kern.wgsl,
    constants: { WGX, WGY, TRANS_A: transA, TRANS_B: transB },
    inputs: [a.buf, b.buf], output: out.buf,
    params: [m, n, k, c.shape.length, ...pad(c.shape), ...pad(c.strides[0]), ...pad(c.strides[1])],
    groups: [Math.ceil(n / (WGX * t.n)), Math.ceil(m / (WGY * t.m)), sizeOf(c.shape)],
  });
}
