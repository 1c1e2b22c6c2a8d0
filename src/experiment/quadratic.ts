/**
 * Phase 3 for `--model quadratic`: the paper's four block-diagonal quadratics.
 * GD with its best fixed step against tuned Adam, gradient norm per
 * iteration; and JS⁰ of each case from its exact block eigenvalues (the
 * blocks' spectra are known, so no SLQ is needed).
 */
import { heterogeneityScore, pairwiseMatrix, type PairwiseMatrix, type SlqResult } from '../analysis/index.js';
import { type CaseId, type QuadResult, runQuadratic } from '../models/quadratic.js';
import type { Preset } from '../models/model.js';

export interface QuadraticCaseResult extends QuadResult {
  js: PairwiseMatrix;
  js0: number;
  /** log10 of (GD's final gradient norm / best Adam's final gradient norm): Adam's lead in decades. */
  adamLeadDecades: number;
}

const STEPS: Record<Preset, number> = { tiny: 300, small: 2000, paper: 10000 };

/** Exact eigenvalues as a one-probe "SLQ result" with equal weights, so the same distance code applies. */
export function exactSpectrum(eigs: number[], label: string): SlqResult {
  return {
    kind: 'slq', dim: eigs.length, steps: eigs.length, probe: 'gaussian', seed: 0, reorth: 'full', label,
    probes: [{ index: 0, seed: 0, nodes: [...eigs].sort((a, b) => a - b), weights: eigs.map(() => 1 / eigs.length), steps: eigs.length, breakdown: false }],
  };
}

export function runQuadraticCases(preset: Preset, seed: number, onCase: (c: CaseId) => void): QuadraticCaseResult[] {
  return ([1, 2, 3, 4] as CaseId[]).map((c) => {
    onCase(c);
    const r = runQuadratic(c, { steps: STEPS[preset], seed });
    const spectra = Object.fromEntries(r.blockEigenvalues.map((e, i) => [`block ${i}`, exactSpectrum(e, `block ${i}`)]));
    // σ relative to the range (1e-4 of span²): the raw eigenvalues span 1…5000.
    const js = pairwiseMatrix(spectra, 'js', { sigma2: 1e-4, sigmaMode: 'relative' });
    const gd = r.runs.find((x) => x.method === 'gd')!;
    const adams = r.runs.filter((x) => x.method !== 'gd' && !x.diverged);
    const last = (x: { gradNorm: number[] }) => Math.max(x.gradNorm[x.gradNorm.length - 1], 1e-300);
    const bestAdam = Math.min(...adams.map(last));
    return { ...r, js, js0: heterogeneityScore(js), adamLeadDecades: Math.log10(last(gd) / bestAdam) };
  });
}
