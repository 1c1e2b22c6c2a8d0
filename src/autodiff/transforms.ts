/**
 * The JAX-like transformations: grad, valueAndGrad, vjp, jvp (with k tangents
 * at once), and Hessian-vector products as forward-over-reverse,
 * hvp = jvp(grad(f)). Parameters are trees of tensors (see tree.ts); results
 * have the same structure. Every call runs in its own `tidy` scope: the
 * intermediates of a call are freed when it returns.
 */
import { broadcastTo, reshape } from '../tensor/ops.js';
import { scalar } from '../tensor/create.js';
import { fmt, sameShape } from '../tensor/shapes.js';
import { Tensor, tidy } from '../tensor/tensor.js';
import { popTrace, pushTrace } from '../tensor/bind.js';
import type { TapeNode } from './boxes.js';
import { StackedJvpTrace } from './stacked.js';
import { type CotangentFilter, type ForwardTrace, JvpTrace, TapeTrace } from './traces.js';
import { type PartialTree, type Tree, flatten, flattenPartial, leafNames } from './tree.js';

const zerosLike = (x: Tensor): Tensor => broadcastTo(scalar(0, x.dtype), x.shape);
const onesLike = (x: Tensor): Tensor => broadcastTo(scalar(1, x.dtype), x.shape);

/** Reverse pass over `f` at the given leaves; `wrt[i] === false` treats leaf i as a constant. */
function reverse(
  f: (leaves: Tensor[]) => Tensor, leaves: Tensor[], wrt?: boolean[],
): { tape: TapeTrace; out: Tensor; nodes: (TapeNode | null)[] } {
  const tape = pushTrace((l) => new TapeTrace(l));
  let out: Tensor;
  let tracked: Tensor[];
  try {
    tracked = leaves.map((x, i) => (wrt && !wrt[i] ? x : tape.leaf(x)));
    out = f(tracked);
  } catch (e) {
    popTrace(tape);
    tape.dispose();
    throw e;
  }
  popTrace(tape);
  if (!(out instanceof Tensor)) {
    tape.dispose();
    throw new Error('grad: the function must return a Tensor');
  }
  return { tape, out, nodes: tracked.map((t) => tape.nodeOf(t)) };
}

function gradLeaves(
  f: (leaves: Tensor[]) => Tensor, leaves: Tensor[], wrt?: boolean[],
  makeFilter?: (leafNodes: (TapeNode | null)[]) => CotangentFilter,
): { value: Tensor; grads: Tensor[] } {
  const { tape, out, nodes } = reverse(f, leaves, wrt);
  try {
    if (out.size !== 1) throw new Error(`grad: the function must return a scalar, got shape ${fmt(out.shape)}`);
    const cts = tape.backward(out, onesLike(out), nodes, makeFilter?.(nodes));
    return { value: reshape(tape.valueOf(out), []), grads: cts.map((c, i) => c ?? zerosLike(leaves[i])) };
  } finally {
    tape.dispose();
  }
}

/**
 * Leaves differentiated against must be floats: an int32 leaf's gradient
 * would come back as zeros, a silent answer to a question with none.
 */
function checkFloatLeaves(tree: Tree, leaves: Tensor[], who: string, wrt?: boolean[]): void {
  const bad = leaves.findIndex((x, i) => x.dtype === 'int32' && (!wrt || wrt[i]));
  if (bad < 0) return;
  const name = leafNames(tree)[bad];
  throw new Error(`${who}: parameter ${name ? `'${name}'` : '(the root)'} is int32; only float leaves can be differentiated `
    + '(close over it as a constant, or exclude it with wrt)');
}

/** The value of a scalar function and its gradient with respect to every leaf of `params`. */
export function valueAndGrad<P extends Tree>(f: (params: P) => Tensor): (params: P) => { value: Tensor; grads: P } {
  return (params) =>
    tidy(() => {
      const { leaves, unflatten } = flatten(params, 'grad: parameters');
      checkFloatLeaves(params, leaves, 'grad');
      const { value, grads } = gradLeaves((xs) => f(unflatten(xs)), leaves);
      return { value, grads: unflatten(grads) };
    });
}

/** The gradient of a scalar function, with the structure of `params`. */
export function grad<P extends Tree>(f: (params: P) => Tensor): (params: P) => P {
  const vg = valueAndGrad(f);
  return (params) => vg(params).grads;
}

/** A reverse-mode linearization: the value now, cotangents on demand. Call `dispose` when done. */
export interface Vjp<P extends Tree> {
  value: Tensor;
  /** Cotangents of the inputs for an output cotangent of the output's shape. */
  backward(cotangent: Tensor): P;
  dispose(): void;
}

export function vjp<P extends Tree>(f: (params: P) => Tensor, primals: P): Vjp<P> {
  const { leaves, unflatten } = flatten(primals, 'vjp: primals');
  checkFloatLeaves(primals, leaves, 'vjp');
  const { tape, out, nodes } = tidy(() => reverse((xs) => f(unflatten(xs)), leaves));
  const value = tape.valueOf(out);
  return {
    value,
    backward: (ct) => {
      if (!(ct instanceof Tensor)) throw new Error('vjp: the cotangent must be a Tensor');
      if (!sameShape(ct.shape, out.shape)) {
        throw new Error(`vjp: cotangent shape ${fmt(ct.shape)} does not match the output shape ${fmt(out.shape)}`);
      }
      if (ct.dtype !== out.dtype) throw new Error(`vjp: cotangent dtype ${ct.dtype} does not match the output dtype ${out.dtype}`);
      return tidy(() => unflatten(tape.backward(out, ct, nodes).map((c, i) => c ?? zerosLike(leaves[i]))));
    },
    dispose: () => tape.dispose(),
  };
}

/**
 * Off by default: on the CPU backend, stacking folds the k matmuls into one
 * gemm but adds placement copies, and it holds twice the tape (1.4 GB against
 * 0.7 GB for the ViT small block sweep). Two bench runs on 2026-12-02 timed
 * that sweep at 377.7 and 348.6 ms stacked against 364.4 and 367.6 ms per
 * direction (the bench's blocks table times both): even, so memory decides.
 * It should pay on WebGPU, where it cuts kernel launches by ~40%; that is
 * unmeasured.
 */
let stackByDefault = false;

/**
 * Whether sweeps with k > 1 directions carry their tangents stacked, (k, …shape)
 * through each op (stacked.ts), or one tensor per direction (JvpTrace). Both give
 * the same numbers up to rounding; the per-direction path is the reference.
 * Returns the previous setting. Per call, `stackTangents` in the options wins.
 */
export function setTangentStacking(on: boolean): boolean {
  const prev = stackByDefault;
  stackByDefault = on;
  return prev;
}

/** Options of the forward-mode sweeps (jvpMulti, hvpMulti). */
export interface SweepOptions {
  /** Carry the k tangents as one stacked tensor through each op (default: `setTangentStacking`, off). */
  stackTangents?: boolean;
}

/** Run `f` under forward mode with k tangent directions; tangents of the output are returned per direction. */
function forward(
  f: (leaves: Tensor[], trace: ForwardTrace) => Tree, leaves: Tensor[], tangents: (Tensor | null)[][], opts: SweepOptions,
): { value: Tree; tangents: Tree[] } {
  const k = tangents.length;
  // One direction gains nothing from a stack axis; it keeps the plain path.
  const stacked = (opts.stackTangents ?? stackByDefault) && k > 1;
  const jt: ForwardTrace = pushTrace((l) => (stacked ? new StackedJvpTrace(l, k) : new JvpTrace(l, k)));
  let out: Tree;
  try {
    out = f(leaves.map((x, i) => jt.box(x, tangents.map((ts) => ts[i]))), jt);
  } finally {
    popTrace(jt);
  }
  const { leaves: outs, unflatten } = flatten(out, "jvp: the function's result");
  const value = unflatten(outs.map((o) => jt.primalOf(o)));
  const tangentsOut = Array.from({ length: k }, (_, j) =>
    unflatten(outs.map((o) => jt.tangentOf(o, j) ?? zerosLike(jt.primalOf(o)))));
  return { value, tangents: tangentsOut };
}

/** Forward mode: f(primals) and its directional derivative along `tangents` (missing leaves are zero). */
export function jvp<P extends Tree, R extends Tree>(
  f: (params: P) => R, primals: P, tangents: PartialTree<P>,
): { value: R; tangent: R } {
  const r = jvpMulti(f, primals, [tangents]);
  return { value: r.value, tangent: r.tangents[0] };
}

/** Forward mode with k directions sharing one primal computation. */
export function jvpMulti<P extends Tree, R extends Tree>(
  f: (params: P) => R, primals: P, tangents: PartialTree<P>[], opts: SweepOptions = {},
): { value: R; tangents: R[] } {
  return tidy(() => {
    const { leaves, unflatten } = flatten(primals, 'jvp: primals');
    const ts = tangents.map((t, j) => flattenPartial(primals, t, tangents.length > 1 ? `jvp: tangent ${j}` : 'jvp: tangent'));
    const r = forward((xs) => f(unflatten(xs)), leaves, ts, opts);
    return { value: r.value as R, tangents: r.tangents as R[] };
  });
}

export interface HvpOptions extends SweepOptions {
  /**
   * Differentiate only with respect to these leaves (by position in the
   * flattened tree); others are constants. With v nonzero only on block b and
   * wrt = [b], the result is H_bb·v_b and the backward pass stops at block b.
   */
  wrt?: boolean[];
  /**
   * Compute each result only on the leaves where its own v_j is nonzero (its
   * support): with v_j on block j alone, result j is H_jj·v_j. Direction j's
   * tangent is then dropped from every cotangent that cannot reach its block,
   * so a sweep over k blocks costs one primal pass plus, per block, only the
   * tangent work between the loss and that block.
   */
  blockDiagonal?: boolean;
}

/**
 * Hessian-vector products H·v_j for k directions in one sweep: one primal
 * forward and backward pass shared by all directions (forward-over-reverse,
 * the JVP of the gradient). Leaves missing from a v_j are zero in it.
 */
export function hvpMulti<P extends Tree>(
  f: (params: P) => Tensor, params: P, vs: PartialTree<P>[], opts: HvpOptions = {},
): P[] {
  return tidy(() => {
    const { leaves, unflatten } = flatten(params, 'hvp: parameters');
    checkWrt(opts.wrt, leaves.length);
    checkFloatLeaves(params, leaves, 'hvp', opts.wrt);
    const ts = vs.map((v, j) => flattenPartial(params, v, vs.length > 1 ? `hvp: v ${j}` : 'hvp: v'));
    const grads = (xs: Tensor[], trace: ForwardTrace) => gradLeaves((ys) => f(unflatten(ys)), xs, opts.wrt,
      opts.blockDiagonal ? (nodes) => supportFilter(nodes, ts, trace) : undefined).grads;
    const r = forward(grads, leaves, ts, opts);
    return (r.tangents as Tensor[][]).map((g, j) => unflatten(
      opts.blockDiagonal ? g.map((t, i) => (ts[j][i] ? t : zerosLike(t))) : g));
  });
}

/** `wrt` names every leaf: a shorter or longer list would silently treat the rest as constants. */
function checkWrt(wrt: boolean[] | undefined, n: number): void {
  if (wrt === undefined) return;
  if (!Array.isArray(wrt) || wrt.length !== n || wrt.some((w) => typeof w !== 'boolean')) {
    throw new Error(`hvp: wrt must be ${n} booleans, one per parameter leaf, got ${Array.isArray(wrt) ? `${wrt.length} entries` : typeof wrt}`
      + (Array.isArray(wrt) && wrt.length === n ? ' with a non-boolean among them' : ''));
  }
}

/**
 * The filter behind `blockDiagonal`: direction j (of the forward `trace`)
 * matters at a tape node only if the node depends on a tracked leaf in v_j's
 * support — the union of those leaves' dependency bits.
 */
function supportFilter(leafNodes: (TapeNode | null)[], ts: (Tensor | null)[][], trace: ForwardTrace): CotangentFilter {
  const masks = ts.map((tj) => tj.reduce((m, t, i) => (t && leafNodes[i] ? m | leafNodes[i]!.deps : m), 0n));
  return (node) => {
    const keep = (j: number) => (node.deps & masks[j]) !== 0n;
    return { key: masks.map((_, j) => (keep(j) ? '1' : '0')).join(''), restrict: (x) => trace.restrict(x, keep) };
  };
}

/** H·v, the Hessian of the scalar `f` at `params` times `v` (forward-over-reverse). */
export function hvp<P extends Tree>(f: (params: P) => Tensor, params: P, v: PartialTree<P>, opts: HvpOptions = {}): P {
  return hvpMulti(f, params, [v], opts)[0];
}
