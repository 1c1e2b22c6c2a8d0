/**
 * SGD with one learning rate per Hessian block: the "Adam-like per-block
 * scaling" of the paper's quadratic theory, with the scale chosen by the
 * caller rather than adapted. Block b (a parameter tensor, or a row range of
 * one, as BlockSpec) steps with lr_b = lr·scale_b, PyTorch param-group style:
 *   g ← g + wd·p;  buf ← μ·buf + g;  d = nesterov ? g + μ·buf : buf;  p ← p − lr_b·d.
 * The momentum buffer is unscaled, so with every scale 1 this is sgd() exactly
 * (same operations, same rounding).
 */
import type { BlockSpec } from '../hessian/index.js';
import { type Tensor, full, fromArray, keep, tidy, add, mul, sub } from '../tensor/index.js';
import type { SgdOptions, SgdState } from './sgd.js';
import { type Optimizer, type Params, allParams, checkGrads, zerosLike } from './types.js';

export interface SgdBlockwiseOptions extends SgdOptions {
  /**
   * Learning-rate multiplier per name: a block name from `blocks`, or else a
   * parameter name (the whole tensor). Must be finite and > 0.
   */
  blockScale: Record<string, number>;
  /** Blocks that give names to parameters or row ranges of them (e.g. Q, K, V of a fused qkv weight). */
  blocks?: BlockSpec[];
  /** Multiplier of parameters, and rows, that no named block covers. Default 1. */
  defaultScale?: number;
}

/** Per parameter: one multiplier, or one per row (dim 0). */
type Scales = Record<string, number | Float64Array>;

const checkScale = (who: string, name: string, s: number): void => {
  if (!(Number.isFinite(s) && s > 0)) throw new Error(`${who}: scale of '${name}' is ${s}; it must be finite and > 0`);
};

/** Resolves named scales to per-parameter (or per-row) multipliers, rejecting unknown names and overlapping rows. */
function resolveScales(who: string, params: Params, opts: SgdBlockwiseOptions): Scales {
  const def = opts.defaultScale ?? 1;
  checkScale(who, 'defaultScale', def);
  const byName = new Map((opts.blocks ?? []).map((b) => [b.name, b]));
  const rowsSet = new Map<string, Uint8Array>();
  const out: Scales = {};
  for (const [name, s] of Object.entries(opts.blockScale)) {
    checkScale(who, name, s);
    const b = byName.get(name) ?? { name, param: name };
    const p = params[b.param];
    if (!p) {
      throw new Error(`${who}: '${name}' is neither a block in opts.blocks nor a parameter (parameters: ${Object.keys(params).join(', ')})`);
    }
    const n = p.rank === 0 ? 1 : p.shape[0];
    const [r0, r1] = b.rows ?? [0, n];
    if (b.rows && !(p.rank > 0 && Number.isInteger(r0) && Number.isInteger(r1) && r0 >= 0 && r0 < r1 && r1 <= n)) {
      throw new Error(`${who}: block '${name}' rows [${r0}, ${r1}) out of range for '${b.param}' with shape [${p.shape}]`);
    }
    let rows = out[b.param];
    if (rows === undefined) rows = out[b.param] = new Float64Array(n).fill(def);
    const seen = rowsSet.get(b.param) ?? new Uint8Array(n);
    rowsSet.set(b.param, seen);
    for (let i = r0; i < r1; i++) {
      if (seen[i]) throw new Error(`${who}: block '${name}' overlaps another scaled block on row ${i} of '${b.param}'`);
      seen[i] = 1;
      (rows as Float64Array)[i] = s;
    }
  }
  for (const k of Object.keys(params)) {
    const rows = out[k];
    if (rows === undefined) out[k] = def;
    else if (typeof rows !== 'number' && rows.every((x) => x === rows[0])) out[k] = rows[0]; // one scale: a scalar multiplier
  }
  return out;
}

/** lr·scale as a tensor broadcastable against `p`: a scalar, or (rows, 1, …, 1). */
function rateTensor(p: Tensor, lr: number, scale: number | Float64Array): Tensor {
  if (typeof scale === 'number') return full([], lr * scale, p.dtype);
  const r = Float64Array.from(scale, (s) => lr * s);
  return fromArray(p.dtype === 'float64' ? r : Float32Array.from(r), [p.shape[0], ...p.shape.slice(1).map(() => 1)], p.dtype);
}

/** SGD with momentum and a learning-rate multiplier per block (see the file header). */
export function sgdBlockwise(opts: SgdBlockwiseOptions): Optimizer<SgdState> {
  const who = 'sgdBlockwise';
  const mu = opts.momentum ?? 0.9;
  const wd = opts.weightDecay ?? 0;
  const mask = opts.decayMask ?? allParams;
  if (!opts.blockScale) throw new Error(`${who}: blockScale is required (name → learning-rate multiplier)`);
  if (!(mu >= 0 && mu < 1)) throw new Error(`${who}: momentum ${mu} must be in [0, 1)`);
  if (opts.nesterov && mu === 0) throw new Error(`${who}: Nesterov needs momentum > 0`);
  if (!(wd >= 0)) throw new Error(`${who}: weight decay ${wd} must be ≥ 0`);
  return {
    name: opts.nesterov ? 'sgd-blockwise-nesterov' : 'sgd-blockwise',
    init(params) {
      resolveScales(who, params, opts); // bad names fail here, before any training
      return keep({ t: 0, buf: mu > 0 ? zerosLike(params) : null });
    },
    step(params, grads, state, lr) {
      checkGrads(who, params, grads);
      const scales = resolveScales(who, params, opts);
      return keep(tidy(() => {
        const buf: Params = {};
        const next: Params = {};
        for (const [k, p] of Object.entries(params)) {
          const g = wd > 0 && mask(k, p) ? add(grads[k], mul(p, wd)) : grads[k];
          let d = g;
          if (state.buf) {
            buf[k] = add(mul(state.buf[k], mu), g); // buf ← μ·buf + g
            d = opts.nesterov ? add(g, mul(buf[k], mu)) : buf[k];
          }
          next[k] = sub(p, mul(d, rateTensor(p, lr, scales[k])));
        }
        return { params: next, state: { t: state.t + 1, buf: state.buf ? buf : null } };
      }));
    },
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : 0.5 * (s[h - 1] + s[h]);
};

/**
 * Per-block scales 1/λmax(H_bb), normalized so a block at the median λmax has
 * scale 1: scale_b = median(λ)/λ_b. The result is a `blockScale` record for
 * {@link sgdBlockwise}: one entry per block of `lmax`, plus scale 1 for every
 * parameter no block touches (biases, norms), i.e. the rate of a median block:
 * they are not measured, and the median is the one rate the tuned `lr` was
 * chosen for. Rows of a partly covered parameter that no block covers take
 * sgdBlockwise's `defaultScale` (1 by default). `blocks` maps block names to
 * parameters; without it every name of `lmax` must be a parameter name.
 * λmax must be finite and > 0: a block with no positive curvature has no 1/λ.
 */
export function blockScalesFromLambdaMax(lmax: Record<string, number>, params: Params, blocks?: BlockSpec[]): Record<string, number> {
  const who = 'blockScalesFromLambdaMax';
  const names = Object.keys(lmax);
  if (names.length === 0) throw new Error(`${who}: no blocks given`);
  const byName = new Map((blocks ?? []).map((b) => [b.name, b]));
  const covered = new Set<string>();
  for (const n of names) {
    const l = lmax[n];
    if (!(Number.isFinite(l) && l > 0)) throw new Error(`${who}: λmax of block '${n}' is ${l}; 1/λmax needs a finite λmax > 0`);
    const param = byName.get(n)?.param ?? n;
    if (!params[param]) throw new Error(`${who}: '${n}' is neither a given block nor a parameter`);
    covered.add(param);
  }
  const mid = median(names.map((n) => lmax[n]));
  const out: Record<string, number> = Object.fromEntries(names.map((n) => [n, mid / lmax[n]]));
  for (const k of Object.keys(params)) if (!covered.has(k) && !(k in out)) out[k] = 1;
  return out;
}
