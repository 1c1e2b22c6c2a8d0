/**
 * Shape arithmetic and the output shape of every primitive. Shape errors are
 * thrown here, at the call, naming the op and both shapes — never discovered
 * later as a NaN or an out-of-bounds read inside a kernel.
 */
import { type DType, DTYPES } from './dtype.js';
import type { Op } from './primitives.js';

export type Shape = readonly number[];

export const fmt = (s: Shape): string => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
export const sizeOf = (s: Shape): number => s.reduce((a, b) => a * b, 1);
export const sameShape = (a: Shape, b: Shape): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/** Row-major strides in elements. */
export function stridesOf(s: Shape): number[] {
  const st = new Array<number>(s.length);
  let acc = 1;
  for (let i = s.length - 1; i >= 0; i--) { st[i] = acc; acc *= s[i]; }
  return st;
}

/** Strides of `inShape` read as if broadcast to `outShape` (0 on stretched axes). */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const st = stridesOf(inShape);
  const off = outShape.length - inShape.length;
  return outShape.map((_, i) => (i < off || inShape[i - off] === 1 ? 0 : st[i - off]));
}

/** NumPy broadcasting of several shapes; throws naming the op and every shape. */
export function broadcastShapes(opName: string, shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = rank - s.length + i;
      const d = s[i];
      if (d === out[j] || d === 1) continue;
      if (out[j] === 1) { out[j] = d; continue; }
      throw new Error(`${opName}: cannot broadcast shapes ${shapes.map(fmt).join(' and ')} (axis ${j}: ${out[j]} vs ${d})`);
    }
  }
  return out;
}

/** Normalize possibly-negative axes against a rank, rejecting out-of-range ones. */
export function normAxes(opName: string, axes: number[], rank: number): number[] {
  const out = axes.map((a) => (a < 0 ? a + rank : a));
  for (let i = 0; i < out.length; i++) {
    if (out[i] < 0 || out[i] >= rank || !Number.isInteger(out[i])) {
      throw new Error(`${opName}: axis ${axes[i]} is out of range for a tensor of rank ${rank}`);
    }
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** A transpose order must list every axis of `shape` exactly once (0..rank-1, in some order). */
export function checkPerm(perm: readonly number[], shape: Shape): void {
  const ok = Array.isArray(perm) && perm.length === shape.length
    && [...perm].sort((a, b) => a - b).every((p, i) => p === i);
  check(ok, () => `transpose: [${perm}] is not a permutation of the axes of ${fmt(shape)} (need each of 0..${shape.length - 1} once)`);
}

/** Kernel size and stride are positive integers and padding a non-negative one (stride 0 made an infinite output). */
function checkConv(opName: string, g: { kh: number; kw: number; stride: number; pad: number }): void {
  const ok = [g.kh, g.kw, g.stride].every((v) => Number.isInteger(v) && v >= 1) && Number.isInteger(g.pad) && g.pad >= 0;
  check(ok, () => `${opName}: kernel ${g.kh}×${g.kw}, stride ${g.stride}, padding ${g.pad}: kernel and stride must be integers ≥ 1, padding an integer ≥ 0`);
}

function check(cond: boolean, msg: () => string): void {
  if (!cond) throw new Error(msg());
}

/** Batched-matmul shapes: (…A, M, K)·(…B, K, N) → (…broadcast(A, B), M, N). */
export function matmulShape(a: Shape, b: Shape, transA: boolean, transB: boolean): number[] {
  const show = () => `matmul: cannot multiply ${fmt(a)}${transA ? 'ᵀ' : ''} by ${fmt(b)}${transB ? 'ᵀ' : ''}`;
  check(a.length >= 2 && b.length >= 2, () => `${show()}: both operands need rank ≥ 2`);
  const [m, ka] = transA ? [a[a.length - 1], a[a.length - 2]] : [a[a.length - 2], a[a.length - 1]];
  const [kb, n] = transB ? [b[b.length - 1], b[b.length - 2]] : [b[b.length - 2], b[b.length - 1]];
  check(ka === kb, () => `${show()}: inner dimensions ${ka} and ${kb} differ`);
  const batch = broadcastShapes('matmul (batch dims)', [a.slice(0, -2), b.slice(0, -2)]);
  return [...batch, m, n];
}

/** Output shape and dtype of a primitive given its input shapes and dtypes. */
export function outputSpec(op: Op, shapes: Shape[], dtypes: DType[]): { shape: number[]; dtype: DType } {
  const dt = dtypes[0];
  switch (op.op) {
    case 'neg': case 'exp': case 'log': case 'sqrt': case 'tanh': case 'erf':
      requireFloat(op.op, dtypes);
      return { shape: [...shapes[0]], dtype: dt };
    case 'add': case 'sub': case 'mul': case 'div': case 'greater': case 'equal':
      requireSameDtype(op.op, dtypes);
      return { shape: broadcastShapes(op.op, shapes), dtype: dt };
    case 'where':
      requireSameDtype(op.op, dtypes.slice(1));
      return { shape: broadcastShapes(op.op, shapes), dtype: dtypes[1] };
    case 'sum': case 'max': {
      const axes = normAxes(op.op, op.axes, shapes[0].length);
      return { shape: shapes[0].map((d, i) => (axes.includes(i) ? 1 : d)), dtype: dt };
    }
    case 'reshape': {
      check(sizeOf(op.shape) === sizeOf(shapes[0]) && op.shape.every((d) => Number.isInteger(d) && d >= 0),
        () => `reshape: cannot reshape ${fmt(shapes[0])} (${sizeOf(shapes[0])} elements) to ${fmt(op.shape)}`);
      return { shape: [...op.shape], dtype: dt };
    }
    case 'transpose': {
      checkPerm(op.perm, shapes[0]);
      return { shape: op.perm.map((p) => shapes[0][p]), dtype: dt };
    }
    case 'broadcast': {
      const s = shapes[0];
      const ok = s.length === op.shape.length && s.every((d, i) => d === op.shape[i] || d === 1);
      check(ok, () => `broadcast: cannot broadcast ${fmt(s)} to ${fmt(op.shape)}`);
      return { shape: [...op.shape], dtype: dt };
    }
    case 'slice': {
      const s = shapes[0];
      const ok = op.begin.length === s.length && op.end.length === s.length &&
        s.every((d, i) => Number.isInteger(op.begin[i]) && Number.isInteger(op.end[i]) &&
          op.begin[i] >= 0 && op.begin[i] <= op.end[i] && op.end[i] <= d);
      check(ok, () => `slice: [${op.begin}] to [${op.end}] is out of range for ${fmt(s)}`);
      return { shape: s.map((_, i) => op.end[i] - op.begin[i]), dtype: dt };
    }
    case 'pad': {
      const s = shapes[0];
      const ok = op.before.length === s.length && op.after.length === s.length &&
        [...op.before, ...op.after].every((p) => p >= 0 && Number.isInteger(p));
      check(ok, () => `pad: widths [${op.before}] / [${op.after}] do not fit ${fmt(s)}`);
      return { shape: s.map((d, i) => d + op.before[i] + op.after[i]), dtype: dt };
    }
    case 'cast':
      check(DTYPES.includes(op.dtype), () => `cast: unknown dtype '${String(op.dtype)}' (expected ${DTYPES.join(', ')})`);
      return { shape: [...shapes[0]], dtype: op.dtype };
    case 'matmul':
      requireFloat('matmul', dtypes);
      requireSameDtype('matmul', dtypes);
      return { shape: matmulShape(shapes[0], shapes[1], op.transA, op.transB), dtype: dt };
    case 'gather': {
      check(dtypes[1] === 'int32', () => `gather: index must be int32, got ${dtypes[1]}`);
      check(shapes[0].length >= 1, () => `gather: table must have rank ≥ 1, got ${fmt(shapes[0])}`);
      return { shape: [...shapes[1], ...shapes[0].slice(1)], dtype: dt };
    }
    case 'scatterAdd': {
      check(dtypes[1] === 'int32', () => `scatterAdd: index must be int32, got ${dtypes[1]}`);
      const [src, idx] = shapes;
      const ok = src.length >= idx.length && idx.every((d, i) => d === src[i]);
      check(ok, () => `scatterAdd: source ${fmt(src)} does not start with the index shape ${fmt(idx)}`);
      check(Number.isInteger(op.rows) && op.rows >= 0, () => `scatterAdd: rows ${op.rows} must be an integer ≥ 0`);
      return { shape: [op.rows, ...src.slice(idx.length)], dtype: dt };
    }
    case 'im2col': {
      const s = shapes[0];
      check(s.length === 4, () => `im2col: expected (B, C, H, W), got ${fmt(s)}`);
      checkConv('im2col', op);
      const [b, c, h, w] = s;
      const ho = Math.floor((h + 2 * op.pad - op.kh) / op.stride) + 1;
      const wo = Math.floor((w + 2 * op.pad - op.kw) / op.stride) + 1;
      check(ho > 0 && wo > 0, () => `im2col: kernel ${op.kh}×${op.kw} does not fit input ${fmt(s)} with padding ${op.pad}`);
      return { shape: [b, ho * wo, c * op.kh * op.kw], dtype: dt };
    }
    case 'col2im': {
      const s = shapes[0];
      checkConv('col2im', op);
      check([op.h, op.w].every((d) => Number.isInteger(d) && d >= 1), () => `col2im: image size ${op.h}×${op.w} must be positive integers`);
      const ho = Math.floor((op.h + 2 * op.pad - op.kh) / op.stride) + 1;
      const wo = Math.floor((op.w + 2 * op.pad - op.kw) / op.stride) + 1;
      const c = s[2] / (op.kh * op.kw);
      check(s.length === 3 && s[1] === ho * wo && Number.isInteger(c),
        () => `col2im: columns ${fmt(s)} do not match a ${op.h}×${op.w} image with kernel ${op.kh}×${op.kw}`);
      return { shape: [s[0], c, op.h, op.w], dtype: dt };
    }
    case 'softmax': case 'layernorm':
      requireFloat(op.op, dtypes);
      // A negative eps makes var + eps negative on flat rows: NaN, not an error, downstream.
      if (op.op === 'layernorm') check(Number.isFinite(op.eps) && op.eps >= 0, () => `layernorm: eps ${op.eps} must be finite and ≥ 0`);
      check(shapes[0].length >= 1, () => `${op.op}: needs rank ≥ 1, got a scalar`);
      return { shape: [...shapes[0]], dtype: dt };
  }
}

function requireFloat(name: string, dtypes: DType[]): void {
  for (const d of dtypes) {
    if (d === 'int32') throw new Error(`${name}: expected a float tensor, got int32`);
  }
}

function requireSameDtype(name: string, dtypes: DType[]): void {
  if (dtypes.some((d) => d !== dtypes[0])) {
    throw new Error(`${name}: dtypes differ (${dtypes.join(' and ')}); cast one operand first`);
  }
}
