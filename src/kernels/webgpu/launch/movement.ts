/** transpose, broadcast, slice and pad as one strided copy (see wgsl/copy.ts). */
import { type Shape, sizeOf, stridesOf } from '../../../tensor/shapes.js';
import type { GpuRuntime } from '../runtime.js';
import { copyWgsl } from '../wgsl/copy.js';
import { broadcastStrides } from '../../../tensor/shapes.js';
import { type Arg, coalesce, perElement } from './layout.js';


/** out[c] = src[base + Σ (c_d − lo_d)·stride_d], or 0 outside [lo, hi). */
function copy(rt: GpuRuntime, src: Arg, out: Arg, p: { shape: Shape; strides: number[]; lo: number[]; hi: number[]; base: number }, bounded = false): void {
  const n = sizeOf(out.shape);
  const rank = p.shape.length;
  rt.dispatch({
    kernel: `copy_r${rank}${bounded ? '_bounded' : ''}`, wgsl: () => copyWgsl(rank, bounded), ...perElement(rt, n),
    inputs: [src.buf], output: out.buf,
    params: [n, p.shape.length, ...p.shape, ...p.strides, ...p.lo, ...p.hi, p.base],
  });
}

/** A copy whose every output position is inside the source: axes can be merged. */
function gatherCopy(rt: GpuRuntime, src: Arg, out: Arg, strides: number[], base: number): void {
  const c = coalesce(out.shape, [strides]);
  copy(rt, src, out, { shape: c.shape, strides: c.strides[0], lo: c.shape.map(() => 0), hi: c.shape, base });
}

export function transpose(rt: GpuRuntime, x: Arg, perm: readonly number[], out: Arg): void {
  const st = stridesOf(x.shape);
  gatherCopy(rt, x, out, perm.map((p) => st[p]), 0);
}

export function broadcast(rt: GpuRuntime, x: Arg, out: Arg): void {
  gatherCopy(rt, x, out, broadcastStrides(x.shape, out.shape), 0);
}

export function slice(rt: GpuRuntime, x: Arg, begin: readonly number[], out: Arg): void {
  const st = stridesOf(x.shape);
  gatherCopy(rt, x, out, st, begin.reduce((acc, b, i) => acc + b * st[i], 0));
}

export function pad(rt: GpuRuntime, x: Arg, before: readonly number[], out: Arg): void {
  copy(rt, x, out, {
    shape: out.shape, strides: stridesOf(x.shape), lo: [...before], hi: before.map((b, i) => b + x.shape[i]), base: 0,
  }, true);
}
