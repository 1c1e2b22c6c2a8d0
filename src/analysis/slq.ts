/**
 * Stochastic Lanczos quadrature (SLQ).
 *
 * For a probe v, m Lanczos steps from v give T with eigen-pairs (θ_i, s_i). The rule
 * Σ_i τ_i f(θ_i) with τ_i = s_i[0]² is the m-point Gauss quadrature of the measure
 * Σ_k (u_kᵀv)²/‖v‖² δ(λ_k), exact for polynomials of degree ≤ 2m − 1. Probes are
 * isotropic (E[vvᵀ] ∝ I), so averaging probes estimates the empirical spectral measure
 * (1/n) Σ_k δ(λ_k). Weights of each probe sum to 1, so blocks of different sizes
 * are comparable.
 *
 * The result is plain JSON. Probe i always uses the seed `probeSeed(seed, i)`, so a run
 * can be stopped after any probe and resumed (`resumeFrom`) with identical output.
 */
import { checkSymmetric, lanczos, type MatVec, type Reorth } from './lanczos.js';
import { chooseReorth } from './memory.js';
import { selectiveSettings, type SelectiveOptions } from './selective.js';
import type { Precision, StoreFactory } from './store.js';
import { deriveSeed, gaussianVector, makeRng, rademacherVector } from '../util/rng.js';
import { tridiagEig } from './tridiag.js';

/** Distribution of probe vectors. Both are isotropic; Gaussian, normalized, is uniform on the sphere (the paper's choice). */
export type ProbeKind = 'gaussian' | 'rademacher';

/** One probe's quadrature rule. */
export interface SlqProbe {
  /** Probe index within the run. */
  index: number;
  /** Seed of this probe's start vector: probeSeed(run seed, index). */
  seed: number;
  /** Ritz values θ_i, ascending. */
  nodes: number[];
  /** Gauss weights τ_i ≥ 0 (squared first eigenvector components), summing to 1. */
  weights: number[];
  /** Lanczos steps taken (fewer than requested after breakdown). */
  steps: number;
  breakdown: boolean;
  /** Most dim-long vectors the Lanczos run stored at once (absent in results written before it was recorded). */
  peakVectors?: number;
}

/** A complete SLQ run; JSON-serializable. */
export interface SlqResult {
  kind: 'slq';
  dim: number;
  /** Requested Lanczos steps per probe. */
  steps: number;
  probe: ProbeKind;
  seed: number;
  /** The mode that ran (what 'auto' resolved to). */
  reorth: Reorth;
  /** Element type of the stored Lanczos vectors; absent means float64 (results written before it was recorded). */
  storage?: Precision;
  /** Prefix and Ritz count, when reorth is 'selective'. */
  selective?: Required<SelectiveOptions>;
  label?: string;
  probes: SlqProbe[];
}

/** Options of {@link slq}. */
export interface SlqOptions {
  /** Lanczos steps per probe (the paper's m). Default 100, or dim when dim < 100. */
  steps?: number;
  /** Number of probes (the paper's n_v). Default 10. */
  probes?: number;
  /** Default 'gaussian'. */
  probe?: ProbeKind;
  /** Run seed. Default 0. */
  seed?: number;
  /**
   * Default 'auto': 'full' when its m + 1 stored vectors fit `memoryBudget`, else
   * 'selective' when its vectors fit, else 'none' (see memory.ts). The result records the choice.
   */
  reorth?: Reorth | 'auto';
  /** Per-run budget in bytes of stored Lanczos vectors for 'auto'. Default DEFAULT_MEMORY_BUDGET (512 MiB). */
  memoryBudget?: number;
  /** Settings of the 'selective' mode. */
  selective?: SelectiveOptions;
  /** Element type of the stored Lanczos vectors, or a store factory (e.g. a GPU store). Default 'float64'. */
  storage?: Precision | StoreFactory;
  /** Operator name, quoted in errors and stored in the result. */
  label?: string;
  /** Probe symmetry once before the first probe. Default true. */
  checkSymmetry?: boolean;
  symmetryTol?: number;
  breakdownTol?: number;
  /** Called after each finished probe with the result so far: the place to checkpoint. */
  onProbe?: (probe: SlqProbe, partial: SlqResult) => void | Promise<void>;
  /** Finished probes of an earlier run with the same settings; only missing probes are computed. */
  resumeFrom?: SlqResult | SlqProbe[];
}

/** Seed of probe `index` in a run seeded `seed`. */
export function probeSeed(seed: number, index: number): number {
  return deriveSeed(seed, index);
}

/** The (unnormalized) probe vector of the given kind drawn from `seed`: exactly what slq uses. */
export function probeVector(kind: ProbeKind, dim: number, seed: number): Float64Array {
  const rng = makeRng(seed);
  return kind === 'gaussian' ? gaussianVector(rng, dim) : rademacherVector(rng, dim);
}

/** Stream index for the symmetry probe: far from any probe index. */
const SYMMETRY_STREAM = 0x7fffffff;

/** The finished probes of `resume`, checked against this run's settings; the caller's array, so slq copies it. */
function resumedProbes(resume: SlqResult | SlqProbe[] | undefined, run: Omit<SlqResult, 'probes' | 'kind'>): SlqProbe[] {
  if (resume === undefined) return [];
  const where = run.label === undefined ? '' : ` [${run.label}]`;
  let probes: SlqProbe[];
  if (Array.isArray(resume)) {
    probes = resume;
  } else {
    const diffs: string[] = [];
    for (const key of ['dim', 'steps', 'probe', 'seed', 'reorth'] as const) {
      if (resume[key] !== run[key]) diffs.push(`${key}: ${resume[key]} vs ${run[key]}`);
    }
    const storage = (r: { storage?: Precision }) => r.storage ?? 'float64';
    if (storage(resume) !== storage(run)) diffs.push(`storage: ${storage(resume)} vs ${storage(run)}`);
    const sel = (r: { selective?: object }) => JSON.stringify(r.selective ?? null);
    if (sel(resume) !== sel(run)) diffs.push(`selective: ${sel(resume)} vs ${sel(run)}`);
    if (diffs.length > 0) throw new Error(`slq${where}: resumeFrom was run with different settings (${diffs.join(', ')})`);
    probes = resume.probes;
  }
  probes.forEach((p, i) => {
    if (p.index !== i || p.seed !== probeSeed(run.seed, i)) {
      throw new Error(`slq${where}: resumeFrom probe ${i} has index ${p.index} and seed ${p.seed}; expected index ${i} and seed ${probeSeed(run.seed, i)} (same seed and probe order required)`);
    }
  });
  return probes;
}

/**
 * Estimates the spectral measure of the symmetric operator `matvec` (dimension `dim`)
 * by SLQ. Cost: probes × steps matvecs (+2 for the symmetry probe).
 */
export async function slq(matvec: MatVec, dim: number, opts: SlqOptions = {}): Promise<SlqResult> {
  const nProbes = opts.probes ?? 10;
  if (!Number.isInteger(nProbes) || nProbes < 1) throw new Error(`slq: probes must be a positive integer, got ${nProbes}`);
  const steps = opts.steps ?? Math.min(100, dim);
  const storage = opts.storage ?? 'float64';
  // A factory's precision is read off one store it makes (host stores allocate nothing up front).
  const precision: Precision = typeof storage === 'function' ? storage(dim).precision : storage;
  const reorth = opts.reorth === undefined || opts.reorth === 'auto'
    ? chooseReorth(dim, steps, precision, opts.memoryBudget, opts.selective)
    : opts.reorth;
  const run = {
    dim,
    steps,
    probe: opts.probe ?? 'gaussian',
    seed: opts.seed ?? 0,
    reorth,
    storage: precision,
    ...(reorth === 'selective' ? { selective: selectiveSettings(opts.selective) } : {}),
    ...(opts.label === undefined ? {} : { label: opts.label }),
  } satisfies Omit<SlqResult, 'probes' | 'kind'>;
  const result: SlqResult = { kind: 'slq', ...run, probes: resumedProbes(opts.resumeFrom, run).slice(0, nProbes) };

  if (result.probes.length < nProbes && (opts.checkSymmetry ?? true)) {
    await checkSymmetric(matvec, dim, makeRng(deriveSeed(run.seed, SYMMETRY_STREAM)), opts.symmetryTol ?? 1e-6, opts.label);
  }
  for (let i = result.probes.length; i < nProbes; i++) {
    const seed = probeSeed(run.seed, i);
    const lz = await lanczos(matvec, dim, {
      steps: run.steps,
      reorth: run.reorth,
      selective: opts.selective,
      storage,
      start: probeVector(run.probe, dim, seed),
      checkSymmetry: false,
      ...(opts.label === undefined ? {} : { label: `${opts.label}, probe ${i + 1}` }),
      breakdownTol: opts.breakdownTol,
    });
    const eig = tridiagEig(lz.alpha, lz.beta);
    const probe: SlqProbe = {
      index: i,
      seed,
      nodes: Array.from(eig.values),
      weights: Array.from(eig.firstComponents, (c) => c * c),
      steps: lz.steps,
      breakdown: lz.breakdown,
      peakVectors: lz.peakVectors,
    };
    result.probes.push(probe);
    await opts.onProbe?.(probe, result);
  }
  return result;
}

/** An operator to analyse per block: its matvec and dimension. */
export interface BlockOperator {
  matvec: MatVec;
  dim: number;
}

/**
 * One SLQ run per named block (e.g. one per parameter tensor's sub-Hessian), in key
 * order. All blocks share the options and run seed; each block's label is its name.
 * `resumeFrom` maps block names to earlier (possibly partial) results.
 */
export async function slqBlocks(
  blocks: Record<string, BlockOperator>,
  opts: Omit<SlqOptions, 'label' | 'resumeFrom' | 'onProbe'> & {
    resumeFrom?: Record<string, SlqResult>;
    onProbe?: (block: string, probe: SlqProbe, partial: SlqResult) => void | Promise<void>;
    onBlock?: (block: string, result: SlqResult) => void | Promise<void>;
  } = {},
): Promise<Record<string, SlqResult>> {
  const { resumeFrom, onProbe, onBlock, ...common } = opts;
  const out: Record<string, SlqResult> = {};
  for (const [name, op] of Object.entries(blocks)) {
    out[name] = await slq(op.matvec, op.dim, {
      ...common,
      label: name,
      resumeFrom: resumeFrom?.[name],
      onProbe: onProbe && ((p, r) => onProbe(name, p, r)),
    });
    await onBlock?.(name, out[name]);
  }
  return out;
}
