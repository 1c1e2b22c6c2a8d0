/**
 * Randomized trace estimators for a symmetric operator given as a matvec.
 *
 * Hutchinson: tr(A) ≈ mean of vᵀAv over isotropic probes (E[vvᵀ] = I). Variance
 * 2‖A‖_F² − 2Σa_ii² per sample for Rademacher, 2‖A‖_F² for Gaussian.
 * Hutch++ (Meyer, Musco, Musco & Woodruff 2021): spend a third of the matvecs on a
 * sketch Q of A's range, take tr(QᵀAQ) exactly and run Hutchinson on the deflated
 * remainder (I−QQᵀ)A(I−QQᵀ). When A is close to low rank, the remainder's Frobenius
 * norm (hence the variance) is far smaller.
 */
import { applyChecked, type MatVec } from './lanczos.js';
import { deriveSeed } from '../util/rng.js';
import { probeVector, type ProbeKind } from './slq.js';
import { dot, norm, projectOut, scale } from './vec.js';

/** Options of the trace estimators. */
export interface TraceOptions {
  /** Total matvec budget. Hutchinson uses all of them as samples; Hutch++ splits them in thirds. Default 30. */
  matvecs?: number;
  /** Default 'rademacher' (lower variance than Gaussian for the same budget). */
  probe?: ProbeKind;
  seed?: number;
  /** Operator name for error messages. */
  label?: string;
}

/** A trace estimate with its standard error. */
export interface TraceEstimate {
  estimate: number;
  /** Sample standard deviation of the random part / √samples (Hutch++: conditional on the sketch). NaN with one sample. */
  stdError: number;
  /** Matvecs actually used. */
  matvecs: number;
  /** The random quadratic forms averaged (Hutch++: of the deflated part). */
  samples: number[];
}

function meanAndError(xs: number[]): { mean: number; stdError: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, stdError: NaN };
  const variance = xs.reduce((a, x) => a + (x - mean) * (x - mean), 0) / (n - 1);
  return { mean, stdError: Math.sqrt(variance / n) };
}

/** The options with defaults filled in; `ctx` names the estimator (and operator) in errors. */
function settings(opts: TraceOptions, min: number, name: string) {
  const m = opts.matvecs ?? 30;
  if (!Number.isInteger(m) || m < min) throw new Error(`${name}: matvecs must be an integer ≥ ${min}, got ${m}`);
  const ctx = `${name}${opts.label === undefined ? '' : ` [${opts.label}]`}`;
  return { m, kind: opts.probe ?? 'rademacher', seed: opts.seed ?? 0, ctx };
}

/** Hutchinson's estimator with `matvecs` independent probes. */
export async function hutchinson(matvec: MatVec, dim: number, opts: TraceOptions = {}): Promise<TraceEstimate> {
  const { m: n, kind, seed, ctx } = settings(opts, 1, 'hutchinson');
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = probeVector(kind, dim, deriveSeed(seed, i));
    samples.push(dot(v, await applyChecked(matvec, v, dim, `${ctx}: sample ${i + 1} of ${n}`)));
  }
  const { mean, stdError } = meanAndError(samples);
  return { estimate: mean, stdError, matvecs: n, samples };
}

/** Orthonormal basis of span(cols) by modified Gram–Schmidt, twice; drops numerically dependent columns. */
function orthonormalize(cols: Float64Array[]): Float64Array[] {
  const q: Float64Array[] = [];
  const big = Math.max(0, ...cols.map(norm));
  for (const c of cols) {
    const v = Float64Array.from(c);
    projectOut(q, v); // twice, as in lanczos: the second pass removes the first's rounding
    projectOut(q, v);
    const nv = norm(v);
    if (nv > 1e-12 * big) {
      scale(1 / nv, v);
      q.push(v);
    }
  }
  return q;
}

/** Hutch++ with a budget of `matvecs` (k = ⌊matvecs/3⌋ sketch, exact and deflated-probe matvecs each). */
export async function hutchPlusPlus(matvec: MatVec, dim: number, opts: TraceOptions = {}): Promise<TraceEstimate> {
  const { m, kind, seed, ctx } = settings(opts, 3, 'hutchPlusPlus');
  const k = Math.floor(m / 3);
  let used = 0;
  const apply = (v: Float64Array, what: string) => {
    used++;
    return applyChecked(matvec, v, dim, `${ctx}: ${what}`);
  };

  const sketch: Float64Array[] = [];
  for (let i = 0; i < k; i++) sketch.push(await apply(probeVector(kind, dim, deriveSeed(seed, i)), `sketch ${i + 1} of ${k}`));
  const q = orthonormalize(sketch);
  let exact = 0;
  for (let i = 0; i < q.length; i++) exact += dot(q[i], await apply(q[i], `projected trace ${i + 1} of ${q.length}`));

  const samples: number[] = [];
  for (let i = 0; i < k; i++) {
    const g = probeVector(kind, dim, deriveSeed(seed, k + i));
    projectOut(q, g);
    samples.push(dot(g, await apply(g, `deflated sample ${i + 1} of ${k}`)));
  }
  const { mean, stdError } = meanAndError(samples);
  return { estimate: exact + mean, stdError, matvecs: used, samples };
}
