/** Launching the elementwise kernels: unary, binary and where with broadcasting, and cast. */
import type { BinaryName, UnaryName } from '../../../tensor/primitives.js';
import { sizeOf } from '../../../tensor/shapes.js';
import type { GpuRuntime } from '../runtime.js';
import { binaryWgsl } from '../wgsl/binary.js';
import { castWgsl } from '../wgsl/cast.js';
import { unaryWgsl } from '../wgsl/unary.js';
import { whereWgsl } from '../wgsl/where.js';
import { type Arg, broadcastStrides, coalesce, grid1d } from './layout.js';

const WG = 256;

export function unary(rt: GpuRuntime, name: UnaryName, x: Arg, out: Arg): void {
  const n = sizeOf(out.shape);
  rt.dispatch({
    kernel: `unary_${name}`, wgsl: () => unaryWgsl(name), constants: { WG },
    inputs: [x.buf], output: out.buf, params: [n], groups: grid1d(Math.ceil(n / WG)),
  });
}

/** Parameter words [n, rank, shape, strides of each input] for broadcast inputs. */
function broadcastParams(ins: Arg[], out: Arg): number[] {
  const c = coalesce(out.shape, ins.map((x) => broadcastStrides(x.shape, out.shape)));
  return [sizeOf(out.shape), c.shape.length, ...c.shape, ...c.strides.flat()];
}

export function binary(rt: GpuRuntime, name: BinaryName, a: Arg, b: Arg, out: Arg): void {
  const n = sizeOf(out.shape);
  rt.dispatch({
    kernel: `binary_${name}_${a.dtype}`, wgsl: () => binaryWgsl(name, a.dtype), constants: { WG },
    inputs: [a.buf, b.buf], output: out.buf, params: broadcastParams([a, b], out), groups: grid1d(Math.ceil(n / WG)),
  });
}

export function where(rt: GpuRuntime, cond: Arg, a: Arg, b: Arg, out: Arg): void {
  const n = sizeOf(out.shape);
  rt.dispatch({
    kernel: `where_${cond.dtype}_${a.dtype}`, wgsl: () => whereWgsl(cond.dtype, a.dtype), constants: { WG },
    inputs: [cond.buf, a.buf, b.buf], output: out.buf, params: broadcastParams([cond, a, b], out),
    groups: grid1d(Math.ceil(n / WG)),
  });
}

export function cast(rt: GpuRuntime, x: Arg, out: Arg): void {
  const n = sizeOf(out.shape);
  rt.dispatch({
    kernel: `cast_${x.dtype}_${out.dtype}`, wgsl: () => castWgsl(x.dtype, out.dtype), constants: { WG },
    inputs: [x.buf], output: out.buf, params: [n], groups: grid1d(Math.ceil(n / WG)),
  });
}
