/**
 * SGD with (heavy-ball or Nesterov) momentum and L2 weight decay, as PyTorch's
 * `torch.optim.SGD` with dampening 0:
 *   g ← g + wd·p;  b ← μ·b + g;  d = nesterov ? g + μ·b : b;  p ← p − lr·d.
 */
import * as hg from '../tensor/index.js';
import { type DecayMask, type Optimizer, type Params, allParams, checkGrads, mapParams, stepScalars, zerosLike } from './types.js';

export interface SgdOptions {
  /** Default 0.9 (the paper's SGD baseline). 0 disables the momentum buffer. */
  momentum?: number;
  nesterov?: boolean;
  /** L2 penalty added to the gradient (coupled decay). Default 0. */
  weightDecay?: number;
  decayMask?: DecayMask;
}

export interface SgdState {
  t: number;
  /** Momentum buffers, or null with momentum 0. */
  buf: Params | null;
}

export function sgd(opts: SgdOptions = {}): Optimizer<SgdState> {
  const mu = opts.momentum ?? 0.9;
  const wd = opts.weightDecay ?? 0;
  const mask = opts.decayMask ?? allParams;
  if (!(mu >= 0 && mu < 1)) throw new Error(`sgd: momentum ${mu} must be in [0, 1)`);
  if (opts.nesterov && mu === 0) throw new Error('sgd: Nesterov needs momentum > 0');
  if (!(wd >= 0)) throw new Error(`sgd: weight decay ${wd} must be ≥ 0`);
  return {
    name: opts.nesterov ? 'sgd-nesterov' : 'sgd',
    init: (params) => hg.keep({ t: 0, buf: mu > 0 ? zerosLike(params) : null }),
    step(params, grads, state, lr) {
      checkGrads('sgd', params, grads);
      return hg.keep(hg.tidy(() => {
        const scalars = stepScalars([lr]);
        const newBuf: Params = {};
        const next = mapParams(params, (k, p) => {
          const g = wd > 0 && mask(k, p) ? hg.add(grads[k], hg.mul(p, wd)) : grads[k];
          let d = g;
          if (state.buf) {
            const b = hg.add(hg.mul(state.buf[k], mu), g); // b ← μ·b + g
            newBuf[k] = b;
            d = opts.nesterov ? hg.add(g, hg.mul(b, mu)) : b;
          }
          return hg.sub(p, hg.mul(d, scalars(p)[0]));
        });
        return { params: next, state: { t: state.t + 1, buf: state.buf ? newBuf : null } };
      }));
    },
  };
}
