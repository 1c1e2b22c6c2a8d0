/**
 * The timing half of the dry run: a few block sweeps, full-Hessian sweeps and
 * training steps of the real pipeline at a reduced batch on the CPU backend,
 * and the projection of a full run's time from per-sweep and per-step seconds.
 *
 * Projected time of one model and seed (every count from the settings):
 *   T = probes · m_b · t_block(B_s) + fullProbes · m_f · t_full(B_s) + R · steps · t_step(B_t)
 * m_b = the largest block's Lanczos steps (min(steps, dim)): blocks run in
 * lockstep, so a probe costs as many sweeps as its longest block; m_f =
 * min(fullSteps, parameters); R = training runs (the learning rates of every
 * optimizer's grid; up to 2·gridExtensions more per optimizer when a best
 * sits at an end). Times measured at batch b are scaled to the preset's batch B
 * linearly, t(B) = t(b)·B/b. Not counted: the host-side Lanczos work (for
 * 'full' reorthogonalization O(m²·dim) per probe and block) and the held-out
 * evaluations (one forward each).
 */
import { hvpMulti } from '../autodiff/index.js';
import { blockSpectra } from '../hessian/index.js';
import { createCpuBackend } from '../kernels/cpu/index.js';
import type { Preset } from '../models/model.js';
import { disposeTree } from '../optim/index.js';
import { type Tensor, fromArray, tidy } from '../tensor/index.js';
import { GRID_OF, type ResolvedSettings } from './config.js';
import { withBackend } from './dryrun-trace.js';
import { makeTask } from './task.js';
import { trainOne } from './train.js';
import type { NeuralModel } from './types.js';

/** Seconds per block sweep, full-Hessian sweep and training step, at `spectraBatch` / `trainBatch`. */
export interface StepTimes {
  blockSweep: number;
  fullSweep: number;
  trainStep: number;
  spectraBatch: number;
  trainBatch: number;
  /** Where they were measured ('cpu', or what a `--timings` file says). */
  source: string;
}

/** How much of the reduced run to time. */
export interface TimingRun { batch: number; steps: number; probes: number; trainSteps: number; seed: number }

/** Per-item seconds from the times at which items finished: the mean gap after the first (a warm-up), or the first alone. */
function perItem(start: number, ends: number[]): number {
  if (ends.length === 0) throw new Error('dry run: nothing was timed');
  if (ends.length === 1) return (ends[0] - start) / 1000;
  return (ends[ends.length - 1] - ends[0]) / 1000 / (ends.length - 1);
}

/** Times the reduced run of one model on the CPU backend. */
export async function measureTimes(name: NeuralModel, preset: Preset, s: ResolvedSettings, r: TimingRun): Promise<StepTimes> {
  return withBackend(createCpuBackend(), async () => {
    const task = makeTask(name, preset, r.seed);
    const { model } = task;
    const batch = task.batch(r.batch, 0);
    const loss = (p: Record<string, Tensor>) => model.loss(p, batch, s.bn);

    // Block sweeps: the real blockSpectra, each sweep answering every block's Lanczos step.
    const sweepEnds: number[] = [];
    const t0 = performance.now();
    await blockSpectra(loss, model.params, model.blocks(), {
      steps: r.steps, probes: r.probes, seed: r.seed, probe: 'gaussian', reorth: 'auto', storage: 'float32',
      onSweep: () => { sweepEnds.push(performance.now()); },
    });
    const blockSweep = perItem(t0, sweepEnds);

    // Full-Hessian sweeps: one tangent over every parameter, as fullSpectrum's matvec (without its host vectors).
    const fullEnds: number[] = [];
    const t1 = performance.now();
    for (let i = 0; i < r.steps; i++) {
      const hv = tidy(() => {
        const v = Object.fromEntries(Object.entries(model.params).map(([k, t]) => [k, fromArray(new Float32Array(t.size).fill(1e-3), t.shape, t.dtype)]));
        return hvpMulti(loss, model.params, [v])[0];
      });
      for (const t of Object.values(hv)) await t.data();
      disposeTree(hv);
      fullEnds.push(performance.now());
    }
    const fullSweep = perItem(t1, fullEnds);
    disposeTree(batch);

    // Training steps: the real trainOne; onStep fires once a step's loss is read, so the gaps are whole steps.
    const stepEnds: number[] = [];
    const t2 = performance.now();
    const train = { ...s.train, batch: r.batch, steps: Math.max(2, r.trainSteps), heldOut: r.batch };
    await trainOne(task, train, 'adam', s.train.adamLrs[0], () => { stepEnds.push(performance.now()); });
    const trainStep = perItem(t2, stepEnds);
    disposeTree([model.params, model.buffers ?? {}]);
    return { blockSweep, fullSweep, trainStep, spectraBatch: r.batch, trainBatch: r.batch, source: 'cpu' };
  });
}

/** How many sweeps and steps a full run of the settings makes. */
export interface RunCounts {
  blockSweeps: number;
  fullSweeps: number;
  /** Training runs without grid extensions, and at most with them. */
  trainRuns: number;
  trainRunsMax: number;
  trainSteps: number;
}

export function runCounts(s: ResolvedSettings, blockDims: number[], params: number): RunCounts {
  const spectra = s.only !== 'train';
  const train = s.only !== 'spectra';
  const perProbe = Math.max(...blockDims.map((d) => Math.min(s.spectra.steps, d)));
  const trainRuns = train ? s.optimizers.reduce((a, o) => a + s.train[GRID_OF[o]].length, 0) : 0;
  return {
    blockSweeps: spectra ? s.spectra.probes * perProbe : 0,
    fullSweeps: spectra ? s.spectra.fullProbes * Math.min(s.spectra.fullSteps, params) : 0,
    trainRuns,
    trainRunsMax: train ? trainRuns + s.optimizers.length * 2 * s.gridExtensions : 0,
    trainSteps: s.train.steps,
  };
}

/** Seconds of a full run, by part, from times scaled to the preset's batches. */
export interface Projection { blockSpectra: number; fullSpectrum: number; training: number; total: number; totalMax: number }

export function project(c: RunCounts, t: StepTimes, spectraBatch: number, trainBatch: number): Projection {
  const block = c.blockSweeps * t.blockSweep * (spectraBatch / t.spectraBatch);
  const full = c.fullSweeps * t.fullSweep * (spectraBatch / t.spectraBatch);
  const step = t.trainStep * (trainBatch / t.trainBatch);
  const training = c.trainRuns * c.trainSteps * step;
  return {
    blockSpectra: block, fullSpectrum: full, training,
    total: block + full + training, totalMax: block + full + c.trainRunsMax * c.trainSteps * step,
  };
}
