/**
 * Sum and max along a set of axes (kept with size 1).
 *
 * Reduced axes may be scattered, so the general path walks the input once and
 * accumulates into the output slot each element maps to. Output strides are 0 on reduced axes, which makes that
 * mapping the same stride trick broadcasting uses, read backwards.
 */
import type { AnyTypedArray } from '../../tensor/dtype.js';
import { type Shape, broadcastStrides } from '../../tensor/shapes.js';
import { forEachRow } from './elementwise.js';

/** out (shape with reduced axes = 1) = reduce over `axes` of x (xShape). */
export function reduce(kind: 'sum' | 'max', x: AnyTypedArray, xShape: Shape, out: AnyTypedArray, outShape: Shape): void {
  out.fill(kind === 'sum' ? 0 : -Infinity);
  const rank = xShape.length;
  // Fast path: reducing only the last axis, the common case (softmax, layernorm, losses).
  const lastOnly = rank > 0 && outShape[rank - 1] === 1 && xShape.slice(0, -1).every((d, i) => d === outShape[i]);
  if (lastOnly) {
    const n = xShape[rank - 1];
    for (let r = 0, o = 0; o < out.length; r += n, o++) {
      let acc = kind === 'sum' ? 0 : -Infinity;
      if (kind === 'sum') for (let i = 0; i < n; i++) acc += x[r + i];
      else for (let i = 0; i < n; i++) { const v = x[r + i]; if (v > acc || Number.isNaN(v)) acc = v; }
      out[o] = acc;
    }
    return;
  }
  // General path: walk x row by row; the output offset of each element uses stride 0 on reduced axes.
  // x is contiguous, so forEachRow's own offset is x's offset.
  forEachRow(xShape, [broadcastStrides(outShape, xShape)], (ix, [io], n, [dO]) => {
    if (kind === 'sum' && dO === 0) {
      // The whole row lands in one output slot: accumulate in a register first.
      let acc = 0;
      for (let i = 0; i < n; i++) acc += x[ix + i];
      out[io] += acc;
    } else if (kind === 'sum' && dO === 1) {
      // Reducing leading axes (a bias gradient): the row adds onto a row of the output.
      for (let i = 0; i < n; i++) out[io + i] += x[ix + i];
    } else if (kind === 'sum') {
      for (let i = 0; i < n; i++) out[io + i * dO] += x[ix + i];
    } else {
      for (let i = 0; i < n; i++) {
        const v = x[ix + i];
        if (v > out[io + i * dO] || Number.isNaN(v)) out[io + i * dO] = v;
      }
    }
  });
}
