/** Launching the row-wise fused kernels (softmax, layernorm): TPR invocations per row. */
import { sizeOf } from '../../../tensor/shapes.js';
import type { GpuRuntime } from '../runtime.js';
import { layernormWgsl } from '../wgsl/layernorm.js';
import { softmaxWgsl } from '../wgsl/softmax.js';
import { type Arg, grid1d, pow2Between } from './layout.js';

/** Tunables: the workgroup size, and the most invocations one row is split across. */
export const ROWS = { wg: 64, maxTpr: 256 };

/** Rows, row length, invocations per row and the grid. */
function rowsOf(rt: GpuRuntime, x: Arg): { rows: number; n: number; constants: { WG: number; TPR: number }; groups: [number, number, number] } {
  const n = x.shape[x.shape.length - 1];
  const rows = sizeOf(x.shape) / n;
  const TPR = pow2Between(Math.ceil(n / rt.tuning.rowElementsPerInvocation), 1, ROWS.maxTpr);
  const WG = Math.max(TPR, ROWS.wg);
  return { rows, n, constants: { WG, TPR }, groups: grid1d(Math.ceil(rows / (WG / TPR))) };
}

export function softmax(rt: GpuRuntime, x: Arg, out: Arg): void {
  const { rows, n, constants, groups } = rowsOf(rt, x);
  rt.dispatch({ kernel: 'softmax', wgsl: softmaxWgsl, constants, inputs: [x.buf], output: out.buf, params: [rows, n], groups });
}

export function layernorm(rt: GpuRuntime, x: Arg, eps: number, out: Arg): void {
  const { rows, n, constants, groups } = rowsOf(rt, x);
  const epsBits = new Uint32Array(new Float32Array([eps]).buffer)[0];
  rt.dispatch({ kernel: 'layernorm', wgsl: layernormWgsl, constants, inputs: [x.buf], output: out.buf, params: [rows, n, epsBits], groups });
}
