/**
 * Phase 3 for `--model quadratic`: the paper's four block-diagonal quadratics
 * (the problems themselves are in src/models/quadratic.ts). GD with its best
 * fixed step against tuned Adam over learning-rate grids, gradient norm per
 * iteration; and JS⁰ of each case from its exact block eigenvalues (the
 * blocks' spectra are known, so no SLQ is needed).
 */
import { eigenvalueMeasure, heterogeneityScore, pairwiseMatrix } from '../analysis/index.js';
import { type CaseId, quadGrad, quadLoss, quadraticCase } from '../models/quadratic.js';
import { type HostMethod, type HostProblem, hostAdam, hostGd, tuneLr } from '../optim/host.js';
import type { Preset } from '../models/model.js';
import type { FinalRun, QuadRun, QuadResult, QuadraticCaseResult } from './types.js';



/** Adam's grid; GD's is 2/(λmax+λmin) and c/λmax for c in GD_FRACTIONS (stable below 2/λmax). */
export const ADAM_GRID = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1];
export const GD_FRACTIONS = [0.25, 0.5, 1, 1.5, 1.9];

/** GD with its best fixed step against tuned Adam variants on one case, all from the same seeded w₀. */
export function runQuadratic(caseId: CaseId, opts: { steps?: number; seed?: number; every?: number } = {}): QuadResult {
  const steps = opts.steps ?? 1000;
  const seed = opts.seed ?? 0;
  const q = quadraticCase(caseId, seed);
  const p: HostProblem = { dim: q.dim, loss: (w) => quadLoss(q, w), grad: (w, out) => { quadGrad(q, w, out); } };
  const all = q.blocks.flatMap((b) => b.eigenvalues);
  const [lmin, lmax] = [Math.min(...all), Math.max(...all)];
  const run = { every: opts.every ?? Math.max(1, Math.ceil(steps / 1000)), fStar: q.fStar };
  const tuned = (method: string, grid: number[], make: (lr: number) => HostMethod, betas: object = {}): QuadRun => {
    const { best, trials } = tuneLr(p, make, grid, q.w0, steps, run);
    return { method, ...betas, ...best, trials };
  };
  return {
    caseId, seed, steps,
    kappa: lmax / lmin,
    blockEigenvalues: q.blocks.map((b) => b.eigenvalues),
    blockKappas: q.blocks.map((b) => b.eigenvalues.at(-1)! / b.eigenvalues[0]),
    fStar: q.fStar,
    runs: [
      tuned('gd', [2 / (lmax + lmin), ...GD_FRACTIONS.map((c) => c / lmax)], hostGd),
      tuned('adam', ADAM_GRID, (lr) => hostAdam({ lr, beta1: 0.9, beta2: 0.999 }), { beta1: 0.9, beta2: 0.999 }),
      tuned('adam-frozen', ADAM_GRID, (lr) => hostAdam({ lr, beta1: 0, beta2: 1 }), { beta1: 0, beta2: 1 }),
    ],
  };
}



const STEPS: Record<Preset, number> = { tiny: 300, small: 2000, paper: 10000 };

/**
 * A run's final gradient norm, read robustly: the median of log10 ‖∇f‖ over
 * the last 10% of its recorded iterations (a tuned Adam curve can swing by
 * many decades near its end, so the last iterate alone is not a fair reading).
 * Norms are floored at 1e-300 so that an exact 0 stays finite.
 */
export function finalLogGradNorm(gradNorm: readonly number[]): number {
  const tail = gradNorm.slice(-Math.max(1, Math.round(gradNorm.length / 10))).map((g) => Math.log10(Math.max(g, 1e-300)));
  tail.sort((a, b) => a - b);
  const m = tail.length >> 1;
  return tail.length % 2 ? tail[m] : (tail[m - 1] + tail[m]) / 2;
}

export function runQuadraticCases(preset: Preset, seed: number, onCase: (c: CaseId) => void): QuadraticCaseResult[] {
  return ([1, 2, 3, 4] as CaseId[]).map((c) => {
    onCase(c);
    const r = runQuadratic(c, { steps: STEPS[preset], seed });
    const spectra = Object.fromEntries(r.blockEigenvalues.map((e, i) => [`block ${i}`, eigenvalueMeasure(e, `block ${i}`)]));
    // σ relative to the range (1e-4 of span²): the raw eigenvalues span 1…5000.
    const js = pairwiseMatrix(spectra, 'js', { sigma2: 1e-4, sigmaMode: 'relative' });
    const final = (x: QuadRun): FinalRun => ({ method: x.method, lr: x.lr, gradNorm: 10 ** finalLogGradNorm(x.gradNorm) });
    const gd = final(r.runs.find((x) => x.method === 'gd')!);
    const adam = r.runs.filter((x) => x.method !== 'gd' && !x.diverged).map(final)
      .reduce((a, x) => (x.gradNorm < a.gradNorm ? x : a));
    return {
      ...r, js, js0: heterogeneityScore(js), best: { gd, adam },
      leadStatistic: 'median of log10 ‖∇f‖ over the last 10% of recorded iterations, GD minus the best Adam',
      adamLeadDecades: Math.log10(Math.max(gd.gradNorm, 1e-300)) - Math.log10(Math.max(adam.gradNorm, 1e-300)),
    };
  });
}
