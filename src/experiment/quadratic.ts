/**
 * Phase 3 for `--model quadratic`: the paper's four block-diagonal quadratics.
 * GD with its best fixed step against tuned Adam, gradient norm per
 * iteration; and JS⁰ of each case from its exact block eigenvalues (the
 * blocks' spectra are known, so no SLQ is needed).
 */
import { eigenvalueMeasure, heterogeneityScore, pairwiseMatrix, type PairwiseMatrix } from '../analysis/index.js';
import { type CaseId, type QuadResult, type QuadRun, runQuadratic } from '../models/quadratic.js';
import type { Preset } from '../models/model.js';

/** A run's final gradient norm and its tuned learning rate. */
export interface FinalRun { method: string; lr: number; gradNorm: number }

export interface QuadraticCaseResult extends QuadResult {
  js: PairwiseMatrix;
  js0: number;
  /** GD, and the best (lowest final gradient norm) of the Adam variants that did not diverge. */
  best: { gd: FinalRun; adam: FinalRun };
  /** log10 of (GD's final gradient norm / best Adam's final gradient norm): Adam's lead in decades. */
  adamLeadDecades: number;
}

const STEPS: Record<Preset, number> = { tiny: 300, small: 2000, paper: 10000 };

export function runQuadraticCases(preset: Preset, seed: number, onCase: (c: CaseId) => void): QuadraticCaseResult[] {
  return ([1, 2, 3, 4] as CaseId[]).map((c) => {
    onCase(c);
    const r = runQuadratic(c, { steps: STEPS[preset], seed });
    const spectra = Object.fromEntries(r.blockEigenvalues.map((e, i) => [`block ${i}`, eigenvalueMeasure(e, `block ${i}`)]));
    // σ relative to the range (1e-4 of span²): the raw eigenvalues span 1…5000.
    const js = pairwiseMatrix(spectra, 'js', { sigma2: 1e-4, sigmaMode: 'relative' });
    const final = (x: QuadRun): FinalRun => ({ method: x.method, lr: x.lr, gradNorm: x.gradNorm[x.gradNorm.length - 1] });
    const gd = final(r.runs.find((x) => x.method === 'gd')!);
    const adam = r.runs.filter((x) => x.method !== 'gd' && !x.diverged).map(final)
      .reduce((a, x) => (x.gradNorm < a.gradNorm ? x : a));
    const floor = (g: number) => Math.max(g, 1e-300);
    return { ...r, js, js0: heterogeneityScore(js), best: { gd, adam }, adamLeadDecades: Math.log10(floor(gd.gradNorm) / floor(adam.gradNorm)) };
  });
}
