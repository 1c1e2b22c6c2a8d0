/**
 * The optimizer interface: functional state, parameter records in and out.
 *
 * Ownership: `step` never frees its inputs and returns *kept* tensors (outside
 * every tidy scope), so parameters and state survive any scope a training loop
 * runs in; the caller frees what it no longer needs — {@link update} does the
 * usual thing (free the old parameters, gradients and state).
 */
import * as hg from '../tensor/index.js';

export type { Params } from '../tensor/index.js';
import type { Params } from '../tensor/index.js';

export interface StepResult<S> {
  params: Params;
  state: S;
}

export interface Optimizer<S = unknown> {
  readonly name: string;
  /** Fresh state for these parameters (kept tensors). */
  init(params: Params): S;
  /** One update with learning rate `lr`; inputs are left alone, outputs are kept. */
  step(params: Params, grads: Params, state: S, lr: number): StepResult<S>;
}

/** Which parameters weight decay applies to (default: all). `matricesOnly` is the GPT-2 convention. */
export type DecayMask = (name: string, p: hg.Tensor) => boolean;
export const allParams: DecayMask = () => true;
export const matricesOnly: DecayMask = (_name, p) => p.rank >= 2;

/** Frees every tensor in a nested record/array (numbers and nulls are skipped). */
export function disposeTree(x: unknown): void {
  if (x instanceof hg.Tensor) hg.dispose(x);
  else if (Array.isArray(x)) x.forEach(disposeTree);
  else if (x && typeof x === 'object') Object.values(x).forEach(disposeTree);
}

/** `opt.step`, then frees the old parameters, gradients and state: the usual training-loop update. */
export function update<S>(opt: Optimizer<S>, params: Params, grads: Params, state: S, lr: number): StepResult<S> {
  const next = opt.step(params, grads, state, lr);
  disposeTree(params);
  disposeTree(grads);
  disposeTree(state);
  return next;
}

/** Checks grads has exactly the parameters' names and shapes. */
export function checkGrads(who: string, params: Params, grads: Params): void {
  for (const [k, p] of Object.entries(params)) {
    const g = grads[k];
    if (!g) throw new Error(`${who}: no gradient for parameter '${k}'`);
    if (g.shape.join() !== p.shape.join()) {
      throw new Error(`${who}: gradient of '${k}' has shape [${g.shape}] but the parameter has [${p.shape}]`);
    }
  }
  for (const k of Object.keys(grads)) if (!(k in params)) throw new Error(`${who}: gradient '${k}' matches no parameter`);
}

/**
 * Per-step scalars (learning rate, bias corrections) as fresh tensors owned by
 * the current scope, made once per dtype and shared by all parameters. Going
 * through `hg.scalar`'s cache instead would park a new cached tensor for every
 * distinct value, which reads as a leak. Call inside the step's tidy.
 */
export function stepScalars(values: number[]): (like: hg.Tensor) => hg.Tensor[] {
  const made = new Map<string, hg.Tensor[]>();
  return (like) => {
    let s = made.get(like.dtype);
    if (!s) made.set(like.dtype, (s = values.map((v) => hg.full([], v, like.dtype))));
    return s;
  };
}

/** Maps `f` over the parameter names, building a record. */
export function mapParams(params: Params, f: (name: string, p: hg.Tensor) => hg.Tensor): Params {
  return Object.fromEntries(Object.entries(params).map(([k, p]) => [k, f(k, p)]));
}

export function zerosLike(params: Params): Params {
  return mapParams(params, (_k, p) => hg.zeros(p.shape, p.dtype));
}
