/**
 * The two transformations' traces.
 *
 * JvpTrace (forward mode) carries k tangents beside each primal: one primal
 * computation serves k directions, and a tangent that is still zero (null)
 * costs nothing — which is what makes block HVPs cheap.
 *
 * TapeTrace (reverse mode) records each primitive applied to a tracked value
 * on a tape, then walks the tape backwards applying VJP rules. The backward
 * pass runs after the trace is popped, on lower-level values, so outer
 * transformations see and differentiate it.
 */
import type { Op } from '../tensor/primitives.js';
import { broadcastTo, sumTo } from '../tensor/ops.js';
import { sameShape } from '../tensor/shapes.js';
import { Tensor, release, retain } from '../tensor/tensor.js';
import { type Trace, bind } from '../tensor/bind.js';
import { JvpBox, TapeBox, type TapeNode } from './boxes.js';
import { rules } from './rules.js';

type AnyJvp = (x: Tensor[], y: Tensor, op: Op) => (dx: (Tensor | null)[]) => Tensor | null;
type AnyVjp = (g: Tensor, x: Tensor[], y: Tensor, op: Op, need: boolean[]) => (Tensor | null)[];

/** A forward-mode trace with k tangent directions (one tensor per direction here, stacked in stacked.ts). */
export interface ForwardTrace extends Trace {
  readonly k: number;
  /** A tracer carrying `tangents` (k entries, null = zero); a bare value when all are zero. */
  box(primal: Tensor, tangents: (Tensor | null)[]): Tensor;
  primalOf(x: Tensor): Tensor;
  /** Direction j's tangent of x (null = zero). */
  tangentOf(x: Tensor, j: number): Tensor | null;
  /** x with the tangents of the directions `keep` rejects dropped (set to zero). */
  restrict(x: Tensor, keep: (j: number) => boolean): Tensor;
}

export class JvpTrace implements ForwardTrace {
  constructor(readonly level: number, readonly k: number) {}

  /** A tracer carrying `tangents` (k entries, null = zero); a bare value when all are zero. */
  box(primal: Tensor, tangents: (Tensor | null)[]): Tensor {
    if (tangents.every((t) => t === null)) return primal;
    return new Tensor(primal.shape, primal.dtype, new JvpBox(this.level, primal, tangents));
  }

  primalOf(x: Tensor): Tensor {
    return x.level === this.level ? (x.impl as JvpBox).primal : x;
  }

  tangentOf(x: Tensor, j: number): Tensor | null {
    return x.level === this.level ? (x.impl as JvpBox).tangents[j] : null;
  }

  restrict(x: Tensor, keep: (j: number) => boolean): Tensor {
    if (x.level !== this.level) return x;
    const box = x.impl as JvpBox;
    const kept = box.tangents.map((t, j) => (t && keep(j) ? t : null));
    if (kept.every((t, j) => t === box.tangents[j])) return x;
    return this.box(box.primal, kept);
  }

  process(op: Op, inputs: Tensor[]): Tensor {
    const primals = inputs.map((x) => this.primalOf(x));
    const y = bind(op, primals);
    let linear: ((dx: (Tensor | null)[]) => Tensor | null) | null = null;
    let tangents: (Tensor | null)[] | null = null;
    for (let j = 0; j < this.k; j++) {
      const dx = inputs.map((x) => this.tangentOf(x, j));
      if (dx.every((t) => t === null)) continue; // zero in, zero out: no work for this direction
      // Linearize at the point once, on the first direction that needs it.
      linear ??= (rules[op.op].jvp as AnyJvp)(primals, y, op);
      let t = linear(dx);
      if (!t) continue;
      if (!sameShape(t.shape, y.shape)) t = broadcastTo(t, y.shape);
      tangents ??= new Array<Tensor | null>(this.k).fill(null);
      tangents[j] = t;
    }
    return tangents ? this.box(y, tangents) : y;
  }
}

/**
 * Which tangent directions of an outer forward trace can matter at a tape
 * node (blockDiagonal HVPs): `key` names that set, and `restrict` drops every
 * other direction from a value. The backward pass computes a node's cotangent
 * from its inputs restricted this way, so a dropped direction costs nothing
 * there (it used to be computed, then dropped).
 */
export type CotangentFilter = (node: TapeNode) => { key: string; restrict: (x: Tensor) => Tensor };

export class TapeTrace implements Trace {
  private readonly nodes: TapeNode[] = [];
  private leaves = 0;
  constructor(readonly level: number) {}

  /** Start tracking `x` as a variable to differentiate with respect to. */
  leaf(x: Tensor): Tensor {
    const deps = 1n << BigInt(this.leaves++);
    const node: TapeNode = { op: null, inputs: [], out: null, parents: [], index: this.nodes.length, deps };
    this.nodes.push(node);
    return new Tensor(x.shape, x.dtype, new TapeBox(this.level, x, node));
  }

  valueOf(x: Tensor): Tensor {
    return x.level === this.level ? (x.impl as TapeBox).primal : x;
  }

  nodeOf(x: Tensor): TapeNode | null {
    return x.level === this.level ? (x.impl as TapeBox).node : null;
  }

  process(op: Op, inputs: Tensor[]): Tensor {
    const values = inputs.map((x) => this.valueOf(x));
    const y = bind(op, values);
    const parents = inputs.map((x) => this.nodeOf(x));
    if (parents.every((p) => p === null)) return y; // does not depend on a tracked variable
    let deps = 0n;
    for (const p of parents) if (p) deps |= p.deps;
    const node: TapeNode = { op, inputs: values, out: y, parents, index: this.nodes.length, deps };
    this.nodes.push(node);
    // The tape outlives inner scopes (grad of grad): hold our own references.
    for (const v of values) retain(v);
    retain(y);
    return new Tensor(y.shape, y.dtype, new TapeBox(this.level, y, node));
  }

  /** Cotangents of `leaves` given the cotangent `seed` of `out` (null where out does not depend on a leaf). */
  backward(out: Tensor, seed: Tensor, leaves: (TapeNode | null)[], filter?: CotangentFilter): (Tensor | null)[] {
    const outNode = this.nodeOf(out);
    if (!outNode) return leaves.map(() => null);
    const ct = new Map<TapeNode, Tensor>([[outNode, seed]]);
    for (let i = outNode.index; i >= 0; i--) {
      const node = this.nodes[i];
      const g = ct.get(node);
      if (!g || !node.op) continue;
      ct.delete(node);
      const vjp = rules[node.op.op].vjp as AnyVjp;
      // Parents that keep the same directions share one call of the rule, on restricted values.
      for (const { ks, restrict } of parentGroups(node.parents, filter)) {
        const need = node.parents.map((_, k) => ks.includes(k));
        const cts = restrict
          ? vjp(restrict(g), node.inputs.map(restrict), restrict(node.out!), node.op, need)
          : vjp(g, node.inputs, node.out!, node.op, need);
        for (const k of ks) {
          const p = node.parents[k]!;
          let c = cts[k];
          if (!c) continue;
          if (!sameShape(c.shape, node.inputs[k].shape)) c = sumTo(c, node.inputs[k].shape);
          const prev = ct.get(p);
          ct.set(p, prev ? bind({ op: 'add' }, [prev, c]) : c);
        }
      }
    }
    return leaves.map((l) => (l ? ct.get(l) ?? null : null));
  }

  /** Drop the tape's references; call once the backward passes are done. */
  dispose(): void {
    for (const n of this.nodes) {
      for (const v of n.inputs) release(v);
      if (n.out) release(n.out);
    }
    this.nodes.length = 0;
  }
}

/** The positions of a node's tracked parents, grouped by the directions the filter keeps at each (one group without a filter). */
function parentGroups(parents: (TapeNode | null)[], filter?: CotangentFilter): { ks: number[]; restrict?: (x: Tensor) => Tensor }[] {
  const tracked = parents.flatMap((p, k) => (p ? [k] : []));
  if (!filter) return [{ ks: tracked }];
  const groups = new Map<string, { ks: number[]; restrict: (x: Tensor) => Tensor }>();
  for (const k of tracked) {
    const { key, restrict } = filter(parents[k]!);
    const g = groups.get(key);
    if (g) g.ks.push(k);
    else groups.set(key, { ks: [k], restrict });
  }
  return [...groups.values()];
}
