/**
 * Gaussian-broadened spectral density of a spectral measure, on a uniform grid.
 *
 * Conventions (all of them, since plots and distances depend on each):
 * - φ(t) = Σ_a w_a N(t; x_a, σ²) over the measure's atoms. For SLQ (`slqMeasure`) that is
 *   (1/n_v) Σ_probes Σ_i τ_i N(t; θ_i, σ²): every probe's weights sum to 1, so each probe
 *   carries equal mass and blocks of different sizes are comparable; exact eigenvalues
 *   (`eigenvalueMeasure`) weigh 1/n each.
 * - Axis normalization happens when the measure is made (`slqMeasure(r, { kthLargest: k })`
 *   divides every node by the k-th largest node averaged over probes); σ², padding and
 *   `range` are in the measure's units.
 * - σ² ('absolute', default): the paper's 1e-5, used as is. 'relative': σ² · span²,
 *   span = max node − min node over all probes (falls back to absolute when span = 0),
 *   so the smoothing is the same fraction of the range whatever the eigenvalue scale.
 * - Grid: `gridPoints` uniform points on [min node − padding, max node + padding], or on
 *   `range` when given. Default padding 0.01·span + 7σ: the outermost Gaussians decay to
 *   ~2e-11 of their peak, below the paper's 1e-10 log-axis floor. Default gridPoints:
 *   10000 (the paper's), raised so the step is ≤ σ/2 (a sampled Gaussian then
 *   integrates exactly to ~1e-12), capped at 200000; `step` reports the result.
 * - Values are pointwise densities, rescaled so the trapezoid integral over the grid is
 *   exactly 1 (this absorbs the mass of tails outside the grid).
 */
import { type SpectralMeasure, checkMeasure } from './measure.js';

/** Options of {@link density} and {@link blockDensities}. */
export interface DensityOptions {
  /** Gaussian variance σ². Default 1e-5. */
  sigma2?: number;
  /** Default 'absolute'. */
  sigmaMode?: 'absolute' | 'relative';
  /** Number of grid points (≥ 2). Default: see the file header. */
  gridPoints?: number;
  /**
   * The fewest points of an automatic grid (default 10000, the paper's). The step
   * still shrinks to σ/2 where needed; a lower floor only skips points a density
   * does not need (bootstrap replicates compute thousands of densities).
   */
  minGridPoints?: number;
  /** Grid extension beyond the extreme nodes. Default 0.01·span + 7σ. */
  padding?: number;
  /** Explicit grid interval [lo, hi]; overrides padding. */
  range?: [number, number];
}

/** A density on a uniform grid; trapezoid integral 1. */
export interface Density {
  grid: number[];
  values: number[];
  /** σ² actually used, in (normalized) axis units. */
  sigma2: number;
  /** Divisor the measure applied to the eigenvalue axis (1 without normalization). */
  scale: number;
  /** Grid spacing. */
  step: number;
}

const DEFAULT_GRID = 10_000;
const MAX_AUTO_GRID = 200_000;
/** Beyond 40σ a Gaussian is below 1e-347 of its peak: exactly 0 in float64, skip it. */
const CUTOFF_SIGMAS = 40;

interface Prepared {
  scale: number;
  sigma: number;
  lo: number; // extreme nodes, normalized
  hi: number;
  pad: number;
}

const where = (m: SpectralMeasure): string => (m.label === undefined ? '' : ` [${m.label}]`);

function prepare(m: SpectralMeasure, opts: DensityOptions, name?: string): Prepared {
  checkMeasure(m, 'density', m.label ?? name);
  if (m.points.length === 0) throw new Error(`density${where(m)}: the spectral measure has no atoms`);
  const lo = m.points[0];
  const hi = m.points[m.points.length - 1];
  const sigma2 = opts.sigma2 ?? 1e-5;
  if (!(sigma2 > 0)) throw new Error(`density${where(m)}: sigma2 must be > 0, got ${sigma2}`);
  const span = hi - lo;
  const relative = (opts.sigmaMode ?? 'absolute') === 'relative' && span > 0;
  const sigma = Math.sqrt(relative ? sigma2 * span * span : sigma2);
  const pad = opts.padding ?? 0.01 * span + 7 * sigma;
  if (!(pad >= 0)) throw new Error(`density${where(m)}: padding must be ≥ 0, got ${pad}`);
  return { scale: m.scale ?? 1, sigma, lo, hi, pad };
}

function autoGrid(span: number, sigma: number, min = DEFAULT_GRID): number {
  return Math.max(min, Math.min(MAX_AUTO_GRID, Math.ceil((2 * span) / sigma) + 1));
}

function evaluate(m: SpectralMeasure, prep: Prepared, lo: number, hi: number, points: number): Density {
  if (!Number.isInteger(points) || points < 2) throw new Error(`density${where(m)}: gridPoints must be an integer ≥ 2, got ${points}`);
  if (!(hi > lo)) throw new Error(`density${where(m)}: empty grid range [${lo}, ${hi}]`);
  const h = (hi - lo) / (points - 1);
  const grid = Array.from({ length: points }, (_, i) => lo + i * h);
  const values = new Array<number>(points).fill(0);
  const { sigma, scale } = prep;
  const norm = 1 / (sigma * Math.sqrt(2 * Math.PI));
  m.points.forEach((theta, k) => {
    const w = m.weights[k] * norm;
    const first = Math.max(0, Math.ceil((theta - CUTOFF_SIGMAS * sigma - lo) / h));
    const last = Math.min(points - 1, Math.floor((theta + CUTOFF_SIGMAS * sigma - lo) / h));
    for (let g = first; g <= last; g++) {
      const z = (grid[g] - theta) / sigma;
      values[g] += w * Math.exp(-0.5 * z * z);
    }
  });
  let integral = 0;
  for (let g = 0; g < points; g++) integral += (g === 0 || g === points - 1 ? 0.5 : 1) * values[g] * h;
  if (!(integral > 0)) {
    throw new Error(`density${where(m)}: no spectral mass on the grid [${lo}, ${hi}] (nodes span [${prep.lo}, ${prep.hi}])`);
  }
  for (let g = 0; g < points; g++) values[g] /= integral;
  return { grid, values, sigma2: sigma * sigma, scale, step: h };
}

/** Densities of `measures` on one grid: their union of padded ranges (or `opts.range`), fine enough for the narrowest σ. */
function onCommonGrid(measures: SpectralMeasure[], opts: DensityOptions, names?: string[]): Density[] {
  const preps = measures.map((m, i) => prepare(m, opts, names?.[i]));
  let lo = Infinity;
  let hi = -Infinity;
  let sigmaMin = Infinity;
  for (const p of preps) {
    lo = Math.min(lo, p.lo - p.pad);
    hi = Math.max(hi, p.hi + p.pad);
    sigmaMin = Math.min(sigmaMin, p.sigma);
  }
  if (opts.range !== undefined) [lo, hi] = opts.range;
  const points = opts.gridPoints ?? autoGrid(hi - lo, sigmaMin, opts.minGridPoints);
  return measures.map((m, i) => evaluate(m, preps[i], lo, hi, points));
}

/** Gaussian-broadened density of one spectral measure (conventions in the file header). */
export function density(measure: SpectralMeasure, opts: DensityOptions = {}): Density {
  return onCommonGrid([measure], opts)[0];
}

/**
 * Densities of several spectral measures (e.g. one per parameter block) on one common
 * grid, as distances between densities require. Each keeps its own axis scale and (in
 * 'relative' mode) its own σ; the grid covers every measure's padded range, and the
 * automatic point count resolves the narrowest σ.
 */
export function blockDensities(measures: Record<string, SpectralMeasure>, opts: DensityOptions = {}): Record<string, Density> {
  const names = Object.keys(measures);
  if (names.length === 0) throw new Error('blockDensities: no spectra given (no SLQ results or measures)');
  const dens = onCommonGrid(names.map((name) => measures[name]), opts, names);
  return Object.fromEntries(names.map((name, i) => [name, dens[i]]));
}
