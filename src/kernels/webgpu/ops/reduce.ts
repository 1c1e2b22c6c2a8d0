/**
 * Launching sum/max along axes. Few long reductions go to the workgroup tree
 * kernel (split into chunks plus a second pass when there are very few
 * outputs); many or short ones to the one-invocation-per-output kernel.
 */
import { sizeOf, stridesOf } from '../../../tensor/shapes.js';
import type { GpuRuntime } from '../runtime.js';
import { reduceSerialWgsl } from '../wgsl/reduce_serial.js';
import { reduceTreeWgsl } from '../wgsl/reduce_tree.js';
import { type Arg, coalesce, grid1d } from './layout.js';

/** Tunables: when a reduction counts as long, and how much one workgroup takes on. */
export const REDUCE = { treeMinLength: 256, serialMinOutputs: 1024, chunk: 8192, tree: 256, serial: 64 };

export function reduce(rt: GpuRuntime, kind: 'sum' | 'max', x: Arg, out: Arg): void {
  const st = stridesOf(x.shape);
  const keptAxes = x.shape.map((_, i) => i).filter((i) => out.shape[i] === x.shape[i]);
  const redAxes = x.shape.map((_, i) => i).filter((i) => out.shape[i] !== x.shape[i]);
  const kept = coalesce(keptAxes.map((i) => x.shape[i]), [keptAxes.map((i) => st[i])]);
  const red = coalesce(redAxes.map((i) => x.shape[i]), [redAxes.map((i) => st[i])]);
  const nOut = sizeOf(out.shape);
  const len = sizeOf(red.shape);
  const layout = [kept.shape.length, red.shape.length, ...kept.shape, ...kept.strides[0], ...red.shape, ...red.strides[0]];
  const dt = x.dtype;
  if (len < REDUCE.treeMinLength || nOut >= REDUCE.serialMinOutputs) {
    const WG = REDUCE.serial;
    rt.dispatch({
      kernel: `reduce_serial_${kind}_${dt}`, wgsl: () => reduceSerialWgsl(kind, dt), constants: { WG },
      inputs: [x.buf], output: out.buf, params: [nOut, len, len, 1, ...layout], groups: grid1d(Math.ceil(nOut / WG)),
    });
    return;
  }
  // Enough chunks that the work spreads over ~64 workgroups, none smaller than REDUCE.chunk.
  const chunks = Math.max(1, Math.min(Math.ceil(len / REDUCE.chunk), Math.ceil(64 / nOut)));
  const chunkLen = Math.ceil(len / chunks);
  const parts = chunks === 1 ? out : { buf: rt.alloc(nOut * chunks * 4), shape: [nOut, chunks], dtype: dt };
  rt.dispatch({
    kernel: `reduce_tree_${kind}_${dt}`, wgsl: () => reduceTreeWgsl(kind, dt), constants: { WG: REDUCE.tree },
    inputs: [x.buf], output: parts.buf, params: [nOut, len, chunkLen, chunks, ...layout], groups: grid1d(nOut * chunks),
  });
  if (parts !== out) {
    reduce(rt, kind, parts, { ...out, shape: [nOut, 1] });
    parts.buf.refs--;
    rt.recycle(parts.buf);
  }
}
