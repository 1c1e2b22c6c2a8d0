/**
 * Uncertainty of heterogeneity scores and of what is computed from them.
 *
 * - Over probes (one seed): a nonparametric bootstrap. Each replicate resamples every
 *   block's probes with replacement (same count), recomputes JS⁰ and W1⁰ under the
 *   convention (axis divisors included, since they are part of the statistic), and the
 *   interval is the percentile interval of the replicates, their deviations from the
 *   estimate scaled by √(n/(n−1)) (n probes: the plain bootstrap's variance is (n−1)/n of
 *   the true one, which at n = 3 matters). What it covers: the score's
 *   expectation over probes at the run's Lanczos steps m and probe count, i.e. probe noise
 *   only. Truncation bias (m too small) is invisible to it; see accuracy.ts.
 * - Over seeds (n runs): a Student-t interval, mean ± t_{1−α/2, n−1}·s/√n. With n = 3 a
 *   percentile interval over seeds would be [min, max], which holds the median of the seed
 *   distribution only 1 − 2·(½)³ = 75% of the time; the t-interval keeps a nominal 95%
 *   under approximate normality and its wide multiplier (t = 4.30 at n = 3) shows how
 *   little three seeds pin down.
 * - Spearman's rank correlation between two per-model quantities (e.g. JS⁰ and the
 *   SGD–Adam gap) with a percentile bootstrap over the points.
 */
import { scoreUnder, type AxisConvention, type BlockSamples } from './conventions.js';
import type { SpectralMeasure } from './measure.js';
import { mean, percentile, sampleSd, spearman, tQuantile } from './stats.js';
import { makeRng } from '../util/rng.js';

/** An estimate with a two-sided interval and how it was made. */
export interface Interval {
  estimate: number;
  lo: number;
  hi: number;
  /** Nominal coverage, e.g. 0.95. */
  level: number;
  method: string;
}

/** Options of the bootstrap functions. */
export interface BootstrapOptions {
  /** Bootstrap replicates. Default 1000. */
  B?: number;
  /** Seed of the resampling stream. Default 0. */
  seed?: number;
  /** Nominal coverage. Default 0.95. */
  level?: number;
  /** Grid points of the JS densities (bootstrapScores only; see ScoreOptions). */
  gridPoints?: number;
  /** Fewest points of the automatic density grid (bootstrapScores only; see ScoreOptions). */
  minGridPoints?: number;
}

function settings(opts: BootstrapOptions, where: string): { B: number; seed: number; level: number } {
  const B = opts.B ?? 1000;
  const level = opts.level ?? 0.95;
  const seed = opts.seed ?? 0;
  if (!(Number.isInteger(B) && B >= 10)) throw new Error(`${where}: B must be an integer ≥ 10, got ${B}`);
  if (!(level > 0 && level < 1)) throw new Error(`${where}: level must lie in (0, 1), got ${level}`);
  return { B, seed, level };
}

/** Percentile interval of replicates whose deviations from the estimate are first scaled by `expand`. */
function percentileInterval(estimate: number, reps: number[], level: number, method: string, expand = 1): Interval {
  const a = (1 - level) / 2;
  const r = expand === 1 ? reps : reps.map((x) => estimate + expand * (x - estimate));
  return { estimate, lo: percentile(r, a), hi: percentile(r, 1 - a), level, method };
}

/** JS⁰ and W1⁰ of one run with probe-bootstrap intervals; every setting recorded. */
export interface ProbeBootstrap {
  convention: AxisConvention;
  js0: Interval;
  w10: Interval;
  B: number;
  seed: number;
  /** Probes per block. */
  probes: Record<string, number>;
  /** √(n/(n−1)) applied to the replicates' deviations (n: fewest probes of a resampled block); 1 when none is resampled. */
  expand: number;
  method: 'percentile bootstrap over probes within each block, deviations scaled by √(n/(n−1))';
}

/**
 * JS⁰ and W1⁰ under `c` with percentile intervals from resampling each block's probes
 * with replacement (blocks given as one measure per probe, e.g. `slqProbeMeasures`). A
 * block given as a single measure (exact spectrum) is held fixed.
 */
export function bootstrapScores(c: AxisConvention, blocks: BlockSamples, opts: BootstrapOptions = {}): ProbeBootstrap {
  const { B, seed, level } = settings(opts, 'bootstrapScores');
  const lists: Record<string, SpectralMeasure[]> = Object.fromEntries(Object.entries(blocks).map(([n, m]) => [n, Array.isArray(m) ? m : [m]]));
  const score = { metrics: ['js', 'w1'] as const, gridPoints: opts.gridPoints, minGridPoints: opts.minGridPoints };
  const point = scoreUnder(c, lists, score);
  const rng = makeRng(seed);
  const js: number[] = [];
  const w1: number[] = [];
  for (let b = 0; b < B; b++) {
    // Key order is fixed, so the draws (and the result) depend only on the seed.
    const resampled = Object.fromEntries(Object.entries(lists).map(([n, l]) => [n, l.map(() => l[rng.int(l.length)])]));
    const s = scoreUnder(c, resampled, score);
    js.push(s.js0);
    w1.push(s.w10);
  }
  // Resampling n probes underestimates the variance of their mean by (n − 1)/n, which at the
  // experiment's 3 probes is a third; scale the deviations back by √(n/(n − 1)), n the fewest
  // probes of any resampled block (blocks with one measure are fixed and do not count).
  const counts = Object.values(lists).map((l) => l.length).filter((k) => k > 1);
  const n = counts.length === 0 ? 0 : Math.min(...counts);
  const expand = n > 1 ? Math.sqrt(n / (n - 1)) : 1;
  const method = 'percentile bootstrap over probes within each block, deviations scaled by √(n/(n−1))' as const;
  return {
    convention: c,
    js0: percentileInterval(point.js0, js, level, method, expand),
    w10: percentileInterval(point.w10, w1, level, method, expand),
    expand,
    B,
    seed,
    probes: Object.fromEntries(Object.entries(lists).map(([n, l]) => [n, l.length])),
    method,
  };
}

/**
 * Interval for the mean of one quantity over seeds: Student t with n − 1 degrees of
 * freedom (see the file header for why not a percentile interval at n = 3). Needs n ≥ 2.
 */
export function seedInterval(values: readonly number[], level = 0.95): Interval & { n: number; sd: number } {
  if (values.length < 2) throw new Error(`seedInterval: needs at least 2 seed values, got ${values.length}`);
  if (!values.every(Number.isFinite)) throw new Error(`seedInterval: values must be finite, got [${values.join(', ')}]`);
  if (!(level > 0 && level < 1)) throw new Error(`seedInterval: level must lie in (0, 1), got ${level}`);
  const n = values.length;
  const m = mean(values);
  const sd = sampleSd(values);
  const half = tQuantile(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n));
  return { estimate: m, lo: m - half, hi: m + half, level, method: `t-interval over ${n} seeds (df ${n - 1})`, n, sd };
}

/**
 * Interval for a gap a − b measured on the same seeds (e.g. final SGD loss − final Adam
 * loss, seed by seed): the t-interval of the paired differences.
 */
export function pairedGapInterval(a: readonly number[], b: readonly number[], level = 0.95): Interval & { n: number; sd: number } {
  if (a.length !== b.length) throw new Error(`pairedGapInterval: ${a.length} values of a, ${b.length} of b (pair them by seed)`);
  const r = seedInterval(a.map((x, i) => x - b[i]), level);
  return { ...r, method: `paired ${r.method}` };
}

/** Spearman's ρ with a bootstrap interval, and how many replicates were degenerate. */
export interface SpearmanInterval extends Interval {
  n: number;
  B: number;
  seed: number;
  /** Replicates where x or y came out constant (ρ undefined); they are redrawn, not counted. */
  redrawn: number;
}

/**
 * A point of a rank correlation; with `perSeed`, its coordinates are the means of
 * paired per-seed values (x[i] and y[i] measured on seed i).
 */
export interface CorrelationPoint { x: number; y: number; perSeed?: { x: readonly number[]; y: readonly number[] } }

/**
 * Spearman's rank correlation of the points with a percentile bootstrap interval.
 * Each replicate resamples the points with replacement; points that carry per-seed
 * values also resample their seeds (pairs kept together) and use the means, so the
 * interval includes each point's own seed-to-seed scatter, not only the spread of
 * the points. A resample whose x or y is constant has no rank correlation; it is
 * redrawn and counted. Needs ≥ 3 points not all tied.
 */
export function bootstrapSpearman(points: readonly CorrelationPoint[], opts: BootstrapOptions = {}): SpearmanInterval {
  const { B, seed, level } = settings(opts, 'bootstrapSpearman');
  if (points.length < 3) throw new Error(`bootstrapSpearman: needs at least 3 points, got ${points.length}`);
  for (const p of points) {
    if (p.perSeed && (p.perSeed.x.length !== p.perSeed.y.length || p.perSeed.x.length === 0)) {
      throw new Error(`bootstrapSpearman: a point's per-seed x and y must pair up (got ${p.perSeed.x.length} and ${p.perSeed.y.length} values)`);
    }
  }
  const twoLevel = points.some((p) => p.perSeed && p.perSeed.x.length > 1);
  const rho = spearman(points.map((p) => p.x), points.map((p) => p.y));
  const rng = makeRng(seed);
  /** A point as one replicate sees it: its seeds resampled when it has several. */
  const redraw = (p: CorrelationPoint): { x: number; y: number } => {
    if (!p.perSeed || p.perSeed.x.length < 2) return p;
    const k = p.perSeed.x.length;
    let x = 0, y = 0;
    for (let i = 0; i < k; i++) {
      const j = rng.int(k);
      x += p.perSeed.x[j];
      y += p.perSeed.y[j];
    }
    return { x: x / k, y: y / k };
  };
  const reps: number[] = [];
  let redrawn = 0;
  while (reps.length < B) {
    // Each point's seeds are redrawn once per replicate, so a point drawn twice is two equal copies
    // (ties, as in the plain bootstrap) rather than two jittered ones whose order is noise.
    const drawn = points.map(redraw);
    const s = points.map(() => drawn[rng.int(points.length)]);
    const xs = s.map((p) => p.x);
    const ys = s.map((p) => p.y);
    if (xs.every((x) => x === xs[0]) || ys.every((y) => y === ys[0])) {
      if (++redrawn > 100 * B) throw new Error('bootstrapSpearman: almost every resample is constant; too few distinct points');
      continue;
    }
    reps.push(spearman(xs, ys));
  }
  const method = twoLevel ? 'percentile bootstrap over points, then over seeds within each point' : 'percentile bootstrap over points';
  return { ...percentileInterval(rho, reps, level, method), n: points.length, B, seed, redrawn };
}
