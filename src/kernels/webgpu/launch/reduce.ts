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

/** Fixed choices; the device-dependent ones are in `rt.tuning`. */
const REDUCE = { treeMinLength: 256, serialWG: 64, spreadOver: 64 };

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
  const [kr, rr] = [kept.shape.length, red.shape.length];
  const tune = rt.tuning;
  if (len < REDUCE.treeMinLength || nOut >= tune.reduceSerialMinOutputs) {
    const WG = REDUCE.serialWG;
    rt.dispatch({
      kernel: `reduce_serial_${kind}_${dt}_${kr}_${rr}`, wgsl: () => reduceSerialWgsl(kind, dt, kr, rr), constants: { WG },
      inputs: [x.buf], output: out.buf, params: [nOut, len, len, 1, ...layout], groups: grid1d(Math.ceil(nOut / WG)),
    });
    return;
  }
  // Enough chunks that the work spreads over ~64 workgroups, none smaller than the tuned chunk.
  const chunks = Math.max(1, Math.min(Math.ceil(len / tune.reduceChunk), Math.ceil(REDUCE.spreadOver / nOut)));
  const chunkLen = Math.ceil(len / chunks);
  const parts = chunks === 1 ? out : { buf: rt.alloc(nOut * chunks * 4), shape: [nOut, chunks], dtype: dt };
  rt.dispatch({
    kernel: `reduce_tree_${kind}_${dt}_${kr}_${rr}`, wgsl: () => reduceTreeWgsl(kind, dt, kr, rr), constants: { WG: tune.reduceTreeWG },
    inputs: [x.buf], output: parts.buf, params: [nOut, len, chunkLen, chunks, ...layout], groups: grid1d(nOut * chunks),
  });
  if (parts !== out) {
    reduce(rt, kind, parts, { ...out, shape: [nOut, 1] });
    parts.buf.refs--;
    rt.recycle(parts.buf);
  }
}
