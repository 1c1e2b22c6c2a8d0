/**
 * The experiment pipeline for one or more models: spectra at initialization,
 * SGD versus Adam, and (for `quadratic`) the paper's four quadratic cases.
 * Each finished piece — an SLQ probe, a training run — is checkpointed
 * atomically under DIR/checkpoints, so `--resume` reuses it.
 */
import path from 'node:path';
import { type Preset, paramCount } from '../models/model.js';
import type { Progress } from '../report/progress.js';
import { readJsonIfExists, writeJsonAtomic } from '../report/files.js';
import { runQuadraticCases } from './quadratic.js';
import { settingsFor } from './settings.js';
import { measureSpectra } from './spectra.js';
import { makeTask } from './task.js';
import { summarize, trainOne } from './train.js';
import type { ModelName, ModelResult, ModelRunOptions, RunResult, SpectraResult } from './types.js';

interface Checkpoint {
  preset: Preset;
  seed: number;
  spectra?: Partial<SpectraResult>;
  spectraDone?: SpectraResult;
  runs?: RunResult[];
}

export async function runModel(name: ModelName, o: ModelRunOptions, progress: Progress): Promise<ModelResult> {
  const t0 = performance.now();
  const ckptPath = path.join(o.out, 'checkpoints', `${name}.json`);
  if (name === 'quadratic') {
    progress.start('quadratic cases', 4);
    const cases = runQuadraticCases(o.preset, o.seed, (c) => progress.update(c - 1, `case ${c}`));
    progress.update(4);
    return { kind: 'quadratic', model: 'quadratic', preset: o.preset, seed: o.seed, cases, seconds: (performance.now() - t0) / 1000 };
  }
  let ck: Checkpoint = { preset: o.preset, seed: o.seed };
  if (o.resume) {
    const prev = await readJsonIfExists<Checkpoint>(ckptPath);
    if (prev && prev.preset === o.preset && prev.seed === o.seed) {
      ck = prev;
      progress.log(`${name}: resuming (${Object.keys(prev.spectra?.slq ?? {}).length} block spectra started, ${prev.runs?.length ?? 0} training runs done)`);
    } else if (prev) {
      progress.log(`${name}: checkpoint is for another preset or seed; starting over`);
    }
  }
  const save = () => writeJsonAtomic(ckptPath, ck);
  const settings = settingsFor(name, o.preset);
  const task = makeTask(name, o.preset, o.seed, o.data);
  const params = paramCount(task.model.params);
  progress.log(`${name} (${o.preset}): ${params.toLocaleString('en-US')} parameters, ${task.model.blocks().length} blocks; data: ${task.data}`);

  // 1. Spectra at initialization.
  let spectra = ck.spectraDone;
  if (!spectra) {
    let label = '';
    spectra = await measureSpectra(task, settings.spectra, o.seed, ck.spectra,
      (what, done, total) => {
        if (what !== label) { label = what; progress.start(`${name}: ${what}`, total, done); } else progress.update(done);
      },
      async (partial) => { ck.spectra = { ...ck.spectra, ...partial }; await save(); });
    ck.spectraDone = spectra;
    delete ck.spectra;
    await save();
  }
  if (spectra.js0 !== null) progress.log(`${name}: JS⁰ = ${spectra.js0.toFixed(4)} over ${spectra.blocks.length} blocks`);

  // 2. SGD versus Adam over the learning-rate grids.
  const grid = [
    ...settings.train.sgdLrs.map((lr) => ({ optimizer: 'sgd' as const, lr })),
    ...settings.train.adamLrs.map((lr) => ({ optimizer: 'adam' as const, lr })),
  ];
  ck.runs ??= [];
  for (const g of grid) {
    if (ck.runs.some((r) => r.optimizer === g.optimizer && r.lr === g.lr)) continue;
    progress.start(`${name}: ${g.optimizer} lr ${g.lr}`, settings.train.steps);
    const r = await trainOne(task, settings.train, g.optimizer, g.lr, (step, loss) => progress.update(step + 1, `loss ${loss.toFixed(4)}`));
    progress.log(r.diverged
      ? `${name}: ${g.optimizer} lr ${g.lr} diverged at step ${r.diverged.step} (loss ${r.diverged.loss})`
      : `${name}: ${g.optimizer} lr ${g.lr}: final loss ${r.finalLoss!.toFixed(4)}, held-out accuracy ${(100 * r.heldOutAccuracy!).toFixed(1)}%`);
    ck.runs.push(r);
    await save();
  }
  const training = summarize(settings.train, ck.runs);
  return {
    kind: 'neural', model: name, preset: o.preset, seed: o.seed, config: task.model.config, params, data: task.data,
    spectra, training, seconds: (performance.now() - t0) / 1000,
  };
}
