/**
 * `bind` applies one primitive to tensors that may be tracers of nested
 * transformations. Each active transformation owns a *level* on a stack; an
 * op is handed to the trace of the highest level among its inputs, which
 * does its own work and calls `bind` again on lower-level values. At the
 * bottom (level −1) the backend runs the op. Levels keep nested
 * transformations — `jvp` of `grad`, `grad` of `grad` — from confusing each
 * other's tracers.
 */
import type { Op } from './primitives.js';
import { outputSpec, fmt } from './shapes.js';
import { type Concrete, Tensor, liveImpl } from './tensor.js';

export interface Trace {
  readonly level: number;
  process(op: Op, inputs: Tensor[]): Tensor;
}

const stack: Trace[] = [];

/** Push a new trace built for the next free level; pop it with `popTrace`. */
export function pushTrace<T extends Trace>(make: (level: number) => T): T {
  const t = make(stack.length);
  stack.push(t);
  return t;
}

export function popTrace(t: Trace): void {
  if (stack[stack.length - 1] !== t) throw new Error('internal: trace stack out of order');
  stack.pop();
}

/** Apply a primitive. */
export function bind(op: Op, inputs: Tensor[]): Tensor {
  let top = -1;
  for (const x of inputs) if (x.level > top) top = x.level;
  if (top < 0) return evalConcrete(op, inputs);
  const trace = stack[top];
  if (!trace) {
    throw new Error(`${op.op}: got a tracer from a transformation that has already finished (a value leaked out of grad/jvp?)`);
  }
  return trace.process(op, inputs);
}

/** Run a primitive on concrete tensors. */
function evalConcrete(op: Op, inputs: Tensor[]): Tensor {
  const spec = outputSpec(op, inputs.map((x) => x.shape), inputs.map((x) => x.dtype));
  const impls = inputs.map(liveImpl);
  const backend = impls[0].backend;
  for (let i = 1; i < impls.length; i++) {
    if (impls[i].backend !== backend) {
      throw new Error(`${op.op}: operands live on different backends (${backend.name} and ${impls[i].backend.name}) — shapes ${inputs.map((x) => fmt(x.shape)).join(', ')}`);
    }
  }
  const storage = backend.run(op, inputs.map((x, i) => ({ storage: impls[i].storage, shape: x.shape, dtype: x.dtype })), spec);
  const impl: Concrete = { kind: 'concrete', storage, backend, refs: 1 };
  return new Tensor(spec.shape, spec.dtype, impl);
}
