/**
 * The Tensor value. A tensor is either *concrete* (it owns storage on a
 * backend) or a *tracer* that a transformation (forward mode, reverse mode)
 * wraps around a lower-level tensor while it runs. Users only ever hold
 * concrete tensors outside `grad`/`jvp`/…; inside, the same code sees tracers.
 *
 * Lifetime is deterministic: every concrete tensor is owned by the innermost
 * open `tidy` scope and freed when that scope ends, unless it is returned from
 * the scope or `keep`-ed. Reverse-mode tapes hold an extra reference to what
 * they saved (`retain`/`release`), so nested scopes never free a value a tape
 * still needs.
 */
import type { Backend, Storage } from './backend.js';
import type { AnyTypedArray, DType } from './dtype.js';
import { type Shape, fmt, sizeOf } from './shapes.js';

export interface Concrete { kind: 'concrete'; storage: Storage; backend: Backend; refs: number }

/**
 * A tracer: the value of a transformation in flight (`jvp`, `grad`, …) at one
 * trace level. The core needs only its level, the value one level down, and
 * the tensors it holds (for lifetime); autodiff owns the concrete kinds
 * (src/autodiff/boxes.ts).
 */
export interface Tracer {
  readonly kind: 'tracer';
  /** Trace level of the transformation that owns this tracer (see bind.ts). */
  readonly level: number;
  /** The value one level down. */
  readonly primal: Tensor;
  /** Short name for messages, e.g. 'jvp' or 'tape'. */
  readonly label: string;
  /** Calls `f` on every tensor this tracer holds (its primal included). */
  forEachHeld(f: (t: Tensor) => void): void;
}
export type Impl = Concrete | Tracer;

let liveTensors = 0;
const scopes: Set<Tensor>[] = [];

/** Extremes of an int32 tensor made from host data, so index checks need no read-back from a GPU. */
export interface IndexRange { min: number; minAt: number; max: number; maxAt: number }

export class Tensor {
  /** @internal */ impl: Impl;
  readonly shape: Shape;
  readonly dtype: DType;
  /** @internal Set for int32 tensors uploaded from the host (see `fromArray`). */
  indexRange?: IndexRange;

  /** @internal Use the creation functions (`tensor`, `zeros`, …) instead. */
  constructor(shape: Shape, dtype: DType, impl: Impl) {
    this.shape = shape;
    this.dtype = dtype;
    this.impl = impl;
    if (impl.kind === 'concrete') {
      liveTensors++;
      scopes[scopes.length - 1]?.add(this);
    }
  }

  get rank(): number { return this.shape.length; }
  get size(): number { return sizeOf(this.shape); }
  /** -1 for concrete tensors, else the trace level of the transformation that owns this tracer. */
  get level(): number { return this.impl.kind === 'concrete' ? -1 : this.impl.level; }
  get isDisposed(): boolean { return this.impl.kind === 'concrete' && this.impl.refs <= 0; }

  /** The concrete tensor under all tracers (its primal value). */
  concrete(): Tensor {
    let t: Tensor = this;
    while (t.impl.kind !== 'concrete') t = t.impl.primal;
    return t;
  }

  /** The backend this tensor's values live on. */
  get backend(): Backend {
    return (this.concrete().impl as Concrete).backend;
  }

  /** Copy the values to the host (waits for queued GPU work). */
  async data(): Promise<AnyTypedArray> {
    const c = this.concrete();
    const impl = liveImpl(c);
    return impl.backend.read(impl.storage, c.dtype, c.size);
  }

  /** Synchronous copy to the host, on backends that allow it (the CPU backend). */
  dataSync(): AnyTypedArray {
    const c = this.concrete();
    const impl = liveImpl(c);
    if (!impl.backend.readSync) {
      throw new Error(`dataSync: the ${impl.backend.name} backend reads asynchronously; use await t.data()`);
    }
    return impl.backend.readSync(impl.storage, c.dtype, c.size);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    this.checkScalar();
    return this.dataSync()[0];
  }

  async itemAsync(): Promise<number> {
    this.checkScalar();
    return (await this.data())[0];
  }

  private checkScalar(): void {
    if (this.size !== 1) throw new Error(`item: tensor of shape ${fmt(this.shape)} has ${this.size} elements, not 1`);
  }

  toString(): string {
    return `Tensor${fmt(this.shape)} ${this.dtype}${this.impl.kind === 'concrete' ? '' : ` (${this.impl.label} tracer)`}`;
  }
}

/** The concrete impl of a live tensor, or a clear error if it was freed. */
export function liveImpl(t: Tensor): Concrete {
  const impl = t.impl as Concrete;
  if (impl.refs <= 0) {
    throw new Error(`use of a disposed tensor ${fmt(t.shape)}: it was freed when its tidy() scope ended; return it from the scope or keep() it`);
  }
  return impl;
}

/** Add a reference to every concrete tensor under `t` (tracers included). */
export function retain(t: Tensor): void {
  forEachConcrete(t, (c) => { (c.impl as Concrete).refs++; });
}

/** Drop a reference; storage is freed when the last one goes. */
export function release(t: Tensor): void {
  forEachConcrete(t, (c) => {
    const impl = c.impl as Concrete;
    if (impl.refs <= 0) return;
    if (--impl.refs === 0) {
      liveTensors--;
      impl.backend.free(impl.storage);
    }
  });
}

/** Call `f` on each concrete tensor reachable from `t` through tracers. */
export function forEachConcrete(t: Tensor, f: (c: Tensor) => void): void {
  const impl = t.impl;
  if (impl.kind === 'concrete') f(t);
  else impl.forEachHeld((h) => forEachConcrete(h, f));
}

/** Remove the concrete tensors under `t` from whichever open scope owns them. */
function unscope(t: Tensor): void {
  forEachConcrete(t, (c) => { for (const s of scopes) s.delete(c); });
}

/** Free a tensor now (idempotent). */
export function dispose(t: Tensor | Tensor[]): void {
  for (const x of Array.isArray(t) ? t : [t]) {
    unscope(x);
    release(x);
  }
}

/** Take tensors out of scope management: they live until `dispose`. Returns its argument. */
export function keep<T>(value: T): T {
  visitTensors(value, unscope);
  return value;
}

/** Walk nested arrays/records (a pytree) and visit each Tensor. */
export function visitTensors(value: unknown, f: (t: Tensor) => void): void {
  if (value instanceof Tensor) f(value);
  else if (Array.isArray(value)) for (const v of value) visitTensors(v, f);
  else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) visitTensors(v, f);
  }
}

/**
 * Run `fn` in a scope: every tensor created inside is freed when it returns,
 * except those reachable from its result, which move to the enclosing scope.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    for (const t of scope) release(t);
    throw e;
  }
  if (result instanceof Promise) throw new Error('tidy: the function must be synchronous (got a Promise)');
  scopes.pop();
  const kept = new Set<Tensor>();
  visitTensors(result, (t) => forEachConcrete(t, (c) => kept.add(c)));
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (kept.has(t)) parent?.add(t);
    else release(t);
  }
  return result;
}

/** Number of live concrete tensors (for leak tests: it must stay flat across steps). */
export function liveTensorCount(): number {
  return liveTensors;
}

/** Named parameter tensors, PyTorch-style names (`blocks.0.attn.qkv.weight`): what models, optimizers and the Hessian tools share. */
export type Params = Record<string, Tensor>;
