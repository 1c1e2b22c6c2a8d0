/**
 * Derivative rules, one entry per primitive, forward (JVP) and reverse (VJP)
 * side by side. Rules use only differentiable tensor ops, so they can be
 * differentiated again: `grad` of `grad`, `jvp` of `grad` (Hessian-vector
 * products) and `grad` of `jvp` all work through the same table.
 *
 * Conventions: x = primal inputs, dx = their tangents (null = known zero),
 * y = primal output, g = output cotangent. A JVP rule, given (x, y), returns
 * the linear map from dx to y's tangent (null if zero), so factors of the
 * point are computed once however many tangent directions pass through; a
 * VJP returns one cotangent per input (null where not needed). The tracers
 * broadcast tangents up to y's shape and sum cotangents down to each input's
 * shape, so rules need not handle broadcasting themselves.
 *
 * The table's type `{ [K in OpName]: … }` makes a missing rule a compile error.
 */
import {
  add, broadcastTo, cast, col2im, div, equal, exp, gather, im2col, matmul, mean, mul, neg,
  pad, reshape, scatterAdd, slice, sqrt, sub, sum, sumTo, transpose, where,
} from '../tensor/ops.js';
import type { OpName, OpOf } from '../tensor/primitives.js';
import type { Tensor } from '../tensor/tensor.js';

type T = Tensor | null;
type JvpRule<K extends OpName> = (x: Tensor[], y: Tensor, op: OpOf<K>) => (dx: T[]) => T;
type VjpRule<K extends OpName> = (g: Tensor, x: Tensor[], y: Tensor, op: OpOf<K>, need: boolean[]) => T[];
export type RuleTable = { [K in OpName]: { jvp: JvpRule<K>; vjp: VjpRule<K> } };

/** Sum of tangents where null means zero. */
export const addN = (a: T, b: T): T => (a && b ? add(a, b) : a ?? b);
const subN = (a: T, b: T): T => (a && b ? sub(a, b) : a ?? (b && neg(b)));
const last = -1;
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** d(layernorm) at x: v ↦ (v − mean v − y·mean(y·v)) / s, s = √(var x + eps). Symmetric, so VJP = JVP. */
function layernormAt(x: Tensor, y: Tensor, eps: number): (v: Tensor) => Tensor {
  const centered = sub(x, mean(x, last, true));
  const s = sqrt(add(mean(mul(centered, centered), last, true), eps));
  return (v) => div(sub(sub(v, mean(v, last, true)), mul(y, mean(mul(y, v), last, true))), s);
}

/** Ties share a maximum's derivative equally: mask / count. */
export function maxShare(x: Tensor, y: Tensor, axes: number[]): Tensor {
  const mask = equal(x, y);
  return div(mask, sum(mask, axes, true));
}

/** ∂L/∂B of C = op(A)·op(B); a shared 2-D B with a batched A folds the batch into rows. */
function matmulGradB(a: Tensor, g: Tensor, b: Tensor, ta: boolean, tb: boolean): Tensor {
  if (!ta && a.rank > 2 && b.rank === 2) {
    const a2 = reshape(a, [-1, a.shape[a.rank - 1]]); // (B·M, K)
    const g2 = reshape(g, [-1, g.shape[g.rank - 1]]); // (B·M, N)
    return tb ? matmul(g2, a2, { transA: true }) : matmul(a2, g2, { transA: true });
  }
  return tb ? matmul(g, a, { transA: true, transB: ta }) : matmul(a, g, { transA: !ta });
}

export const rules: RuleTable = {
  // d(−x) = −dx
  neg: { jvp: () => ([dx]) => dx && neg(dx), vjp: (g) => [neg(g)] },
  // d(eˣ) = eˣ dx
  exp: { jvp: (_x, y) => ([dx]) => dx && mul(dx, y), vjp: (g, _x, y) => [mul(g, y)] },
  // d(log x) = dx / x
  log: { jvp: ([x]) => ([dx]) => dx && div(dx, x), vjp: (g, [x]) => [div(g, x)] },
  // d(√x) = dx / (2√x)
  sqrt: { jvp: (_x, y) => { const twoY = mul(y, 2); return ([dx]) => dx && div(dx, twoY); }, vjp: (g, _x, y) => [div(g, mul(y, 2))] },
  // d(tanh x) = (1 − tanh²x) dx
  tanh: {
    jvp: (_x, y) => { const d = sub(1, mul(y, y)); return ([dx]) => dx && mul(dx, d); },
    vjp: (g, _x, y) => [mul(g, sub(1, mul(y, y)))],
  },
  // d(erf x) = 2/√π · e^(−x²) dx
  erf: {
    jvp: ([x]) => { const d = mul(exp(neg(mul(x, x))), TWO_OVER_SQRT_PI); return ([dx]) => dx && mul(dx, d); },
    vjp: (g, [x]) => [mul(g, mul(exp(neg(mul(x, x))), TWO_OVER_SQRT_PI))],
  },
  // d(a + b) = da + db
  add: { jvp: () => ([da, db]) => addN(da, db), vjp: (g) => [g, g] },
  // d(a − b) = da − db
  sub: { jvp: () => ([da, db]) => subN(da, db), vjp: (g, _x, _y, _op, [, nb]) => [g, nb ? neg(g) : null] },
  // d(ab) = da·b + a·db
  mul: {
    jvp: ([a, b]) => ([da, db]) => addN(da && mul(da, b), db && mul(a, db)),
    vjp: (g, [a, b], _y, _op, [na, nb]) => [na ? mul(g, b) : null, nb ? mul(g, a) : null],
  },
  // d(a/b) = (da − (a/b)·db) / b
  div: {
    jvp: ([, b], y) => ([da, db]) => {
      const num = subN(da, db && mul(y, db));
      return num && div(num, b);
    },
    vjp: (g, [, b], y, _op, [na, nb]) => {
      const gb = div(g, b);
      return [na ? gb : null, nb ? neg(mul(gb, y)) : null];
    },
  },
  // Comparisons are piecewise constant: zero derivative.
  greater: { jvp: () => () => null, vjp: () => [null, null] },
  equal: { jvp: () => () => null, vjp: () => [null, null] },
  // d(c ? a : b) = c ? da : db
  where: {
    jvp: ([c]) => ([, da, db]) => (da || db ? where(c, da ?? 0, db ?? 0) : null),
    vjp: (g, [c], _y, _op, [, na, nb]) => [null, na ? where(c, g, 0) : null, nb ? where(c, 0, g) : null],
  },
  // Σ is linear; its transpose broadcasts back.
  sum: {
    jvp: (_x, _y, op) => ([dx]) => dx && sum(dx, op.axes, true),
    vjp: (g, [x]) => [broadcastTo(g, x.shape)],
  },
  // d(max) = the tangent at the maximum (shared among ties).
  max: {
    jvp: ([x], y, op) => { const share = maxShare(x, y, op.axes); return ([dx]) => dx && sum(mul(dx, share), op.axes, true); },
    vjp: (g, [x], y, op) => [mul(g, maxShare(x, y, op.axes))],
  },
  // Movement ops are linear: the tangent moves the same way, the cotangent moves back.
  reshape: { jvp: (_x, _y, op) => ([dx]) => dx && reshape(dx, op.shape), vjp: (g, [x]) => [reshape(g, x.shape)] },
  transpose: {
    jvp: (_x, _y, op) => ([dx]) => dx && transpose(dx, op.perm),
    vjp: (g, _x, _y, op) => [transpose(g, invertPerm(op.perm))],
  },
  broadcast: { jvp: (_x, _y, op) => ([dx]) => dx && broadcastTo(dx, op.shape), vjp: (g, [x]) => [sumTo(g, x.shape)] },
  slice: {
    jvp: (_x, _y, op) => ([dx]) => dx && slice(dx, op.begin, op.end),
    vjp: (g, [x], _y, op) => [pad(g, op.begin, x.shape.map((d, i) => d - op.end[i]))],
  },
  pad: {
    jvp: (_x, _y, op) => ([dx]) => dx && pad(dx, op.before, op.after),
    vjp: (g, [x], _y, op) => [slice(g, op.before, x.shape.map((d, i) => op.before[i] + d))],
  },
  cast: {
    jvp: (_x, _y, op) => ([dx]) => (dx && op.dtype !== 'int32' ? cast(dx, op.dtype) : null),
    vjp: (g, [x]) => [x.dtype === 'int32' ? null : cast(g, x.dtype)],
  },
  // d(AB) = dA·B + A·dB (op() transposes where the flags say)
  matmul: {
    jvp: ([a, b], _y, { transA, transB }) => ([da, db]) =>
      addN(da && matmul(da, b, { transA, transB }), db && matmul(a, db, { transA, transB })),
    vjp: (g, [a, b], _y, { transA: ta, transB: tb }, [na, nb]) => [
      na ? (ta ? matmul(b, g, { transA: tb, transB: true }) : matmul(g, b, { transB: !tb })) : null,
      nb ? matmulGradB(a, g, b, ta, tb) : null,
    ],
  },
  // gather and scatterAdd are linear in the table/source and transposes of each other.
  gather: {
    jvp: ([, idx]) => ([dt]) => dt && gather(dt, idx),
    vjp: (g, [t, idx]) => [scatterAdd(g, idx, t.shape[0]), null],
  },
  scatterAdd: {
    jvp: ([, idx], _y, op) => ([ds]) => ds && scatterAdd(ds, idx, op.rows),
    vjp: (g, [, idx]) => [gather(g, idx), null],
  },
  // im2col and col2im are linear and transposes of each other.
  im2col: {
    jvp: (_x, _y, op) => ([dx]) => dx && im2col(dx, op),
    vjp: (g, [x], _y, op) => [col2im(g, { ...op, h: x.shape[2], w: x.shape[3] })],
  },
  col2im: {
    jvp: (_x, _y, op) => ([dx]) => dx && col2im(dx, op),
    vjp: (g, _x, _y, op) => [im2col(g, op)],
  },
  // d(softmax) = y ⊙ (dx − Σ y⊙dx); its Jacobian diag(y) − yyᵀ is symmetric.
  softmax: {
    jvp: (_x, y) => ([dx]) => dx && mul(y, sub(dx, sum(mul(y, dx), last, true))),
    vjp: (g, _x, y) => [mul(y, sub(g, sum(mul(y, g), last, true)))],
  },
  // d(layernorm) = (dx − mean dx − y·mean(y·dx)) / s; symmetric as well.
  layernorm: {
    jvp: ([x], y, op) => { const apply = layernormAt(x, y, op.eps); return ([dx]) => dx && apply(dx); },
    vjp: (g, [x], y, op) => [layernormAt(x, y, op.eps)(g)],
  },
};

function invertPerm(p: number[]): number[] {
  const inv = new Array<number>(p.length);
  p.forEach((v, i) => { inv[v] = i; });
  return inv;
}
