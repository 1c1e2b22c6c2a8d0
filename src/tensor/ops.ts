/**
 * The user-facing operations. Each primitive gets a thin wrapper with a
 * friendly signature (numbers as operands, negative axes, `keepdims`, `-1` in
 * reshapes); everything here goes through `bind`, so it is differentiable to
 * any order under every transformation.
 */
import { bind } from './bind.js';
import type { DType } from './dtype.js';
import { scalar } from './create.js';
import type { UnaryName, BinaryName } from './primitives.js';
import { type Shape, checkPerm, fmt, normAxes, sameShape, sizeOf } from './shapes.js';
import { Tensor } from './tensor.js';

export type TensorLike = Tensor | number;

function lift(x: TensorLike, like: TensorLike): Tensor {
  if (x instanceof Tensor) return x;
  return scalar(x, like instanceof Tensor ? like.dtype : 'float32');
}

const un = (op: UnaryName) => (x: Tensor): Tensor => bind({ op }, [x]);
const bin = (op: BinaryName) => (a: TensorLike, b: TensorLike): Tensor => bind({ op }, [lift(a, b), lift(b, a)]);

export const neg = un('neg');
export const exp = un('exp');
export const log = un('log');
export const sqrt = un('sqrt');
export const tanh = un('tanh');
export const erf = un('erf');
export const add = bin('add');
export const sub = bin('sub');
export const mul = bin('mul');
export const div = bin('div');
/** 1 where a > b, else 0 (not differentiable: its derivatives are zero). */
export const greater = bin('greater');
/** 1 where a = b, else 0. */
export const equal = bin('equal');

/** cond ≠ 0 ? a : b, broadcast. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const like = a instanceof Tensor ? a : b instanceof Tensor ? b : cond;
  return bind({ op: 'where' }, [cond, lift(a, like), lift(b, like)]);
}

function axesOf(x: Tensor, axis?: number | number[]): number[] {
  if (axis === undefined) return x.shape.map((_, i) => i);
  return normAxes('reduce', Array.isArray(axis) ? axis : [axis], x.rank);
}

function dropAxes(x: Tensor, r: Tensor, axes: number[], keepdims: boolean): Tensor {
  return keepdims ? r : reshape(r, x.shape.filter((_, i) => !axes.includes(i)));
}

/** Sum over `axis` (all axes by default). */
export function sum(x: Tensor, axis?: number | number[], keepdims = false): Tensor {
  const axes = axesOf(x, axis);
  if (axes.length === 0) return x;
  return dropAxes(x, bind({ op: 'sum', axes }, [x]), axes, keepdims);
}

/** Maximum over `axis`; the gradient is shared equally among tied maxima. */
export function max(x: Tensor, axis?: number | number[], keepdims = false): Tensor {
  const axes = axesOf(x, axis);
  if (axes.length === 0) return x;
  return dropAxes(x, bind({ op: 'max', axes }, [x]), axes, keepdims);
}

export function mean(x: Tensor, axis?: number | number[], keepdims = false): Tensor {
  const axes = axesOf(x, axis);
  const n = axes.reduce((a, i) => a * x.shape[i], 1);
  return div(sum(x, axes, keepdims), n);
}

/** Reshape; one entry may be −1 (inferred). */
export function reshape(x: Tensor, shape: Shape): Tensor {
  let s = [...shape];
  const infer = s.indexOf(-1);
  if (infer >= 0) {
    const rest = sizeOf(s.filter((_, i) => i !== infer));
    s[infer] = rest === 0 ? 0 : x.size / rest;
    if (!Number.isInteger(s[infer])) throw new Error(`reshape: cannot reshape ${fmt(x.shape)} to ${fmt(shape)}`);
  }
  if (sameShape(s, x.shape)) return x;
  return bind({ op: 'reshape', shape: s }, [x]);
}

/** Permute axes; without `perm`, reverse them. */
export function transpose(x: Tensor, perm?: number[]): Tensor {
  const p = perm ? normAxesOrdered(perm, x.rank) : x.shape.map((_, i) => x.rank - 1 - i);
  // Checked before the identity shortcut: [0, 1, 2] on a matrix starts like the identity but is no permutation of it.
  checkPerm(p, x.shape);
  if (p.every((v, i) => v === i)) return x;
  return bind({ op: 'transpose', perm: p }, [x]);
}

function normAxesOrdered(perm: number[], rank: number): number[] {
  return perm.map((a) => (a < 0 ? a + rank : a));
}

/** Swap the last two axes. */
export function mT(x: Tensor): Tensor {
  const p = x.shape.map((_, i) => i);
  [p[x.rank - 2], p[x.rank - 1]] = [p[x.rank - 1], p[x.rank - 2]];
  return transpose(x, p);
}

/** Broadcast to `shape` (NumPy rules: leading axes are added, size-1 axes stretched). */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  if (sameShape(x.shape, shape)) return x;
  if (x.rank > shape.length) throw new Error(`broadcast: cannot broadcast ${fmt(x.shape)} to ${fmt(shape)}`);
  const padded = reshape(x, [...new Array<number>(shape.length - x.rank).fill(1), ...x.shape]);
  return bind({ op: 'broadcast', shape: [...shape] }, [padded]);
}

/** Sum a broadcast result back down to `shape` (the transpose of broadcasting). */
export function sumTo(x: Tensor, shape: Shape): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const lead = x.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < x.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1)) axes.push(i);
  }
  return reshape(axes.length ? bind({ op: 'sum', axes }, [x]) : x, shape);
}

/** x[begin:end] on every axis (end defaults to the full extent). */
export function slice(x: Tensor, begin: number[], end?: number[]): Tensor {
  const e = end ?? x.shape;
  const b = x.shape.map((_, i) => begin[i] ?? 0);
  const en = x.shape.map((d, i) => e[i] ?? d);
  if (b.every((v) => v === 0) && en.every((v, i) => v === x.shape[i])) return x;
  return bind({ op: 'slice', begin: b, end: en }, [x]);
}

/** Zero-pad each axis by before[i] / after[i]. */
export function pad(x: Tensor, before: number[], after: number[]): Tensor {
  if ([...before, ...after].every((v) => v === 0)) return x;
  return bind({ op: 'pad', before, after }, [x]);
}

/** Concatenate along `axis`, built from pads and adds so it needs no rule of its own. */
export function concat(xs: Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('concat: needs at least one tensor');
  const ax = axis < 0 ? axis + xs[0].rank : axis;
  const total = xs.reduce((a, x) => a + x.shape[ax], 0);
  let offset = 0;
  let out: Tensor | null = null;
  for (const x of xs) {
    const before = x.shape.map((_, i) => (i === ax ? offset : 0));
    const after = x.shape.map((_, i) => (i === ax ? total - offset - x.shape[ax] : 0));
    offset += x.shape[ax];
    const p = pad(x, before, after);
    out = out ? add(out, p) : p;
  }
  return out!;
}

export function cast(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : bind({ op: 'cast', dtype }, [x]);
}

/** Batched matmul (…, M, K)·(…, K, N) with broadcast batch dims; transA/transB read an operand transposed. */
export function matmul(a: Tensor, b: Tensor, opts: { transA?: boolean; transB?: boolean } = {}): Tensor {
  return bind({ op: 'matmul', transA: opts.transA ?? false, transB: opts.transB ?? false }, [a, b]);
}

/**
 * Indices made from host data carry their range, so an out-of-range one is an
 * error at the call on every backend (a GPU kernel could only read garbage).
 */
function checkIndex(op: string, index: Tensor, rows: number, what: string): void {
  const r = index.concrete().indexRange;
  if (!r || r.maxAt < 0) return;
  if (r.min < 0) throw new Error(`${op}: index ${r.min} at position ${r.minAt} is out of range for ${what} of ${rows} rows`);
  if (r.max >= rows) throw new Error(`${op}: index ${r.max} at position ${r.maxAt} is out of range for ${what} of ${rows} rows`);
}

/** Rows of `table` (V, …F) picked by int32 `index` (…I) → (…I, …F). */
export function gather(table: Tensor, index: Tensor): Tensor {
  checkIndex('gather', index, table.shape[0] ?? 0, 'a table');
  return bind({ op: 'gather' }, [table, index]);
}

/** Add rows of `src` (…I, …F) into a zero (rows, …F) tensor at `index` (…I). */
export function scatterAdd(src: Tensor, index: Tensor, rows: number): Tensor {
  if (!(Number.isInteger(rows) && rows >= 0)) throw new Error(`scatterAdd: rows ${rows} must be an integer ≥ 0`);
  checkIndex('scatterAdd', index, rows, 'an output');
  return bind({ op: 'scatterAdd', rows }, [src, index]);
}

export interface ConvParams { kh: number; kw: number; stride: number; pad: number }
export function im2col(x: Tensor, p: ConvParams): Tensor {
  return bind({ op: 'im2col', kh: p.kh, kw: p.kw, stride: p.stride, pad: p.pad }, [x]);
}
export function col2im(cols: Tensor, p: ConvParams & { h: number; w: number }): Tensor {
  return bind({ op: 'col2im', kh: p.kh, kw: p.kw, stride: p.stride, pad: p.pad, h: p.h, w: p.w }, [cols]);
}

/** Softmax along the last axis (a fused primitive). */
export function softmax(x: Tensor): Tensor {
  return bind({ op: 'softmax' }, [x]);
}

/** The `layernorm` primitive: (x − mean) / √(var + eps) along the last axis (no scale or shift; see `layerNormAffine`). */
export function layernorm(x: Tensor, eps = 1e-5): Tensor {
  return bind({ op: 'layernorm', eps }, [x]);
}

/** The value without any derivative information (derivatives through it are zero). */
export function stopGradient(x: Tensor): Tensor {
  return x.concrete();
}
