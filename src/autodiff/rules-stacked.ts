/**
 * JVP rules on stacked tangents: the k directions of a forward sweep travel
 * as one tensor (m, …shape) with the directions on a new leading axis, so a
 * matmul's m tangent products are one gemm with m times the rows and an
 * elementwise rule runs once over all of them.
 *
 * Most per-direction rules (rules.ts) already work on a stack: they multiply
 * by factors of the point, which broadcast over the extra axis, or act on
 * the last axis. Those entries are `'lift'`: the tracer reshapes each stack
 * to (m, 1…1, …x.shape) with y's rank + 1 before the rule, so NumPy
 * broadcasting lines the point's axes up with the tangent's. The rest name
 * axes (sum, transpose, slice, …) or fix their operands' rank (im2col,
 * gather) and get a rule here that shifts past the stack axis. The table's
 * type makes a primitive without an entry a compile error.
 */
import {
  broadcastTo, col2im, gather, im2col, matmul, mul, pad, reshape, scatterAdd, slice, sub, sum, transpose,
} from '../tensor/ops.js';
import type { OpName, OpOf } from '../tensor/primitives.js';
import type { Tensor } from '../tensor/tensor.js';
import { addN, maxShare } from './rules.js';

type T = Tensor | null;
/** Given the point (x, y), the linear map from stacked input tangents (m, …x_i.shape) to y's stacked tangent. */
type StackedJvp<K extends OpName> = (x: Tensor[], y: Tensor, op: OpOf<K>) => (dx: T[]) => T;
export type StackedRuleTable = { [K in OpName]: 'lift' | StackedJvp<K> };

/** (m, …s) viewed with rank r + 1: size-1 axes inserted after the stack axis. */
export function liftStack(t: Tensor, r: number): Tensor {
  const s = t.shape.slice(1);
  if (s.length >= r) return t;
  return reshape(t, [t.shape[0], ...new Array<number>(r - s.length).fill(1), ...s]);
}

const shift = (axes: readonly number[]): number[] => axes.map((a) => a + 1);
const rows = (t: Tensor): number => t.shape[0];

/**
 * a·dB for a stack of weight tangents dB (m, 1…1, K, N) against a batched a
 * (…, M, K): a's batch folds into its rows, (P·M, K)·(m, K, N) → (m, P·M, N),
 * one strided gemm call instead of m·P small ones.
 */
function matmulStackedB(a: Tensor, db: Tensor, y: Tensor, opts: { transA: boolean; transB: boolean }): Tensor {
  const shared = db.shape.slice(1, -2).every((d) => d === 1);
  if (!shared || opts.transA || a.rank <= 2) return matmul(a, db, opts);
  const m = rows(db);
  const a2 = reshape(a, [-1, a.shape[a.rank - 1]]); // (P·M, K)
  const b3 = reshape(db, [m, ...db.shape.slice(-2)]); // (m, K, N) or (m, N, K)
  return reshape(matmul(a2, b3, opts), [m, ...y.shape]); // (m, …, M, N)
}

/** y ⊙ each row of the stack t (m, …y), as (N,)·(m, N) so the kernel streams whole rows. */
function flatMul(y: Tensor, t: Tensor): Tensor {
  return reshape(mul(reshape(t, [rows(t), y.size]), reshape(y, [y.size])), t.shape);
}

/** Move axis `from` of x to position `to`. */
function moveAxis(x: Tensor, from: number, to: number): Tensor {
  const perm = x.shape.map((_, i) => i).filter((i) => i !== from);
  perm.splice(to, 0, from);
  return transpose(x, perm);
}

export const stackedRules: StackedRuleTable = {
  neg: 'lift', exp: 'lift', log: 'lift', sqrt: 'lift', tanh: 'lift', erf: 'lift',
  add: 'lift', sub: 'lift', mul: 'lift', div: 'lift', greater: 'lift', equal: 'lift',
  where: 'lift', cast: 'lift', layernorm: 'lift',
  // d(softmax) = y ⊙ (dx − Σ y⊙dx), its products taken flat (see flatMul).
  softmax: (_x, y) => ([dx]) => {
    if (!dx) return null;
    const ydx = flatMul(y, dx); // (m, …y)
    return flatMul(y, sub(dx, sum(ydx, -1, true)));
  },
  // Reductions and movement ops: the same op with every axis shifted past the stack axis.
  sum: (_x, _y, op) => ([dx]) => dx && sum(dx, shift(op.axes), true),
  max: ([x], y, op) => {
    const share = maxShare(x, y, op.axes);
    return ([dx]) => dx && sum(mul(dx, share), shift(op.axes), true);
  },
  reshape: (_x, _y, op) => ([dx]) => dx && reshape(dx, [rows(dx), ...op.shape]),
  transpose: (_x, _y, op) => ([dx]) => dx && transpose(dx, [0, ...shift(op.perm)]),
  broadcast: (_x, _y, op) => ([dx]) => dx && broadcastTo(dx, [rows(dx), ...op.shape]),
  slice: (_x, _y, op) => ([dx]) => dx && slice(dx, [0, ...op.begin], [rows(dx), ...op.end]),
  pad: (_x, _y, op) => ([dx]) => dx && pad(dx, [0, ...op.before], [0, ...op.after]),
  // d(AB) = dA·B + A·dB; the stack of dA rides in A's rows (one gemm when B is a shared 2-D matrix).
  matmul: ([a, b], y, { transA, transB }) => ([da, db]) => {
    const r = y.rank;
    return addN(
      da && matmul(liftStack(da, r), b, { transA, transB }),
      db && matmulStackedB(a, liftStack(db, r), y, { transA, transB }),
    );
  },
  // gather/scatterAdd index the first axis: the stack axis steps aside to the features.
  gather: ([, idx]) => ([dt]) => dt && moveAxis(gather(moveAxis(dt, 0, 1), idx), idx.rank, 0), // (m, …I, …F)
  scatterAdd: ([, idx], _y, op) => ([ds]) =>
    ds && moveAxis(scatterAdd(moveAxis(ds, 0, idx.rank), idx, op.rows), 1, 0), // (m, rows, …F)
  // im2col/col2im take a batch axis: the stack folds into it.
  im2col: (_x, y, op) => ([dx]) => dx && reshape(im2col(reshape(dx, [-1, ...dx.shape.slice(2)]), op), [rows(dx), ...y.shape]),
  col2im: (_x, y, op) => ([dx]) => dx && reshape(col2im(reshape(dx, [-1, ...dx.shape.slice(2)]), op), [rows(dx), ...y.shape]),
};
