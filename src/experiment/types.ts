/**
 * The experiment's options and result types, in one place so that the
 * pipeline's files (run, outputs, summary, main) import types from here
 * rather than from each other.
 */
import type { Preset } from '../models/model.js';
import type { QuadraticCaseResult } from './quadratic.js';
import type { SpectraResult } from './spectra.js';
import type { ModelName, NeuralModel } from './task.js';
import type { TrainingResult } from './train.js';

/** What a run of `npm run experiment` was asked to do (recorded in results.json as `options`). */
export interface ExperimentOptions {
  model: ModelName[];
  preset: Preset;
  backend: 'auto' | 'webgpu' | 'cpu';
  seed: number;
  out: string;
  resume: boolean;
  data?: string;
}

/** What one model's run needs from the options. */
export type ModelRunOptions = Pick<ExperimentOptions, 'preset' | 'seed' | 'out' | 'resume' | 'data'>;

export interface NeuralResult {
  kind: 'neural';
  model: NeuralModel;
  preset: Preset;
  seed: number;
  config: unknown;
  params: number;
  data: string;
  spectra: SpectraResult;
  training: TrainingResult;
  seconds: number;
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
