/** Launching the elementwise kernels: unary, binary and where with broadcasting, and cast. */
import type { BinaryName, UnaryName } from '../../../tensor/primitives.js';
import { sizeOf } from '../../../tensor/shapes.js';
import type { GpuRuntime } from '../runtime.js';
import { binaryWgsl } from '../wgsl/binary.js';
import { castWgsl } from '../wgsl/cast.js';
import { unaryWgsl } from '../wgsl/unary.js';
import { whereWgsl } from '../wgsl/where.js';
import { broadcastStrides } from '../../../tensor/shapes.js';
import { type Arg, coalesce, perElement } from './layout.js';


export function unary(rt: GpuRuntime, name: UnaryName, x: Arg, out: Arg): void {
  const n = sizeOf(out.shape);
  rt.dispatch({
    kernel: `unary_${name}`, wgsl: () => unaryWgsl(name), ...perElement(rt, n),
    inputs: [x.buf], output: out.buf, params: [n],
  });
}

/**
 * Parameter words [n, rank, shape, strides of each input] for broadcast
 * inputs, and the rank the kernel is compiled for: 0 when every input is
 * contiguous like the output (no index math needed).
 */
function broadcastParams(ins: Arg[], out: Arg): { params: number[]; rank: number } {
  const c = coalesce(out.shape, ins.map((x) => broadcastStrides(x.shape, out.shape)));
  const contiguous = c.shape.length <= 1 && c.strides.every((s) => s.length === 0 || s[0] === 1);
  const rank = contiguous ? 0 : c.shape.length;
  return { params: [sizeOf(out.shape), rank, ...c.shape, ...c.strides.flat()], rank };
}

export function binary(rt: GpuRuntime, name: BinaryName, a: Arg, b: Arg, out: Arg): void {
  const n = sizeOf(out.shape);
  const { params, rank } = broadcastParams([a, b], out);
  rt.dispatch({
    kernel: `binary_${name}_${a.dtype}_r${rank}`, wgsl: () => binaryWgsl(name, a.dtype, rank), ...perElement(rt, n),
    inputs: [a.buf, b.buf], output: out.buf, params,
  });
}

export function where(rt: GpuRuntime, cond: Arg, a: Arg, b: Arg, out: Arg): void {
  const n = sizeOf(out.shape);
  const { params, rank } = broadcastParams([cond, a, b], out);
  rt.dispatch({
    kernel: `where_${cond.dtype}_${a.dtype}_r${rank}`, wgsl: () => whereWgsl(cond.dtype, a.dtype, rank), ...perElement(rt, n),
    inputs: [cond.buf, a.buf, b.buf], output: out.buf, params,
  });
}

export function cast(rt: GpuRuntime, x: Arg, out: Arg): void {
  const n = sizeOf(out.shape);
  rt.dispatch({
    kernel: `cast_${x.dtype}_${out.dtype}`, wgsl: () => castWgsl(x.dtype, out.dtype), ...perElement(rt, n),
    inputs: [x.buf], output: out.buf, params: [n],
  });
}
