/**
 * Forward mode with the k tangents stacked: a tracer carries its primal, the
 * directions whose tangent may be nonzero (`dirs`, ascending) and one tensor
 * (m, …shape) holding those m tangents. Each op then runs its JVP once over
 * the stack (rules-stacked.ts) instead of once per direction, while a
 * direction that is still zero is absent and costs nothing — what keeps
 * block HVPs cheap. Inputs with different directions go through the rule in
 * groups, and each group's rows are placed into the union of directions.
 */
import { fromArray } from '../tensor/create.js';
import { add, broadcastTo, concat, gather, pad, reshape, scatterAdd, slice } from '../tensor/ops.js';
import { BINARY, type Op, UNARY } from '../tensor/primitives.js';
import { type Shape, sameShape } from '../tensor/shapes.js';
import { type Tracer, Tensor } from '../tensor/tensor.js';
import { bind } from '../tensor/bind.js';
import { rules } from './rules.js';
import { liftStack, stackedRules } from './rules-stacked.js';
import type { ForwardTrace } from './traces.js';

/** Elementwise primitives, whose rules may see their operands flattened. */
const FLAT = new Set<string>([...UNARY, ...BINARY, 'where', 'cast']);

type Linear = (dx: (Tensor | null)[]) => Tensor | null;
type AnyRule = (x: Tensor[], y: Tensor, op: Op) => Linear;

/** A primal with the stacked tangents (m, …shape) of directions `dirs`, at one trace level. */
export class StackBox implements Tracer {
  readonly kind = 'tracer';
  readonly label = 'jvp';
  constructor(readonly level: number, readonly primal: Tensor, readonly dirs: readonly number[], readonly stack: Tensor) {}
  forEachHeld(f: (t: Tensor) => void): void {
    f(this.primal);
    f(this.stack);
  }
}

export class StackedJvpTrace implements ForwardTrace {
  constructor(readonly level: number, readonly k: number) {}

  box(primal: Tensor, tangents: (Tensor | null)[]): Tensor {
    const dirs = tangents.flatMap((t, j) => (t ? [j] : []));
    if (dirs.length === 0) return primal;
    return this.wrap(primal, dirs, stackRows(dirs.map((j) => tangents[j]!)));
  }

  primalOf(x: Tensor): Tensor {
    return x.level === this.level ? (x.impl as StackBox).primal : x;
  }

  tangentOf(x: Tensor, j: number): Tensor | null {
    const b = this.boxOf(x);
    const p = b ? b.dirs.indexOf(j) : -1;
    if (!b || p < 0) return null;
    return reshape(slice(b.stack, [p], [p + 1]), x.shape);
  }

  restrict(x: Tensor, keep: (j: number) => boolean): Tensor {
    const b = this.boxOf(x);
    if (!b) return x;
    const pos = b.dirs.flatMap((j, p) => (keep(j) ? [p] : []));
    if (pos.length === b.dirs.length) return x;
    if (pos.length === 0) return b.primal;
    return this.wrap(b.primal, pos.map((p) => b.dirs[p]), selectRows(b.stack, pos));
  }

  process(op: Op, inputs: Tensor[]): Tensor {
    const primals = inputs.map((x) => this.primalOf(x));
    const y = bind(op, primals);
    const boxes = inputs.map((x) => this.boxOf(x));
    if (boxes.every((b) => b === null)) return y;
    const entry = stackedRules[op.op];
    const lift = entry === 'lift';
    // An elementwise op on same-shaped operands sees them flat, (m, N) against (N,):
    // the CPU kernel then streams whole rows instead of one short row per last axis.
    const flat = FLAT.has(op.op) && y.rank > 1 && primals.every((p) => p.size === 1 || sameShape(p.shape, y.shape));
    const viewShape = (p: Tensor): Shape => (!flat ? p.shape : sameShape(p.shape, y.shape) ? [y.size] : []);
    const xs = flat ? primals.map((p) => reshape(p, viewShape(p))) : primals;
    const yv = flat ? reshape(y, [y.size]) : y;
    // Linearize at the point once, whatever the number of groups.
    const linear = lift ? (rules[op.op].jvp as AnyRule)(xs, yv, op) : (entry as AnyRule)(xs, yv, op);
    const parts: { dirs: readonly number[]; t: Tensor }[] = [];
    for (const members of groupByDirs(boxes)) {
      const dirs = boxes[members[0]]!.dirs;
      const m = dirs.length;
      const dx = boxes.map((b, i) => {
        if (!b || !members.includes(i)) return null;
        return lift ? liftStack(reshape(b.stack, [m, ...viewShape(primals[i])]), yv.rank) : b.stack;
      });
      const t = linear(dx);
      if (t) parts.push({ dirs, t: reshape(broadcastTo(liftStack(t, yv.rank), [m, ...yv.shape]), [m, ...y.shape]) }); // (m_g, …y)
    }
    if (parts.length === 0) return y;
    const dirs = [...new Set(parts.flatMap((p) => p.dirs))].sort((a, b) => a - b);
    let stack: Tensor | null = null;
    for (const p of parts) {
      const placed = placeRows(p.t, p.dirs.map((j) => dirs.indexOf(j)), dirs.length); // (m, …y)
      stack = stack ? add(stack, placed) : placed;
    }
    return this.wrap(y, dirs, stack!);
  }

  private boxOf(x: Tensor): StackBox | null {
    return x.level === this.level ? (x.impl as StackBox) : null;
  }

  private wrap(primal: Tensor, dirs: readonly number[], stack: Tensor): Tensor {
    return new Tensor(primal.shape, primal.dtype, new StackBox(this.level, primal, dirs, stack));
  }
}

/** Positions of the boxed inputs, grouped by identical direction lists. */
function groupByDirs(boxes: (StackBox | null)[]): number[][] {
  const groups = new Map<string, number[]>();
  boxes.forEach((b, i) => {
    if (!b) return;
    const key = b.dirs.join(',');
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  return [...groups.values()];
}

/** Tangents of one shape → (m, …shape), halving so the pads and adds of concat cost m·log m, not m². */
function stackRows(ts: Tensor[]): Tensor {
  if (ts.length === 1) return reshape(ts[0], [1, ...ts[0].shape]);
  const h = ts.length >> 1;
  return concat([stackRows(ts.slice(0, h)), stackRows(ts.slice(h))], 0);
}

const contiguous = (pos: number[]): boolean => pos.every((p, i) => p === pos[0] + i);
const indexOf = (pos: number[], like: Tensor): Tensor =>
  fromArray(Int32Array.from(pos), [pos.length], 'int32', like.backend);

/** Rows `pos` of a stack (m, …) → (pos.length, …). */
function selectRows(stack: Tensor, pos: number[]): Tensor {
  if (!contiguous(pos)) return gather(stack, indexOf(pos, stack));
  return slice(stack, [pos[0]], [pos[0] + pos.length]);
}

/** A stack (m_g, …) as rows `pos` of an (n, …) stack that is zero elsewhere. */
function placeRows(t: Tensor, pos: number[], n: number): Tensor {
  if (!contiguous(pos)) return scatterAdd(t, indexOf(pos, t), n);
  const zeros = t.shape.slice(1).map(() => 0);
  return pad(t, [pos[0], ...zeros], [n - pos[0] - pos.length, ...zeros]);
}
