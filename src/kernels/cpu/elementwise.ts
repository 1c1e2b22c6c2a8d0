/**
 * Elementwise primitives with NumPy broadcasting, as plain loops.
 *
 * Broadcasting is done with strides: an input axis of size 1 that is
 * stretched gets stride 0, so the same element is read again. The innermost
 * axis is a tight loop; the outer axes advance an index counter.
 */
import type { AnyTypedArray } from '../../tensor/dtype.js';
import type { BinaryName, UnaryName } from '../../tensor/primitives.js';
import { type Shape, broadcastStrides, sizeOf } from '../../tensor/shapes.js';
import { erf, erf32 } from './erf.js';

/**
 * Merges axes that every operand walks contiguously, so rows get long and the
 * odometer short: axes ax and ax+1 merge when, for every input, stride[ax] =
 * stride[ax+1]·shape[ax+1] (the output is contiguous, so it always agrees).
 * Size-1 axes are dropped first. `[k, N, d] + [N, d]` becomes `[k, N·d] + [N·d]`:
 * one row of N·d instead of k·N rows of d. Returns the same positions in the
 * same order, so callers see only fewer, longer rows; but a row may step by any
 * stride (dropping a size-1 last axis makes the next axis the row), so every
 * walker must use the row's steps.
 */
export function collapseAxes(shape: Shape, strides: number[][]): { shape: number[]; strides: number[][] } {
  const keep = shape.map((_, ax) => ax).filter((ax) => shape[ax] !== 1);
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (const ax of keep) {
    const last = outShape.length - 1;
    // The axis just kept (outer) merges with this one (inner) when each input steps over the inner axis into the outer.
    if (last >= 0 && strides.every((s, k) => outStrides[k][last] === s[ax] * shape[ax])) {
      outShape[last] *= shape[ax];
      for (let k = 0; k < strides.length; k++) outStrides[k][last] = strides[k][ax];
    } else {
      outShape.push(shape[ax]);
      for (let k = 0; k < strides.length; k++) outStrides[k].push(strides[k][ax]);
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Visit every output position of `outShape`, calling `inner(o, offs, n, steps)` once
 * per innermost row: `o` is the output offset, `offs[k]` the offset in input k, `n`
 * the row length and `steps[k]` input k's stride along the row (0 or 1 typically).
 * Axes are merged first (collapseAxes), so a row may span several axes of outShape.
 */
export function forEachRow(
  outShape: Shape, inStrides: number[][],
  inner: (o: number, offs: number[], n: number, steps: number[]) => void,
): void {
  const total = sizeOf(outShape);
  if (total === 0) return;
  const c = collapseAxes(outShape, inStrides);
  const shape = c.shape, strides = c.strides;
  const rank = shape.length;
  if (rank === 0) { inner(0, inStrides.map(() => 0), 1, inStrides.map(() => 0)); return; }
  const n = shape[rank - 1];
  const steps = strides.map((s) => s[rank - 1]);
  const idx = new Array<number>(rank - 1).fill(0);
  const offs = strides.map(() => 0);
  for (let o = 0; o < total; o += n) {
    inner(o, offs, n, steps);
    // Advance the outer index counter like an odometer, updating input offsets.
    for (let ax = rank - 2; ax >= 0; ax--) {
      idx[ax]++;
      for (let k = 0; k < offs.length; k++) offs[k] += strides[k][ax];
      if (idx[ax] < shape[ax]) break;
      for (let k = 0; k < offs.length; k++) offs[k] -= strides[k][ax] * shape[ax];
      idx[ax] = 0;
    }
  }
}

/** out[i] = f(a[i]) for one of the unary primitives. a, out: same length. */
export function unary(name: UnaryName, a: AnyTypedArray, out: AnyTypedArray): void {
  const n = a.length;
  switch (name) {
    case 'neg': for (let i = 0; i < n; i++) out[i] = -a[i]; break;
    case 'exp': for (let i = 0; i < n; i++) out[i] = Math.exp(a[i]); break;
    case 'log': for (let i = 0; i < n; i++) out[i] = Math.log(a[i]); break;
    case 'sqrt': for (let i = 0; i < n; i++) out[i] = Math.sqrt(a[i]); break;
    case 'tanh': for (let i = 0; i < n; i++) out[i] = Math.tanh(a[i]); break;
    case 'erf':
      // float32 needs only ~1e-7 accuracy; the float64 series is ~10× slower.
      if (out instanceof Float32Array) for (let i = 0; i < n; i++) out[i] = erf32(a[i]);
      else for (let i = 0; i < n; i++) out[i] = erf(a[i]);
      break;
  }
}

/**
 * int32 products need Math.imul: a float64 product of two int32s past 2⁵³ has
 * lost its low bits before the store wraps it, and WebGPU wraps exactly. Sums
 * and quotients are exact in float64; the int32 store truncates toward zero and
 * turns x / 0 (±Infinity, NaN) into 0, the documented result (primitives.ts).
 */
type Kind = BinaryName | 'imul';

/** out = a ∘ b, broadcast. a: aShape, b: bShape, out: outShape. */
export function binary(
  name: BinaryName, a: AnyTypedArray, aShape: Shape, b: AnyTypedArray, bShape: Shape,
  out: AnyTypedArray, outShape: Shape,
): void {
  const kind: Kind = name === 'mul' && out instanceof Int32Array ? 'imul' : name;
  const n = out.length;
  // Same shapes, or one operand a scalar: no index arithmetic at all.
  if (a.length === n && b.length === n) { rowSame(kind, a, 0, b, 0, out, 0, n); return; }
  if (b.length === 1 && a.length === n) { rowScalarB(kind, a, 0, b[0], out, 0, n); return; }
  if (a.length === 1 && b.length === n) { rowScalarA(kind, a[0], b, 0, out, 0, n); return; }
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  // After collapseAxes a row is usually long: [k, N, d] ∘ [N, d] is one row per k.
  forEachRow(outShape, [sa, sb], (o, [ia, ib], n, [da, db]) => {
    if (da === 1 && db === 1) rowSame(kind, a, ia, b, ib, out, o, n);
    else if (db === 0 && da === 1) rowScalarB(kind, a, ia, b[ib], out, o, n);
    else if (da === 0 && db === 1) rowScalarA(kind, a[ia], b, ib, out, o, n);
    else rowStrided(kind, a, ia, da, b, ib, db, out, o, n);
  });
}

/*
 * The row loops. Each case is its own loop so the engine compiles a tight,
 * monomorphic body; the four variants differ only in how a and b are read
 * (both stepping, one held as a scalar, or any strides).
 */

function rowSame(kind: Kind, a: AnyTypedArray, ia: number, b: AnyTypedArray, ib: number, out: AnyTypedArray, o: number, n: number): void {
  switch (kind) {
    case 'add': for (let i = 0; i < n; i++) out[o + i] = a[ia + i] + b[ib + i]; break;
    case 'sub': for (let i = 0; i < n; i++) out[o + i] = a[ia + i] - b[ib + i]; break;
    case 'mul': for (let i = 0; i < n; i++) out[o + i] = a[ia + i] * b[ib + i]; break;
    case 'imul': for (let i = 0; i < n; i++) out[o + i] = Math.imul(a[ia + i], b[ib + i]); break;
    case 'div': for (let i = 0; i < n; i++) out[o + i] = a[ia + i] / b[ib + i]; break;
    case 'greater': for (let i = 0; i < n; i++) out[o + i] = a[ia + i] > b[ib + i] ? 1 : 0; break;
    case 'equal': for (let i = 0; i < n; i++) out[o + i] = a[ia + i] === b[ib + i] ? 1 : 0; break;
  }
}

function rowScalarB(kind: Kind, a: AnyTypedArray, ia: number, y: number, out: AnyTypedArray, o: number, n: number): void {
  switch (kind) {
    case 'add': for (let i = 0; i < n; i++) out[o + i] = a[ia + i] + y; break;
    case 'sub': for (let i = 0; i < n; i++) out[o + i] = a[ia + i] - y; break;
    case 'mul': for (let i = 0; i < n; i++) out[o + i] = a[ia + i] * y; break;
    case 'imul': for (let i = 0; i < n; i++) out[o + i] = Math.imul(a[ia + i], y); break;
    case 'div': for (let i = 0; i < n; i++) out[o + i] = a[ia + i] / y; break;
    case 'greater': for (let i = 0; i < n; i++) out[o + i] = a[ia + i] > y ? 1 : 0; break;
    case 'equal': for (let i = 0; i < n; i++) out[o + i] = a[ia + i] === y ? 1 : 0; break;
  }
}

function rowScalarA(kind: Kind, x: number, b: AnyTypedArray, ib: number, out: AnyTypedArray, o: number, n: number): void {
  switch (kind) {
    case 'add': for (let i = 0; i < n; i++) out[o + i] = x + b[ib + i]; break;
    case 'sub': for (let i = 0; i < n; i++) out[o + i] = x - b[ib + i]; break;
    case 'mul': for (let i = 0; i < n; i++) out[o + i] = x * b[ib + i]; break;
    case 'imul': for (let i = 0; i < n; i++) out[o + i] = Math.imul(x, b[ib + i]); break;
    case 'div': for (let i = 0; i < n; i++) out[o + i] = x / b[ib + i]; break;
    case 'greater': for (let i = 0; i < n; i++) out[o + i] = x > b[ib + i] ? 1 : 0; break;
    case 'equal': for (let i = 0; i < n; i++) out[o + i] = x === b[ib + i] ? 1 : 0; break;
  }
}

function rowStrided(
  kind: Kind, a: AnyTypedArray, ia: number, da: number, b: AnyTypedArray, ib: number, db: number, out: AnyTypedArray, o: number, n: number,
): void {
  switch (kind) {
    case 'add': for (let i = 0; i < n; i++) out[o + i] = a[ia + i * da] + b[ib + i * db]; break;
    case 'sub': for (let i = 0; i < n; i++) out[o + i] = a[ia + i * da] - b[ib + i * db]; break;
    case 'mul': for (let i = 0; i < n; i++) out[o + i] = a[ia + i * da] * b[ib + i * db]; break;
    case 'imul': for (let i = 0; i < n; i++) out[o + i] = Math.imul(a[ia + i * da], b[ib + i * db]); break;
    case 'div': for (let i = 0; i < n; i++) out[o + i] = a[ia + i * da] / b[ib + i * db]; break;
    case 'greater': for (let i = 0; i < n; i++) out[o + i] = a[ia + i * da] > b[ib + i * db] ? 1 : 0; break;
    case 'equal': for (let i = 0; i < n; i++) out[o + i] = a[ia + i * da] === b[ib + i * db] ? 1 : 0; break;
  }
}

/** out = cond ≠ 0 ? a : b, all three broadcast to outShape. */
export function where(
  c: AnyTypedArray, cShape: Shape, a: AnyTypedArray, aShape: Shape, b: AnyTypedArray, bShape: Shape,
  out: AnyTypedArray, outShape: Shape,
): void {
  const n = out.length;
  if (c.length === n && a.length === n && (b.length === n || b.length === 1)) {
    // The common case (ReLU: where(x > 0, x, 0)): no index arithmetic.
    const db = b.length === n ? 1 : 0;
    for (let i = 0; i < n; i++) out[i] = c[i] !== 0 ? a[i] : b[i * db];
    return;
  }
  const strides = [broadcastStrides(cShape, outShape), broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)];
  forEachRow(outShape, strides, (o, [ic, ia, ib], n, [dc, da, db]) => {
    for (let i = 0; i < n; i++) out[o + i] = c[ic + i * dc] !== 0 ? a[ia + i * da] : b[ib + i * db];
  });
}
