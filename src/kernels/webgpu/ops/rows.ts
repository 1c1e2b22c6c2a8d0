/** Launching the row-wise fused kernels (softmax, layernorm): one workgroup per row. */
import { sizeOf } from '../../../tensor/shapes.js';
import type { GpuRuntime } from '../runtime.js';
import { layernormWgsl } from '../wgsl/layernorm.js';
import { softmaxWgsl } from '../wgsl/softmax.js';
import { type Arg, grid1d, pow2Between } from './layout.js';

function rowsOf(x: Arg): { rows: number; n: number; WG: number } {
  const n = x.shape[x.shape.length - 1];
  // Short rows get small workgroups so most invocations have an element to read.
  return { rows: sizeOf(x.shape) / n, n, WG: pow2Between(n, 32, 256) };
}

export function softmax(rt: GpuRuntime, x: Arg, out: Arg): void {
  const { rows, n, WG } = rowsOf(x);
  rt.dispatch({
    kernel: 'softmax', wgsl: softmaxWgsl, constants: { WG },
    inputs: [x.buf], output: out.buf, params: [rows, n], groups: grid1d(rows),
  });
}

export function layernorm(rt: GpuRuntime, x: Arg, eps: number, out: Arg): void {
  const { rows, n, WG } = rowsOf(x);
  const epsBits = new Uint32Array(new Float32Array([eps]).buffer)[0];
  rt.dispatch({
    kernel: 'layernorm', wgsl: layernormWgsl, constants: { WG },
    inputs: [x.buf], output: out.buf, params: [rows, n, epsBits], groups: grid1d(rows),
  });
}
