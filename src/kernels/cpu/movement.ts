/** Movement primitives: they copy elements to new positions and never do arithmetic. */
import type { AnyTypedArray } from '../../tensor/dtype.js';
import { type Shape, broadcastStrides, stridesOf } from '../../tensor/shapes.js';
import { forEachRow } from './elementwise.js';

/** out (shape[perm[i]]) = x permuted. x: xShape. */
export function transpose(x: AnyTypedArray, xShape: Shape, perm: readonly number[], out: AnyTypedArray): void {
  const xs = stridesOf(xShape);
  const outShape = perm.map((p) => xShape[p]);
  // Reading x with permuted strides while writing out contiguously is the whole trick.
  const readStrides = perm.map((p) => xs[p]);
  forEachRow(outShape, [readStrides], (o, [ix], n, [dx]) => {
    for (let i = 0; i < n; i++) out[o + i] = x[ix + i * dx];
  });
}

/** out (outShape) = x (xShape, same rank, size-1 axes stretched). */
export function broadcastTo(x: AnyTypedArray, xShape: Shape, out: AnyTypedArray, outShape: Shape): void {
  forEachRow(outShape, [broadcastStrides(xShape, outShape)], (o, [ix], n, [dx]) => {
    for (let i = 0; i < n; i++) out[o + i] = x[ix + i * dx];
  });
}

/** out = x[begin:end] along every axis. */
export function slice(x: AnyTypedArray, xShape: Shape, begin: readonly number[], out: AnyTypedArray, outShape: Shape): void {
  const xs = stridesOf(xShape);
  const start = begin.reduce((acc, b, i) => acc + b * xs[i], 0);
  forEachRow(outShape, [xs], (o, [ix], n) => {
    for (let i = 0; i < n; i++) out[o + i] = x[start + ix + i];
  });
}

/** out = x surrounded by `before`/`after` zeros on each axis. */
export function pad(x: AnyTypedArray, xShape: Shape, before: readonly number[], out: AnyTypedArray, outShape: Shape): void {
  out.fill(0);
  const os = stridesOf(outShape);
  const start = before.reduce((acc, b, i) => acc + b * os[i], 0);
  // Walk x's positions; write each row at its shifted place in out.
  forEachRow(xShape, [os], (ix, [io], n) => {
    for (let i = 0; i < n; i++) out[start + io + i] = x[ix + i];
  });
}

/** Elementwise dtype conversion (float → int32 truncates toward zero). */
export function cast(x: AnyTypedArray, out: AnyTypedArray): void {
  if (out instanceof Int32Array && !(x instanceof Int32Array)) {
    for (let i = 0; i < x.length; i++) out[i] = Math.trunc(x[i]);
  } else {
    out.set(x);
  }
}

export const copy = (x: AnyTypedArray, out: AnyTypedArray): void => { out.set(x); };
