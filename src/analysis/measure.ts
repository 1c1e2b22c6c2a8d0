/**
 * Discrete spectral measures: atoms (points) with weights summing to 1.
 *
 * The SLQ estimate of the empirical spectral measure is the probe average of the
 * per-probe Gauss rules, (1/n_v) Σ_probes Σ_i τ_i δ(θ_i). W1 and KS distances are
 * computed on these atoms directly, with no density smoothing or grid.
 */
import type { SlqResult } from './slq.js';

/** Atoms `points` (ascending) with nonnegative `weights` summing to 1. */
export interface SpectralMeasure {
  points: number[];
  weights: number[];
  /** Divisor already applied to the eigenvalue axis (1, or absent, for raw eigenvalues). */
  scale?: number;
  /** Name for error messages (e.g. the block). */
  label?: string;
}

/**
 * Eigenvalue-axis normalization. 'none' keeps raw eigenvalues. `{ kthLargest: k }`
 * divides the axis by the k-th largest node, averaged over probes (the paper's
 * figures use k = 10; their code for it was not released). Requires that value > 0.
 */
export type Normalize = 'none' | { kthLargest: number };

const named = (label?: string): string => (label === undefined ? '' : ` [${label}]`);

/**
 * Atoms must be finite points with finite, non-negative weights: a NaN node
 * would stall the CDF sweep of W1/KS forever and surface in a density as a
 * bogus "padding" error, so it is rejected where it enters, naming the block.
 */
function checkAtoms(points: ArrayLike<number>, weights: ArrayLike<number>, who: string, label?: string): void {
  if (points.length !== weights.length) {
    throw new Error(`${who}${named(label)}: ${points.length} points but ${weights.length} weights`);
  }
  for (let i = 0; i < points.length; i++) {
    if (!Number.isFinite(points[i])) throw new Error(`${who}${named(label)}: point ${i} is ${points[i]} (spectral nodes must be finite)`);
    const w = weights[i];
    if (!(Number.isFinite(w) && w >= 0)) throw new Error(`${who}${named(label)}: weight ${i} is ${w} (weights must be finite and ≥ 0)`);
  }
}

/**
 * Checks a measure handed to a density or distance: finite atoms, finite
 * non-negative weights, points strictly ascending (the CDF sweeps rely on the
 * order). `label` names the block when the measure has none of its own.
 */
export function checkMeasure(m: SpectralMeasure, who: string, label = m.label): void {
  if (!m || !Array.isArray(m.points) || !Array.isArray(m.weights)) {
    throw new Error(`${who}${named(label)}: not a spectral measure (expected { points, weights }; slqMeasure converts SLQ results)`);
  }
  checkAtoms(m.points, m.weights, who, label);
  for (let i = 1; i < m.points.length; i++) {
    if (!(m.points[i] > m.points[i - 1])) {
      throw new Error(`${who}${named(label)}: points must ascend strictly, but point ${i} (${m.points[i]}) follows ${m.points[i - 1]}`);
    }
  }
}

/** Atoms sorted ascending with equal points merged; weights used as given (callers normalize). */
export function sortMerge(points: readonly number[], weights: readonly number[], label?: string): SpectralMeasure {
  const order = points.map((_, i) => i).sort((a, b) => points[a] - points[b]);
  const p: number[] = [];
  const w: number[] = [];
  for (const i of order) {
    if (p.length > 0 && p[p.length - 1] === points[i]) w[w.length - 1] += weights[i];
    else {
      p.push(points[i]);
      w.push(weights[i]);
    }
  }
  return { points: p, weights: w, ...(label === undefined ? {} : { label }) };
}

/** {@link sortMerge} with the axis scale recorded. */
function canonical(points: number[], weights: number[], scale: number, label?: string): SpectralMeasure {
  return { ...sortMerge(points, weights, label), scale };
}

/** The divisor `normalize` applies to the eigenvalue axis of `result` (1 for 'none'). */
export function axisScale(result: SlqResult, normalize: Normalize = 'none'): number {
  if (normalize === 'none') return 1;
  const k = normalize.kthLargest;
  const where = result.label === undefined ? '' : ` [${result.label}]`;
  if (!Number.isInteger(k) || k < 1) throw new Error(`normalize${where}: kthLargest must be a positive integer, got ${k}`);
  if (result.probes.length === 0) throw new Error(`normalize${where}: SLQ result has no probes`);
  let sum = 0;
  for (const p of result.probes) {
    if (p.nodes.length < k) {
      throw new Error(`normalize${where}: probe ${p.index} has only ${p.nodes.length} nodes, cannot take the ${k}-th largest`);
    }
    sum += p.nodes[p.nodes.length - k];
  }
  const s = sum / result.probes.length;
  if (!(s > 0)) {
    throw new Error(`normalize${where}: the ${k}-th largest node is ${s} (must be > 0 to rescale the eigenvalue axis)`);
  }
  return s;
}

/** The SLQ estimate of the spectral measure: all probes' nodes, weights divided by the probe count. */
export function slqMeasure(result: SlqResult, normalize: Normalize = 'none'): SpectralMeasure {
  if (result.probes.length === 0) throw new Error(`slqMeasure${named(result.label)}: SLQ result has no probes`);
  for (const p of result.probes) checkAtoms(p.nodes, p.weights, `slqMeasure (probe ${p.index})`, result.label);
  const s = axisScale(result, normalize);
  const points: number[] = [];
  const weights: number[] = [];
  for (const p of result.probes) {
    p.nodes.forEach((x, i) => {
      points.push(x / s);
      weights.push(p.weights[i] / result.probes.length);
    });
  }
  return canonical(points, weights, s, result.label);
}

/** {@link slqMeasure} of each named SLQ result (e.g. one per block). */
export function slqMeasures(results: Record<string, SlqResult>, normalize: Normalize = 'none'): Record<string, SpectralMeasure> {
  return Object.fromEntries(Object.entries(results).map(([k, r]) => [k, slqMeasure(r, normalize)]));
}

/** The empirical spectral measure of exact eigenvalues: weight 1/n each. */
export function eigenvalueMeasure(values: ArrayLike<number>, label?: string): SpectralMeasure {
  const n = values.length;
  if (n === 0) throw new Error(`eigenvalueMeasure${label === undefined ? '' : ` [${label}]`}: no eigenvalues`);
  checkAtoms(values, new Array<number>(n).fill(1 / n), 'eigenvalueMeasure', label);
  return canonical(Array.from(values), new Array<number>(n).fill(1 / n), 1, label);
}
