/**
 * What the experiment derives from the stored SLQ nodes and weights, after
 * the fact: the headline JS⁰ under the chosen axis convention with its 95%
 * probe-bootstrap interval, the sensitivity table under every convention, and
 * the a-posteriori SLQ check (m/2 against m steps). None of it needs another
 * Hessian product, so `npm run report -- DIR --axis …` can redo it for a
 * finished run: a convention is a choice a reader can vary, not a hidden one.
 */
import {
  type AxisConvention, type ConventionKind, type Interval, type SensitivityRow, type SlqAccuracy, DEFAULT_CONVENTIONS, HEADLINE_CONVENTION,
  allConventions, bootstrapScores, conventionName, slqAccuracy, slqProbeMeasures,
} from '../analysis/index.js';
import type { SlqResult } from '../analysis/index.js';

/** Analysis settings: recorded in results.json, not part of any checkpoint's identity. */
export interface AnalysisSettings {
  /** The convention JS⁰ is headlined under. */
  axis: AxisConvention;
  /** Bootstrap replicates over probes, and the resampling seed. */
  bootstrapB: number;
  bootstrapSeed: number;
  /**
   * Fewest points of each replicate's density grid. The step still shrinks to
   * σ/2 where a convention needs it; 1000 instead of the plotting default
   * 10000 makes the bootstrap several times cheaper without changing JS
   * beyond its resolution.
   */
  bootstrapMinGridPoints: number;
}

export const DEFAULT_ANALYSIS: AnalysisSettings = { axis: HEADLINE_CONVENTION, bootstrapB: 200, bootstrapSeed: 0, bootstrapMinGridPoints: 1000 };

export const AXIS_KINDS = Object.keys(DEFAULT_CONVENTIONS) as ConventionKind[];

/** The default convention of a kind (the `--axis` flag). */
export const axisOf = (kind: ConventionKind): AxisConvention => ({ ...DEFAULT_CONVENTIONS[kind] });

export interface SpectraAnalysis {
  settings: AnalysisSettings;
  /** Headline JS⁰ and W1⁰ under `settings.axis`, each with its probe-bootstrap interval. */
  convention: string;
  js0: Interval;
  w10: Interval;
  /** JS⁰, W1⁰, KS⁰ under every default convention (keyed by convention name). */
  conventions: Record<string, SensitivityRow>;
  /** JS⁰ from the first ⌊m/2⌋ Lanczos steps against all m: a large difference says m is too small. */
  accuracy: SlqAccuracy | null;
}

/** The derived numbers of one model's block spectra (null for fewer than two blocks). */
export function analyzeSpectra(slq: Record<string, SlqResult>, settings: AnalysisSettings = DEFAULT_ANALYSIS): SpectraAnalysis | null {
  if (Object.keys(slq).length < 2) return null;
  const samples = slqProbeMeasures(slq);
  const boot = bootstrapScores(settings.axis, samples, { B: settings.bootstrapB, seed: settings.bootstrapSeed, minGridPoints: settings.bootstrapMinGridPoints });
  let accuracy: SlqAccuracy | null = null;
  try {
    accuracy = slqAccuracy(slq, settings.axis);
  } catch {
    accuracy = null; // fewer than 2 steps stored: nothing to compare
  }
  return {
    settings,
    convention: conventionName(settings.axis),
    js0: boot.js0,
    w10: boot.w10,
    conventions: allConventions(samples),
    accuracy,
  };
}
