/**
 * Block spectra along training (`--spectra-at 0,0.25,0.5,1`): one SGD and one
 * Adam run (by default the best learning rate of each from its grid; or the
 * rates of `--spectra-lr sgd=0.1,adam=1e-3`) is trained again, and at each
 * fraction of its steps the block spectra and JS⁰ are measured on the same
 * fixed Hessian batch, with the same SLQ settings and probe seed, as the
 * spectra at initialization. Training is deterministic (batches by step), so
 * the rerun is the grid's run; its final loss is checked against it.
 */
import { blockDim, blockSpectra } from '../hessian/index.js';
import { heterogeneityScore, pairwiseMatrix, slqMeasures } from '../analysis/index.js';
import type { BnMode } from '../models/model.js';
import type { Params } from '../tensor/index.js';
import type { SpectraSettings, TrainSettings } from './settings.js';
import { trainOne } from './train.js';
import type { OptimizerName, SpectraAtResult, SpectraResult, Task, TrainingResult, TrajectoryResult } from './types.js';

/**
 * Block spectra and JS⁰ at `params` (and BatchNorm `buffers`, read in 'eval'
 * mode): blockSpectra on batch 0 of the task with the probe seed `seed`,
 * exactly as measureSpectra does at initialization (no full-Hessian spectrum).
 */
export async function spectraAt(
  task: Task, s: SpectraSettings, seed: number, bn: BnMode, params: Params, buffers?: Params,
): Promise<SpectraAtResult> {
  const { model } = task;
  const batch = task.batch(s.batch, 0);
  const blocks = model.blocks().map((b) => ({ ...b, dim: blockDim(params, b) }));
  const loss = (p: Params) => model.loss(p, batch, bn, buffers);
  const { results: slq } = await blockSpectra(loss, params, blocks, { steps: s.steps, probes: s.probes, seed, probe: 'gaussian', reorth: 'full' });
  const js = blocks.length >= 2 ? pairwiseMatrix(slqMeasures(slq), 'js', { sigma2: s.sigma2 }) : null;
  return { js0: js ? heterogeneityScore(js) : null, slq };
}

/** Which runs to follow: the learning rate per optimizer, from `--spectra-lr` or else the grid's best for sgd and adam. */
export function trajectoryRuns(
  training: TrainingResult | null, chosen: Partial<Record<OptimizerName, number>> | undefined,
): { optimizer: OptimizerName; lr: number; lrFrom: 'flag' | 'grid' }[] {
  if (chosen) return Object.entries(chosen).map(([o, lr]) => ({ optimizer: o as OptimizerName, lr: lr!, lrFrom: 'flag' as const }));
  const out: { optimizer: OptimizerName; lr: number; lrFrom: 'grid' }[] = [];
  for (const o of ['sgd', 'adam'] as const) {
    const b = training?.best[o];
    if (b) out.push({ optimizer: o, lr: b.lr, lrFrom: 'grid' });
  }
  return out;
}

/** The step of each fraction of a run of `steps` steps (rounded; fraction 1 is after the last step). */
export const stepsAt = (fractions: readonly number[], steps: number): number[] => fractions.map((f) => Math.round(f * steps));

/**
 * Trains `optimizer` at `lr` and measures spectra at each fraction. The point
 * at step 0 reuses `init` (the spectra at initialization: same parameters,
 * batch and probes) when there is one.
 */
export async function followRun(
  task: Task, train: TrainSettings, spectra: SpectraSettings, seed: number, bn: BnMode,
  run: { optimizer: OptimizerName; lr: number; lrFrom: 'flag' | 'grid' }, fractions: readonly number[], init: SpectraResult | null,
  log: (line: string) => void,
): Promise<TrajectoryResult> {
  const steps = stepsAt(fractions, train.steps);
  const at: TrajectoryResult['at'] = [];
  const r = await trainOne(task, train, run.optimizer, run.lr, () => {}, undefined, {
    at: {
      steps,
      fn: async (step, params, buffers) => {
        const m = step === 0 && init ? { js0: init.js0, slq: init.slq } : await spectraAt(task, spectra, seed, bn, params, buffers);
        for (const [i, s] of steps.entries()) if (s === step) at.push({ fraction: fractions[i], step, ...m });
        log(`${run.optimizer} lr ${run.lr}: step ${step}/${train.steps}: JS⁰ = ${m.js0?.toFixed(4) ?? '—'}`);
      },
    },
  });
  return { optimizer: run.optimizer, lr: run.lr, lrFrom: run.lrFrom, finalLoss: r.finalLoss, diverged: r.diverged !== null, at };
}
