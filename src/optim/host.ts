/**
 * Float64 host versions of GD and Adam on flat vectors, for problems small
 * enough that tensor dispatch would dominate (the quadratics: d ≤ 100, 10⁴
 * steps, a grid of learning rates). Same update rules as sgd.ts / adam.ts.
 */

/** A differentiable objective on flat float64 vectors. */
export interface HostProblem {
  dim: number;
  /** f(w); `gap` reports f(w) − f* when the optimum is known. */
  loss(w: Float64Array): number;
  /** Writes ∇f(w) into `out`. */
  grad(w: Float64Array, out: Float64Array): void;
}

/** A stateful in-place update `w ← w − …` from the gradient `g` at step t = 1, 2, …. */
export type HostStep = (w: Float64Array, g: Float64Array, t: number) => void;

export interface HostMethod {
  name: string;
  lr: number;
  /** Fresh optimizer state for a run in `dim` dimensions. */
  make(dim: number): HostStep;
}

/** Plain gradient descent with a fixed step. */
export function hostGd(lr: number): HostMethod {
  return {
    name: 'gd',
    lr,
    make: () => (w, g) => {
      for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
    },
  };
}

export interface HostAdamOptions {
  lr: number;
  beta1: number;
  /** β2 = 1 is the theory's Adam: v frozen at the first gradient's square, a fixed diagonal preconditioner. */
  beta2: number;
  eps?: number;
}

/** Adam with bias correction (β2 < 1), or with v = g₀² frozen (β2 = 1). */
export function hostAdam(o: HostAdamOptions): HostMethod {
  const eps = o.eps ?? 1e-8;
  const frozen = o.beta2 === 1;
  return {
    name: frozen ? 'adam-frozen' : 'adam',
    lr: o.lr,
    make(dim) {
      const m = new Float64Array(dim);
      const v = new Float64Array(dim);
      return (w, g, t) => {
        const c1 = 1 - o.beta1 ** t;
        const c2 = frozen ? 1 : 1 - o.beta2 ** t;
        for (let i = 0; i < dim; i++) {
          m[i] = o.beta1 * m[i] + (1 - o.beta1) * g[i];
          if (!frozen) v[i] = o.beta2 * v[i] + (1 - o.beta2) * g[i] * g[i];
          else if (t === 1) v[i] = g[i] * g[i];
          w[i] -= (o.lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
        }
      };
    },
  };
}

/** Curves of one run, sampled at `iterations` (0 = the start). */
export interface HostCurves {
  iterations: number[];
  /** f(w) − fStar (fStar = 0 when unknown). */
  loss: number[];
  gradNorm: number[];
  /** True when the loss became non-finite or exceeded 1e10 × its start; the run stopped there (curves stay finite). */
  diverged: boolean;
}

/** Runs `steps` updates of `method` from `w0`, recording every `every`-th iteration and the last. */
export function hostRun(p: HostProblem, method: HostMethod, w0: Float64Array, steps: number, opts: { every?: number; fStar?: number } = {}): HostCurves {
  const every = Math.max(1, opts.every ?? 1);
  const fStar = opts.fStar ?? 0;
  const w = Float64Array.from(w0);
  const g = new Float64Array(p.dim);
  const step = method.make(p.dim);
  const out: HostCurves = { iterations: [], loss: [], gradNorm: [], diverged: false };
  let start = NaN;
  for (let t = 0; ; t++) {
    p.grad(w, g);
    if (t % every === 0 || t === steps) {
      const f = p.loss(w) - fStar;
      const gn = Math.hypot(...g);
      // Curves hold finite numbers only (they go to JSON); a blow-up ends the run before it is recorded.
      if (!Number.isFinite(f) || !Number.isFinite(gn)) {
        out.diverged = true;
        break;
      }
      if (t === 0) start = Math.abs(f);
      out.iterations.push(t);
      out.loss.push(f);
      out.gradNorm.push(gn);
      if (Math.abs(f) > 1e10 * Math.max(start, 1e-300)) {
        out.diverged = true;
        break;
      }
    }
    if (t === steps) break;
    step(w, g, t + 1);
  }
  return out;
}

/** One learning rate of a grid search. */
export interface HostTrial {
  lr: number;
  finalLoss: number;
  finalGradNorm: number;
  diverged: boolean;
}

/** Below this, f − f* is rounding noise in float64 (so ties there are broken by speed). */
const FLOOR = 1e-15;
const clamp = (x: number): number => Math.max(Math.abs(x), FLOOR);
const meanLog = (c: HostCurves): number => c.loss.reduce((a, f) => a + Math.log10(clamp(f)), 0) / c.loss.length;

/**
 * Runs `method(lr)` for each lr of `grid` and keeps the best: lowest final
 * f − f* (clamped at 1e-15), ties broken by the lower mean log10(f − f*) over
 * the run (the faster one); diverged runs lose.
 */
export function tuneLr(
  p: HostProblem, method: (lr: number) => HostMethod, grid: number[], w0: Float64Array, steps: number,
  opts: { every?: number; fStar?: number } = {},
): { best: HostCurves & { lr: number }; trials: HostTrial[] } {
  let best: (HostCurves & { lr: number }) | null = null;
  const trials: HostTrial[] = [];
  const key = (c: HostCurves): [number, number] => (c.diverged ? [Infinity, Infinity] : [clamp(c.loss.at(-1)!), meanLog(c)]);
  for (const lr of grid) {
    const c = { ...hostRun(p, method(lr), w0, steps, opts), lr };
    trials.push({ lr, finalLoss: c.loss.at(-1)!, finalGradNorm: c.gradNorm.at(-1)!, diverged: c.diverged });
    if (!best) { best = c; continue; }
    const [a, b] = [key(c), key(best)];
    if (a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])) best = c;
  }
  if (!best) throw new Error('tuneLr: empty learning-rate grid');
  return { best, trials };
}
