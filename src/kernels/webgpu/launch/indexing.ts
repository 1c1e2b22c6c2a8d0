/** Launching gather / scatter-add and im2col / col2im. */
import { fmt, sizeOf } from '../../../tensor/shapes.js';
import type { GpuRuntime } from '../runtime.js';
import { col2imWgsl } from '../wgsl/col2im.js';
import { gatherWgsl } from '../wgsl/gather.js';
import { im2colWgsl } from '../wgsl/im2col.js';
import { scatterAddWgsl } from '../wgsl/scatter_add.js';
import { type Arg, perElement } from './layout.js';


export function gather(rt: GpuRuntime, table: Arg, index: Arg, out: Arg): void {
  const n = sizeOf(out.shape);
  const v = table.shape[0];
  rt.dispatch({
    kernel: 'gather', wgsl: gatherWgsl, ...perElement(rt, n),
    inputs: [table.buf, index.buf], output: out.buf, params: [n, n / sizeOf(index.shape), v],
    raises: `gather: an index computed on the device is out of range for a table of ${v} rows (index shape ${fmt(index.shape)})`,
  });
}

export function scatterAdd(rt: GpuRuntime, src: Arg, index: Arg, rows: number, out: Arg): void {
  const n = sizeOf(out.shape);
  rt.dispatch({
    kernel: `scatter_add_${src.dtype}`, wgsl: () => scatterAddWgsl(src.dtype), ...perElement(rt, n),
    inputs: [src.buf, index.buf], output: out.buf, params: [n, n / rows, sizeOf(index.shape)],
  });
}

export interface Conv { kh: number; kw: number; stride: number; pad: number }

/** [n, C, H, W, kh, kw, stride, pad, Ho, Wo] for an image of shape (B, C, H, W). */
function convParams(n: number, img: readonly number[], g: Conv): number[] {
  const [, c, h, w] = img;
  const ho = Math.floor((h + 2 * g.pad - g.kh) / g.stride) + 1;
  const wo = Math.floor((w + 2 * g.pad - g.kw) / g.stride) + 1;
  return [n, c, h, w, g.kh, g.kw, g.stride, g.pad, ho, wo];
}

export function im2col(rt: GpuRuntime, img: Arg, g: Conv, out: Arg): void {
  const n = sizeOf(out.shape);
  rt.dispatch({
    kernel: 'im2col', wgsl: im2colWgsl, ...perElement(rt, n),
    inputs: [img.buf], output: out.buf, params: convParams(n, img.shape, g),
  });
}

export function col2im(rt: GpuRuntime, cols: Arg, g: Conv, out: Arg): void {
  const n = sizeOf(out.shape);
  rt.dispatch({
    kernel: `col2im_${cols.dtype}`, wgsl: () => col2imWgsl(cols.dtype), ...perElement(rt, n),
    inputs: [cols.buf], output: out.buf, params: convParams(n, out.shape, g),
  });
}
