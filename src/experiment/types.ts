/**
 * The experiment's options and result types, in one place so that the
 * pipeline's files (run, outputs, summary, main) import types from here
 * rather than from each other.
 */
import type { PairwiseMatrix, SlqResult } from '../analysis/index.js';
import type { BlockSpec } from '../hessian/index.js';
import type { Batch, BnMode, Model, Preset } from '../models/model.js';
import type { CaseId } from '../models/quadratic.js';
import type { HostTrial } from '../optim/host.js';
import type { FigureFormat } from '../report/index.js';
import type { OptimizerChoice, Overrides, ResolvedSettings } from './config.js';
import type { AnalysisSettings, SpectraAnalysis } from './derive.js';
import type { SpectraSettings, TrainSettings } from './settings.js';

/** The models `--model` accepts. */
export const NEURAL_MODELS = ['mlp', 'cnn', 'vgg', 'vit', 'gpt', 'mixer', 'bert', 'hetero-mlp'] as const;
export const MODELS = [...NEURAL_MODELS, 'quadratic'] as const;
export type ModelName = (typeof MODELS)[number];
export type NeuralModel = (typeof NEURAL_MODELS)[number];

/** What a run of `npm run experiment` was asked to do (recorded in results.json as `options`). */
export interface ExperimentOptions {
  model: ModelName[];
  preset: Preset;
  backend: 'auto' | 'webgpu' | 'cpu';
  /** Seeds to run; one unless `--seeds` names several. */
  seeds: number[];
  out: string;
  resume: boolean;
  data?: string;
  /** hetero-mlp: the values of r to sweep (`--hetero 1,10,100`). */
  hetero?: number[];
  /** Figure files to write besides report.html. */
  formats: FigureFormat[];
  /** The settings the user overrode (CLI flags and `--config`); the rest come from the preset. */
  overrides: Overrides;
  /** How JS⁰ is headlined and its interval obtained (derived after the run; `npm run report` can redo it). */
  analysis: AnalysisSettings;
  /** `--save-weights`: write each training run's final weights under DIR/weights (weights.ts). */
  saveWeights?: boolean;
  /** `--init-from FILE`: start every model (spectra and training) from these weights instead of its initialization. */
  initFrom?: string;
  /** `--spectra-at`: fractions of a run's steps at which to measure block spectra along training (trajectory.ts). */
  spectraAt?: number[];
  /** `--spectra-lr`: the learning rate of each followed run (default: the best of sgd's and adam's grids). */
  spectraLr?: Partial<Record<OptimizerName, number>>;
  /** `--pretrain STEPS` (gpt): AdamW pretraining on Moby Dick, then spectra and fine-tuning on another text (pretrain.ts). */
  pretrain?: number;
}

/** What one model's run needs from the options. */
export interface ModelRunOptions extends Pick<ExperimentOptions,
  'preset' | 'out' | 'resume' | 'data' | 'overrides' | 'analysis' | 'saveWeights' | 'initFrom' | 'spectraAt' | 'spectraLr' | 'pretrain'> {
  /** The backend the run computes on (part of every checkpoint's fingerprint). */
  backend: { name: string; device: string };
  /** `--tune-lrs first`, seeds after the first: run each optimizer at these learning rates only. */
  lrsFrom?: LrsFrom;
}

export interface NeuralResult {
  kind: 'neural';
  model: NeuralModel;
  preset: Preset;
  seed: number;
  /** hetero-mlp only: the r of this run. */
  hetero?: number;
  config: unknown;
  params: number;
  data: string;
  /** Every setting this run used (preset defaults with the user's overrides). */
  settings: ResolvedSettings;
  /** Null when `--only train`. */
  spectra: SpectraResult | null;
  /** Null when `--only spectra`. */
  training: TrainingResult | null;
  /** `--init-from`: the weights file the model started from. */
  initFrom?: { file: string; sha256: string; buffers: boolean };
  /** `--spectra-at`: block spectra along one run per optimizer. */
  trajectory?: TrajectoryResult[];
  /** `--pretrain`: spectra and SGD vs Adam at the pretrained point, beside those at initialization. */
  pretrained?: PretrainedResult;
  seconds: number;
}

/** Block spectra and JS⁰ at one point (no full-Hessian spectrum). */
export interface SpectraAtResult { js0: number | null; slq: Record<string, SlqResult> }

export interface TrajectoryResult {
  optimizer: OptimizerName;
  lr: number;
  /** 'grid': the best learning rate of the optimizer's grid; 'flag': given by `--spectra-lr`. */
  lrFrom: 'grid' | 'flag';
  finalLoss: number | null;
  diverged: boolean;
  /** One point per fraction (fewer when the run diverged): step = round(fraction · steps). */
  at: ({ fraction: number; step: number } & SpectraAtResult)[];
}

export interface PretrainedResult {
  steps: number;
  /** How the pretraining ran (optimizer, learning rate, text). */
  recipe: string;
  pretrainText: string;
  fineTuneText: string;
  /** Final pretraining loss (mean of the last 10% of steps) on the pretraining text. */
  pretrainLoss: number | null;
  /** JS⁰ at initialization and at the pretrained point, both on the fine-tuning text's Hessian batch. */
  js0Init: number | null;
  js0Pretrained: number | null;
  /** Best SGD − best Adam final loss training from initialization, and fine-tuning from the pretrained point. */
  gapInit: number | null;
  fineTuningGap: number | null;
  spectra: SpectraAtResult;
  /** The SGD-vs-Adam grids fine-tuning from the pretrained weights. */
  training: TrainingResult | null;
}

export interface QuadraticResult {
  kind: 'quadratic';
  model: 'quadratic';
  preset: Preset;
  seed: number;
  cases: QuadraticCaseResult[];
  seconds: number;
}

export type ModelResult = NeuralResult | QuadraticResult;

/** A model together with its data: batches random-access by step, so every optimizer run sees the same batches. */
export interface Task {
  model: Model;
  /** Training batch number `step` (seeded). */
  batch(size: number, step: number): Batch;
  /** A fixed held-out batch of `size` examples. */
  heldOut(size: number): Batch;
  data: string;
  /** SHA-256 of the data the task draws from: a checkpoint made on other data is refused on resume. */
  dataId: string;
}

// Phase 1: spectra at initialization (spectra.ts).
export interface SpectraResult {
  settings: SpectraSettings & { axis: 'raw'; probe: 'gaussian'; reorth: 'full'; bn: BnMode };
  blocks: (BlockSpec & { dim: number })[];
  slq: Record<string, SlqResult>;
  full: SlqResult | null;
  js: PairwiseMatrix | null;
  js0: number | null;
  w1: PairwiseMatrix | null;
  w10: number | null;
  /** The headline JS⁰ with its interval, every convention's scores, the SLQ check (derived from the stored nodes; see derive.ts). */
  analysis?: SpectraAnalysis | null;
  /** With `--js-tol`: the probes per block it took to bring JS⁰'s interval half-width below the tolerance (or the cap). */
  jsTol?: { tolerance: number; probes: number; halfWidth: number; reached: boolean };
  /** Sweeps (k-tangent HVP passes) used for the blocks. */
  sweeps: number;
  seconds: number;
}

// Phase 2: SGD versus Adam (train.ts).
export type OptimizerName = OptimizerChoice;

/** A loss as JSON can hold it: the number when finite, else 'NaN', 'Infinity' or '-Infinity'. */
export type JsonLoss = number | 'NaN' | 'Infinity' | '-Infinity';

export interface RunResult {
  optimizer: OptimizerName;
  lr: number;
  /** Training loss at every step (until divergence). */
  losses: number[];
  /** Mean of the last 10% of the recorded losses; null if diverged. */
  finalLoss: number | null;
  /** Where the loss turned non-finite; JSON has no NaN/Inf, so the loss is kept as its name (see `jsonLoss`). */
  diverged: { step: number; loss: JsonLoss } | null;
  heldOutLoss: number | null;
  heldOutAccuracy: number | null;
  seconds: number;
}

export interface TrainingResult {
  settings: TrainSettings & {
    optimizers: OptimizerName[]; schedule: string; sgdMomentum: number; adamBetas: [number, number]; bestBy: string;
  };
  runs: RunResult[];
  /** Best run of each optimizer that ran (null when all its runs diverged). */
  best: Partial<Record<OptimizerName, { lr: number; finalLoss: number } | null>>;
  /** Per optimizer: the learning rates added past an end of its grid, and whether the best still sits at an end. */
  grids: Partial<Record<OptimizerName, { extended: { lr: number; direction: 'up' | 'down' }[]; atEdge: boolean }>>;
  /** Best SGD final loss minus best Adam final loss (positive: Adam ahead). */
  gap: number | null;
  /** Each optimizer's best final loss minus Adam's (sgd, sgd-blockwise, adam-mini). */
  gaps: Partial<Record<OptimizerName, number | null>>;
  /** `--tune-lrs first`: the seed whose grid search chose these learning rates; no grid was searched here. */
  lrsFrom?: LrsFrom;
}

/** Learning rates taken from another seed's grid search instead of searching this seed's (`--tune-lrs first`). */
export interface LrsFrom { seed: number; lrs: Partial<Record<OptimizerName, number>> }

// Phase 3: the quadratics (quadratic.ts).
/** One tuned run: the curves of the best learning rate of its grid. */
export interface QuadRun {
  method: string;
  lr: number;
  beta1?: number;
  beta2?: number;
  iterations: number[];
  /** f(w) − f* (may dip a hair below 0 from rounding at convergence). */
  loss: number[];
  gradNorm: number[];
  diverged: boolean;
  /** Every grid point tried. */
  trials: HostTrial[];
}

export interface QuadResult {
  caseId: CaseId;
  seed: number;
  steps: number;
  kappa: number;
  blockEigenvalues: number[][];
  blockKappas: number[];
  fStar: number;
  /** GD, Adam (β1 = 0.9, β2 = 0.999), and the theory's Adam (β1 = 0, β2 = 1: v frozen at g₀²). */
  runs: QuadRun[];
}

/** A run's final gradient norm (10^ the median log10 over its last 10% of iterations) and its tuned learning rate. */
export interface FinalRun { method: string; lr: number; gradNorm: number }

export interface QuadraticCaseResult extends QuadResult {
  js: PairwiseMatrix;
  js0: number;
  /** GD, and the best (lowest final gradient norm) of the Adam variants that did not diverge. */
  best: { gd: FinalRun; adam: FinalRun };
  /** How the final gradient norms are read (see `finalLogGradNorm`). */
  leadStatistic: string;
  /** GD's final log10 gradient norm minus the best Adam's: Adam's lead in decades. */
  adamLeadDecades: number;
}
