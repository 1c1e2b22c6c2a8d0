/**
 * What each preset of the experiment runs: data sizes, the Hessian batch,
 * SLQ settings, and the SGD/Adam learning-rate grids. One place, so the
 * README and results.json can quote it.
 *
 * Learning-rate grids (both optimizers get the same steps, batches,
 * schedule — linear warmup over 5% of the steps then cosine decay to 10% —
 * and gradient clipping at global norm 1):
 *   SGD, momentum 0.9:            {0.3, 0.1, 0.03}
 *   Adam (β = 0.9, 0.999, ε 1e-8): {3e-3, 1e-3, 3e-4}
 * The best run of each is the one with the lowest final training loss
 * (mean of the last 10% of steps).
 */
import type { Preset } from '../models/model.js';

export interface SpectraSettings {
  /** Examples (or text windows) in the fixed batch the Hessian is measured on. */
  batch: number;
  /** Lanczos steps per probe (the paper's m = 100) and probes (n_v = 10). */
  steps: number;
  probes: number;
  /** Steps and probes for the full Hessian (dimension = all parameters). */
  fullSteps: number;
  fullProbes: number;
  /** Gaussian broadening σ² of the raw-axis densities (the paper's 1e-5). */
  sigma2: number;
}

export interface TrainSettings {
  steps: number;
  batch: number;
  sgdLrs: number[];
  adamLrs: number[];
  clip: number;
  /** Losses are recorded every step; held-out loss on this many examples at the end. */
  heldOut: number;
}

export interface Settings {
  spectra: SpectraSettings;
  train: TrainSettings;
}

const GRIDS = { sgdLrs: [0.3, 0.1, 0.03], adamLrs: [3e-3, 1e-3, 3e-4], clip: 1 };

/**
 * Per-model adjustments. GPT's batches count windows of T characters, each
 * window carrying T predictions: 16 windows of 32 characters are 512 targets,
 * the B·T of MEASURED.md's reference Transformer.
 */
const MODEL_OVERRIDES: Partial<Record<string, Partial<Record<Preset, { spectraBatch: number; trainBatch: number }>>>> = {
  gpt: { small: { spectraBatch: 16, trainBatch: 16 } },
  // BERT's windows are GPT's, with 5 of each 32 characters predicted (80 targets); more windows would make it slower than the ViT.
  bert: { small: { spectraBatch: 16, trainBatch: 16 } },
};

/** The settings a model runs with under a preset. */
export function settingsFor(model: string, preset: Preset): Settings {
  const base = SETTINGS[preset];
  const o = MODEL_OVERRIDES[model]?.[preset];
  if (!o) return base;
  return { spectra: { ...base.spectra, batch: o.spectraBatch }, train: { ...base.train, batch: o.trainBatch } };
}

export const SETTINGS: Record<Preset, Settings> = {
  tiny: {
    spectra: { batch: 16, steps: 8, probes: 2, fullSteps: 8, fullProbes: 1, sigma2: 1e-5 },
    train: { steps: 8, batch: 16, ...GRIDS, sgdLrs: [0.1], adamLrs: [1e-3], heldOut: 64 },
  },
  small: {
    spectra: { batch: 64, steps: 32, probes: 3, fullSteps: 32, fullProbes: 2, sigma2: 1e-5 },
    train: { steps: 300, batch: 64, ...GRIDS, heldOut: 1000 },
  },
  paper: {
    spectra: { batch: 128, steps: 100, probes: 10, fullSteps: 100, fullProbes: 10, sigma2: 1e-5 },
    train: { steps: 5000, batch: 128, ...GRIDS, heldOut: 2000 },
  },
};
