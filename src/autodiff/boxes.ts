/**
 * The tracers of autodiff's two transformations, behind the core's small
 * `Tracer` interface (src/tensor/tensor.ts): the core sees a level, a primal
 * and the tensors held; only the traces here look inside.
 */
import type { Op } from '../tensor/primitives.js';
import { type Tracer, Tensor } from '../tensor/tensor.js';

/** Forward mode: a primal and k tangents (null = known zero), at one trace level. */
export class JvpBox implements Tracer {
  readonly kind = 'tracer';
  readonly label = 'jvp';
  constructor(readonly level: number, readonly primal: Tensor, readonly tangents: (Tensor | null)[]) {}
  forEachHeld(f: (t: Tensor) => void): void {
    f(this.primal);
    for (const t of this.tangents) if (t) f(t);
  }
}

/** One recorded primitive application (or a leaf, when `op` is null). */
export interface TapeNode {
  readonly op: Op | null;
  readonly inputs: Tensor[];
  readonly out: Tensor | null;
  readonly parents: (TapeNode | null)[];
  readonly index: number;
  /** Bit i set when this value depends on the i-th tracked variable of its tape. */
  readonly deps: bigint;
}

/** Reverse mode: a value and its node on the tape. */
export class TapeBox implements Tracer {
  readonly kind = 'tracer';
  readonly label = 'tape';
  constructor(readonly level: number, readonly primal: Tensor, readonly node: TapeNode) {}
  forEachHeld(f: (t: Tensor) => void): void {
    f(this.primal);
  }
}
