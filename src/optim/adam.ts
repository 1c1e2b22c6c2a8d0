/**
 * Adam (Kingma & Ba) with bias correction, and AdamW (Loshchilov & Hutter):
 *   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  u = m̂ / (√v̂ + ε),  m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ)
 *   Adam:  g includes the L2 term wd·p, so decay is rescaled by 1/√v̂ like the loss gradient;
 *   AdamW: p ← p − lr·(u + wd·p), decay decoupled from the adaptive scaling (as torch.optim.AdamW).
 */
import * as hg from '../tensor/index.js';
import { type DecayMask, type Optimizer, type Params, allParams, checkGrads, mapParams, stepScalars, zerosLike } from './types.js';

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** Which parameters decay applies to (the GPT-2 setting decays matrices only: `matricesOnly`). */
  decayMask?: DecayMask;
}

export interface AdamState {
  t: number;
  m: Params;
  v: Params;
}

function make(kind: 'adam' | 'adamw', opts: AdamOptions): Optimizer<AdamState> {
  const b1 = opts.beta1 ?? 0.9;
  const b2 = opts.beta2 ?? 0.999;
  const eps = opts.eps ?? 1e-8;
  const wd = opts.weightDecay ?? (kind === 'adamw' ? 0.01 : 0);
  const mask = opts.decayMask ?? allParams;
  // β2 = 1 would leave v̂ = 0/0; the theory's "β2 = 1" (a preconditioner frozen at the first gradient) is its own method.
  if (!(b1 >= 0 && b1 < 1)) throw new Error(`${kind}: beta1 ${b1} must be in [0, 1)`);
  if (!(b2 >= 0 && b2 < 1)) throw new Error(`${kind}: beta2 ${b2} must be in [0, 1)`);
  if (!(eps > 0)) throw new Error(`${kind}: eps ${eps} must be > 0`);
  if (!(wd >= 0)) throw new Error(`${kind}: weight decay ${wd} must be ≥ 0`);
  return {
    name: kind,
    init: (params) => hg.keep({ t: 0, m: zerosLike(params), v: zerosLike(params) }),
    step(params, grads, state, lr) {
      checkGrads(kind, params, grads);
      const t = state.t + 1;
      return hg.keep(hg.tidy(() => {
        const scalars = stepScalars([lr, 1 - b1 ** t, 1 - b2 ** t]);
        const m: Params = {};
        const v: Params = {};
        const next = mapParams(params, (k, p) => {
          const decay = wd > 0 && mask(k, p);
          const g = decay && kind === 'adam' ? hg.add(grads[k], hg.mul(p, wd)) : grads[k];
          m[k] = hg.add(hg.mul(state.m[k], b1), hg.mul(g, 1 - b1));
          v[k] = hg.add(hg.mul(state.v[k], b2), hg.mul(hg.mul(g, g), 1 - b2));
          const [lrT, c1, c2] = scalars(p);
          const mHat = hg.div(m[k], c1);
          const vHat = hg.div(v[k], c2);
          let u = hg.div(mHat, hg.add(hg.sqrt(vHat), eps));
          if (decay && kind === 'adamw') u = hg.add(u, hg.mul(p, wd));
          return hg.sub(p, hg.mul(u, lrT));
        });
        return { params: next, state: { t, m, v } };
      }));
    },
  };
}

/** Adam; weight decay (default 0) is an L2 term added to the gradient. */
export const adam = (opts: AdamOptions = {}): Optimizer<AdamState> => make('adam', opts);
/** AdamW; weight decay (default 0.01, PyTorch's) is decoupled: p ← p − lr·wd·p beside the Adam step. */
export const adamw = (opts: AdamOptions = {}): Optimizer<AdamState> => make('adamw', opts);
