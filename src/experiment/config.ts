/**
 * Every setting that changes a result, in the user's hands: the presets give
 * defaults (settings.ts), and `--probes`, `--steps`, … or a `--config FILE`
 * (JSON with the same names) override them. Values are validated where they
 * enter: a bad value is a `ConfigError` that names the setting, the value and
 * what is valid, before any work starts. results.json records the settings a
 * run actually used.
 */
import { BN_MODES, type BnMode } from '../models/model.js';
import type { Preset } from '../models/model.js';
import { FIGURE_FORMATS, type FigureFormat, parseFigureFormats } from '../report/exports.js';
import { type Settings, settingsFor } from './settings.js';

/** A bad setting: the CLI turns it into exit code 2. */
export class ConfigError extends Error {}

export const ONLY = ['spectra', 'train', 'all'] as const;
export type Only = (typeof ONLY)[number];
export const OPTIMIZERS = ['sgd', 'adam', 'sgd-blockwise', 'adam-mini'] as const;
export type OptimizerChoice = (typeof OPTIMIZERS)[number];
/** The learning-rate grid each optimizer searches: SGD's for the SGD family, Adam's for the Adam family. */
export const GRID_OF: Record<OptimizerChoice, 'sgdLrs' | 'adamLrs'> = { sgd: 'sgdLrs', 'sgd-blockwise': 'sgdLrs', adam: 'adamLrs', 'adam-mini': 'adamLrs' };
/**
 * Where the learning rates of a several-seed run come from: `each` searches
 * every seed's grid; `first` searches the first seed's grid only and runs the
 * later seeds at each optimizer's best learning rate of the first (the common
 * "tune once, report over seeds" protocol; a third of the training runs).
 */
export const TUNE_LRS = ['each', 'first'] as const;
export type TuneLrs = (typeof TUNE_LRS)[number];

/** The settings a user may override, by the names `--config` files use (CLI flags are the kebab-case forms). */
export interface Overrides {
  /** SLQ: probes and Lanczos steps per block, and the fixed batch the Hessian is measured on. */
  probes?: number;
  steps?: number;
  spectraBatch?: number;
  /** Gaussian broadening σ² of the raw-axis densities. */
  sigma2?: number;
  /** BatchNorm semantics for the Hessian (see BN_MODES in src/models/model.ts). */
  bn?: BnMode;
  /** Training: steps, batch, learning-rate grids, optimizers. */
  trainSteps?: number;
  trainBatch?: number;
  sgdLrs?: number[];
  adamLrs?: number[];
  optimizers?: OptimizerChoice[];
  /** Extend a learning-rate grid whose best value sits at an end, at most this many times per direction (0: never). */
  gridExtensions?: number;
  /** Seeds to run (each seed reruns everything); several seeds give intervals across seeds. */
  seeds?: number[];
  /** Which phases to run. */
  only?: Only;
  /** Keep adding SLQ probes until the half-width of JS⁰'s interval is below this (0: off). */
  jsTol?: number;
  /** Several seeds: search every seed's learning-rate grid, or the first seed's only (TUNE_LRS). */
  tuneLrs?: TuneLrs;
}

/** Names accepted in a `--config` file, for the error on an unknown key. */
export const OVERRIDE_KEYS: readonly (keyof Overrides)[] = [
  'probes', 'steps', 'spectraBatch', 'sigma2', 'bn', 'trainSteps', 'trainBatch', 'sgdLrs', 'adamLrs', 'optimizers',
  'gridExtensions', 'seeds', 'only', 'jsTol', 'tuneLrs',
];

/** The largest seed: runs derive sub-seeds as seed + small offsets, which must stay exact integers. */
export const MAX_SEED = 2 ** 31 - 1;

function fail(what: string, value: unknown, valid: string): never {
  throw new ConfigError(`${what}: ${JSON.stringify(value)} is not valid; ${valid}`);
}

const positiveInt = (what: string, v: unknown, max = 1e7): number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max ? v : fail(what, v, `expected an integer from 1 to ${max}`);

const positive = (what: string, v: unknown): number =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fail(what, v, 'expected a finite number > 0');

const seed = (what: string, v: unknown): number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_SEED ? v : fail(what, v, `expected an integer seed from 0 to ${MAX_SEED}`);

function list<T>(what: string, v: unknown, item: (what: string, x: unknown) => T): T[] {
  if (!Array.isArray(v) || v.length === 0) fail(what, v, 'expected a non-empty list');
  const out = v.map((x, i) => item(`${what}[${i}]`, x));
  if (new Set(out.map((x) => JSON.stringify(x))).size !== out.length) fail(what, v, 'expected no repeated values');
  return out;
}

function oneOf<T extends string>(what: string, v: unknown, valid: readonly T[]): T {
  return (valid as readonly unknown[]).includes(v) ? (v as T) : fail(what, v, `valid: ${valid.join(', ')}`);
}

/** Checks a parsed overrides object (from the CLI or a config file); unknown keys are errors naming the valid ones. */
export function checkOverrides(raw: Record<string, unknown>, where = 'settings'): Overrides {
  const o: Overrides = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    const what = `${where}: ${k}`;
    switch (k as keyof Overrides) {
      case 'probes': o.probes = positiveInt(what, v, 10_000); break;
      case 'steps': o.steps = positiveInt(what, v, 100_000); break;
      case 'spectraBatch': o.spectraBatch = positiveInt(what, v, 1_000_000); break;
      case 'sigma2': o.sigma2 = positive(what, v); break;
      case 'bn': o.bn = oneOf(what, v, BN_MODES); break;
      case 'trainSteps': o.trainSteps = positiveInt(what, v); break;
      case 'trainBatch': o.trainBatch = positiveInt(what, v, 1_000_000); break;
      case 'sgdLrs': o.sgdLrs = list(what, v, positive); break;
      case 'adamLrs': o.adamLrs = list(what, v, positive); break;
      case 'optimizers': o.optimizers = list(what, v, (w, x) => oneOf(w, x, OPTIMIZERS)); break;
      case 'gridExtensions':
        o.gridExtensions = typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 10 ? v : fail(what, v, 'expected an integer from 0 to 10');
        break;
      case 'seeds': o.seeds = list(what, v, seed); break;
      case 'only': o.only = oneOf(what, v, ONLY); break;
      case 'tuneLrs': o.tuneLrs = oneOf(what, v, TUNE_LRS); break;
      case 'jsTol': o.jsTol = typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fail(what, v, 'expected a number ≥ 0'); break;
      default:
        throw new ConfigError(`${where}: unknown setting '${k}'; valid: ${OVERRIDE_KEYS.join(', ')}`);
    }
  }
  return o;
}

export { FIGURE_FORMATS };

/** `--formats`: the figure files to write besides report.html; a bad name is a ConfigError naming the valid ones. */
export function checkFormats(value: string): FigureFormat[] {
  try {
    return parseFigureFormats(value);
  } catch (e) {
    throw new ConfigError(`--formats: ${(e as Error).message}`);
  }
}

/** What a model runs with: its preset's settings with the overrides applied. */
export interface ResolvedSettings extends Settings {
  bn: BnMode;
  optimizers: OptimizerChoice[];
  gridExtensions: number;
  only: Only;
  jsTol: number;
  tuneLrs: TuneLrs;
}

/** The preset's settings for `model`, overridden where the user said so. */
export function resolveSettings(model: string, preset: Preset, o: Overrides): ResolvedSettings {
  const base = settingsFor(model, preset);
  return {
    spectra: {
      ...base.spectra,
      ...(o.probes !== undefined ? { probes: o.probes } : {}),
      ...(o.steps !== undefined ? { steps: o.steps, fullSteps: o.steps } : {}),
      ...(o.spectraBatch !== undefined ? { batch: o.spectraBatch } : {}),
      ...(o.sigma2 !== undefined ? { sigma2: o.sigma2 } : {}),
    },
    train: {
      ...base.train,
      ...(o.trainSteps !== undefined ? { steps: o.trainSteps } : {}),
      ...(o.trainBatch !== undefined ? { batch: o.trainBatch } : {}),
      ...(o.sgdLrs ? { sgdLrs: o.sgdLrs } : {}),
      ...(o.adamLrs ? { adamLrs: o.adamLrs } : {}),
    },
    bn: o.bn ?? 'eval',
    optimizers: o.optimizers ?? ['sgd', 'adam'],
    gridExtensions: o.gridExtensions ?? 2,
    only: o.only ?? 'all',
    jsTol: o.jsTol ?? 0,
    tuneLrs: o.tuneLrs ?? 'each',
  };
}
