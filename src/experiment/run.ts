/**
 * The experiment pipeline for one model and one seed: spectra at
 * initialization, the optimizers over their learning-rate grids (extended
 * where the best sits at an end), and for `quadratic` the paper's four cases.
 * Each finished piece — an SLQ probe, a training run — is checkpointed
 * atomically under DIR/checkpoints with a fingerprint of everything that
 * determines it, so `--resume` reuses it and refuses a checkpoint of another run.
 */
import { existsSync } from 'node:fs';
import { conventionName, scoreUnder, slqProbeMeasures } from '../analysis/index.js';
import path from 'node:path';
import { paramCount } from '../models/model.js';
import { blockScalesFromLambdaMax } from '../optim/index.js';
import type { Progress } from '../report/progress.js';
import { readJsonIfExists, writeJsonAtomic } from '../report/files.js';
import { checkpointProblem, resumeState } from './checkpoint.js';
import { analyzeSpectra, type AnalysisSettings } from './derive.js';
import { ConfigError, GRID_OF, type ResolvedSettings, resolveSettings } from './config.js';
import { searchGrid } from './grid.js';
import { runQuadraticCases } from './quadratic.js';
import { type Fingerprint, fingerprintDiff } from './rundir.js';
import { measureSpectra } from './spectra.js';
import { makeTask } from './task.js';
import { type BlockScales, type TrainHooks, summarize, trainOne } from './train.js';
import type {
  ModelName, ModelResult, ModelRunOptions, NeuralModel, OptimizerName, RunResult, SpectraResult, Task, TrainingResult,
} from './types.js';
// --save-weights, --init-from, --spectra-at, --pretrain (see those files).
import { PRETRAIN, type PretrainStore, makePretrainTasks, runPretrained } from './pretrain.js';
import { followRun, trajectoryRuns } from './trajectory.js';
import type { LrsFrom, NeuralResult, TrajectoryResult } from './types.js';
import { loadWeightsFor, saveRunWeights, weightsPath, withWeights } from './weights.js';

/** Bumped whenever the meaning of a checkpoint's contents changes. */
const CHECKPOINT_VERSION = 2;

interface Checkpoint {
  version: number;
  fingerprint: Fingerprint;
  spectra?: Partial<SpectraResult>;
  spectraDone?: SpectraResult;
  runs?: RunResult[];
  /** `--spectra-at`: the followed runs done so far, for the request `key` (another request starts them over). */
  trajectory?: { key: string; done: TrajectoryResult[] };
  /** `--pretrain`: the pretrained phase's finished parts. */
  pretrained?: PretrainStore;
}

/** The checkpoint file of one model and seed (and hetero-mlp r). */
export function checkpointPath(out: string, name: string, seed: number, hetero?: number): string {
  return path.join(out, 'checkpoints', `${name}${hetero !== undefined ? `-r${hetero}` : ''}-seed${seed}.json`);
}

/** Loads the checkpoint for `--resume`, refusing one that is malformed or from another run (naming the difference). */
async function loadCheckpoint(
  file: string, fingerprint: Fingerprint, resume: boolean, blocks: string[], log: (l: string) => void,
): Promise<Checkpoint> {
  const fresh: Checkpoint = { version: CHECKPOINT_VERSION, fingerprint };
  let prev: unknown;
  try {
    prev = await readJsonIfExists<unknown>(file);
  } catch (e) {
    if (!resume) {
      log(`${path.basename(file)}: an earlier run's checkpoint is unreadable; starting over`);
      return fresh;
    }
    throw new ConfigError(`--resume: checkpoint ${file} cannot be read (${(e as Error).message}); delete it or run without --resume`);
  }
  if (prev === undefined) {
    if (resume) log(`${path.basename(file)}: no checkpoint to resume; starting from the beginning`);
    return fresh;
  }
  if (!resume) {
    log(`${path.basename(file)}: an earlier run's checkpoint is here; starting over (--resume would reuse it)`);
    return fresh;
  }
  const problem = checkpointProblem(prev, CHECKPOINT_VERSION, blocks);
  if (problem) throw new ConfigError(`--resume: ${file} is not a usable checkpoint (${problem}); delete it or run without --resume`);
  const ok = prev as Checkpoint;
  const diff = fingerprintDiff(ok.fingerprint, fingerprint);
  if (diff) {
    throw new ConfigError(`--resume: ${file} was made by a different run (${diff}); run without --resume to start over, or use another --out`);
  }
  return ok;
}

/** Per block, the largest Ritz value averaged over probes: λ_max(H_bb) at initialization. */
function lambdaMax(spectra: SpectraResult): Record<string, number> {
  return Object.fromEntries(Object.entries(spectra.slq).map(([b, r]) =>
    [b, r.probes.reduce((s, p) => s + p.nodes[p.nodes.length - 1], 0) / r.probes.length]));
}

/** Where `--save-weights` puts a run's final weights, and what it records about the run. */
interface SaveAs { out: string; name: string; preset: string; seed: number; extra?: Record<string, string> }

async function trainAll(
  label: string, task: Task, settings: ResolvedSettings, ck: { runs?: RunResult[] }, save: () => Promise<void>,
  progress: Progress, scales: BlockScales | undefined, saveAs?: SaveAs, lrsFrom?: LrsFrom,
): Promise<TrainingResult> {
  ck.runs ??= [];
  const searches: TrainingResult['grids'] = {};
  // The runs this search tried: a resumed checkpoint may hold runs of a wider grid, which must not become "best".
  const tried: RunResult[] = [];
  for (const optimizer of settings.optimizers) {
    const run = async (lr: number): Promise<number | null> => {
      let r = ck.runs!.find((x) => x.optimizer === optimizer && x.lr === lr);
      const file = saveAs && weightsPath(saveAs.out, saveAs.name, saveAs.seed, optimizer, lr);
      if (r && file && r.finalLoss !== null && !existsSync(file)) progress.log(`${label}: ${optimizer} lr ${lr} reused from the checkpoint; its weights were not saved (${file} is absent)`);
      if (!r) {
        const hooks: TrainHooks = file ? {
          onTrained: (p, b, res) => saveRunWeights(file, p, b, {
            model: saveAs!.name, preset: saveAs!.preset, seed: saveAs!.seed, optimizer, lr, steps: settings.train.steps, finalLoss: res.finalLoss,
            ...(saveAs!.extra ? { extra: saveAs!.extra } : {}),
          }),
        } : {};
        progress.start(`${label}: ${optimizer} lr ${lr}`, settings.train.steps);
        r = await trainOne(task, settings.train, optimizer, lr, (step, loss) => progress.update(step + 1, `loss ${loss.toFixed(4)}`), scales, hooks);
        progress.log(r.diverged
          ? `${label}: ${optimizer} lr ${lr} diverged at step ${r.diverged.step} (loss ${r.diverged.loss})`
          : `${label}: ${optimizer} lr ${lr}: final loss ${r.finalLoss!.toFixed(4)}, held-out accuracy ${(100 * r.heldOutAccuracy!).toFixed(1)}%`);
        ck.runs!.push(r);
        await save();
      }
      tried.push(r);
      return r.finalLoss;
    };
    const fixed = lrsFrom?.lrs[optimizer];
    if (lrsFrom && fixed === undefined) progress.log(`${label}: seed ${lrsFrom.seed} chose no learning rate for ${optimizer} (all its runs diverged); searching its grid here`);
    const s = fixed !== undefined
      ? await searchGrid([fixed], run, 0)
      : await searchGrid(settings.train[GRID_OF[optimizer]], run, settings.gridExtensions);
    for (const e of s.extended) progress.log(`${label}: ${optimizer}'s best learning rate sat at the ${e.direction === 'up' ? 'top' : 'bottom'} of its grid; tried ${e.lr}`);
    if (s.atEdge) progress.log(`${label}: ${optimizer}'s best learning rate is still at an end of its grid after ${settings.gridExtensions} extensions`);
    searches[optimizer] = { extended: s.extended, atEdge: s.atEdge };
  }
  const t = summarize(settings.train, tried, settings.optimizers, searches);
  return lrsFrom ? { ...t, lrsFrom } : t;
}

/** Probes per block `--js-tol` will not go past. */
const MAX_PROBES = 50;

/**
 * `--js-tol T`: adds SLQ probes (two at a time, to at most MAX_PROBES per block)
 * until the half-width of JS⁰'s probe-bootstrap interval under the headline
 * convention is at most T, and records where it stopped.
 */
async function addProbesUntil(
  tol: number, spectra: SpectraResult, analysis: AnalysisSettings, label: string, progress: Progress,
  more: (probes: number, previous: SpectraResult) => Promise<SpectraResult>,
): Promise<SpectraResult> {
  let s = spectra;
  for (;;) {
    const a = analyzeSpectra(s.slq, analysis);
    const probes = Math.min(...Object.values(s.slq).map((r) => r.probes.length));
    const halfWidth = a ? (a.js0.hi - a.js0.lo) / 2 : 0;
    if (!a || halfWidth <= tol || probes >= MAX_PROBES) {
      const reached = halfWidth <= tol;
      progress.log(`${label}: --js-tol ${tol}: ${reached ? 'reached' : 'NOT reached'} with ${probes} probes per block (half-width ${halfWidth.toPrecision(3)})`);
      return { ...s, jsTol: { tolerance: tol, probes, halfWidth, reached } };
    }
    progress.log(`${label}: JS⁰'s interval half-width ${halfWidth.toPrecision(3)} > ${tol}; adding probes (${probes} → ${probes + 2})`);
    s = await more(Math.min(MAX_PROBES, probes + 2), s);
  }
}

/** One model at one seed. `hetero` is the hetero-mlp's r (a sweep runs one model per r). */
export async function runModel(
  name: ModelName, seed: number, o: ModelRunOptions, progress: Progress, hetero?: number,
): Promise<ModelResult> {
  const t0 = performance.now();
  if (name === 'quadratic') {
    progress.start(`quadratic cases (seed ${seed})`, 4);
    const cases = runQuadraticCases(o.preset, seed, (c) => progress.update(c - 1, `case ${c}`));
    progress.update(4);
    return { kind: 'quadratic', model: 'quadratic', preset: o.preset, seed, cases, seconds: (performance.now() - t0) / 1000 };
  }
  const settings = resolveSettings(name, o.preset, o.overrides);
  // --pretrain: the task is the fine-tuning text, over the union vocabulary with Moby Dick (pretrain.ts).
  const pre = name === 'gpt' && o.pretrain ? makePretrainTasks(o.preset, seed, o.data) : null;
  let task = pre?.task ?? makeTask(name as NeuralModel, o.preset, seed, { ...(o.data ? { data: o.data } : {}), ...(hetero !== undefined ? { hetero } : {}) });
  // --init-from: the model starts from the file's weights (checked before any work, in main.ts).
  const init = o.initFrom ? await loadWeightsFor(o.initFrom, task.model) : null;
  if (init) task = { ...task, model: withWeights(task.model, init.params, init.buffers) };
  const label = `${name}${hetero !== undefined ? ` r=${hetero}` : ''} seed ${seed}`;
  // What the checkpointed numbers depend on. Not the phases asked for, the optimizers or the grids: runs are
  // kept per (optimizer, lr), so a later run with more optimizers or a wider grid reuses the ones it shares;
  // nor anything computed afterwards from the stored SLQ nodes (conventions, intervals).
  const { steps, batch, clip, heldOut } = settings.train;
  const fingerprint: Fingerprint = {
    model: name, preset: o.preset, seed, hetero: hetero ?? null, data: task.dataId, backend: o.backend.name,
    spectra: settings.spectra, train: { steps, batch, clip, heldOut }, bn: settings.bn,
    // Present only when used, so checkpoints of runs without them still match.
    ...(init ? { initFrom: init.sha256 } : {}),
    ...(pre ? { pretrain: o.pretrain } : {}),
    ...(settings.jsTol > 0 ? { jsTol: settings.jsTol } : {}), // the probes a checkpoint holds depend on it
  };
  const file = checkpointPath(o.out, name, seed, hetero);
  const ck = await loadCheckpoint(file, fingerprint, o.resume, task.model.blocks().map((b) => b.name), (l) => progress.log(l));
  const save = () => writeJsonAtomic(file, ck);
  const params = paramCount(task.model.params);
  progress.log(`${label} (${o.preset}): ${params.toLocaleString('en-US')} parameters, ${task.model.blocks().length} blocks; data: ${task.data}`);
  if (o.resume && (ck.spectraDone || ck.spectra || ck.runs)) {
    progress.log(`${label}: resuming (${resumeState(ck, task.model.blocks().length, settings.spectra.probes)})`);
  }

  // 1. Spectra at initialization.
  let spectra: SpectraResult | null = ck.spectraDone ?? null;
  if (!spectra && settings.only !== 'train') {
    let phase = '';
    spectra = await measureSpectra(task, settings.spectra, seed, settings.bn, ck.spectra,
      (what, done, total) => {
        if (what !== phase) { phase = what; progress.start(`${label}: ${what}`, total, done); } else progress.update(done);
      },
      async (partial) => { ck.spectra = { ...ck.spectra, ...partial }; await save(); });
    ck.spectraDone = spectra;
    delete ck.spectra;
    await save();
  }
  if (spectra && settings.jsTol > 0 && !spectra.jsTol) {
    spectra = await addProbesUntil(settings.jsTol, spectra, o.analysis, label, progress, async (probes, previous) => {
      const s = await measureSpectra(task, { ...settings.spectra, probes }, seed, settings.bn, previous, () => {},
        async (partial) => { ck.spectra = { ...previous, ...partial }; await save(); });
      ck.spectraDone = s;
      delete ck.spectra;
      await save();
      return s;
    });
    ck.spectraDone = spectra;
    await save();
  }
  if (spectra && spectra.blocks.length >= 2) {
    // The headline convention's point estimate (its interval comes with results.json); the raw-axis value beside it.
    const head = scoreUnder(o.analysis.axis, slqProbeMeasures(spectra.slq), { metrics: ['js'] }).js0;
    progress.log(`${label}: JS⁰ = ${head.toFixed(4)} (${conventionName(o.analysis.axis)}; raw axis ${spectra.js0?.toFixed(4) ?? '—'}) over ${spectra.blocks.length} blocks`);
  }

  // 2. The optimizers over their learning-rate grids.
  let training: TrainingResult | null = null;
  if (settings.only !== 'spectra') {
    const scales = spectra ? { scale: blockScalesFromLambdaMax(lambdaMax(spectra), task.model.params, spectra.blocks), blocks: spectra.blocks } : undefined;
    training = await trainAll(label, task, settings, ck, save, progress, scales, saveAsFor(o, name, seed, hetero), o.lrsFrom);
  }
  const extras = await runExtras(name, seed, o, progress, { task, settings, spectra, training, ck, save, label, pre });
  return {
    kind: 'neural', model: name as NeuralModel, preset: o.preset, seed, ...(hetero !== undefined ? { hetero } : {}),
    config: task.model.config, params, data: task.data, settings, spectra, training,
    ...(init ? { initFrom: { file: o.initFrom!, sha256: init.sha256, buffers: init.buffers !== undefined } } : {}),
    ...extras, seconds: (performance.now() - t0) / 1000,
  };
}

// ---- --save-weights, --spectra-at and --pretrain ----

function saveAsFor(o: ModelRunOptions, name: string, seed: number, hetero?: number, suffix = ''): SaveAs | undefined {
  if (!o.saveWeights) return undefined;
  return {
    out: o.out, name: `${name}${hetero !== undefined ? `-r${hetero}` : ''}${suffix}`, preset: o.preset, seed,
    ...(hetero !== undefined ? { extra: { hetero: String(hetero) } } : {}),
  };
}

interface RunState {
  task: Task; settings: ResolvedSettings; spectra: SpectraResult | null; training: TrainingResult | null;
  ck: Checkpoint; save: () => Promise<void>; label: string; pre: ReturnType<typeof makePretrainTasks> | null;
}

/** The trajectory (`--spectra-at`) and the pretrained phase (`--pretrain`), each checkpointed in its own part of `ck`. */
async function runExtras(
  name: ModelName, seed: number, o: ModelRunOptions, progress: Progress, r: RunState,
): Promise<Pick<NeuralResult, 'trajectory' | 'pretrained'>> {
  const out: Pick<NeuralResult, 'trajectory' | 'pretrained'> = {};
  const { settings, ck, save, label } = r;
  if (o.spectraAt) {
    const runs = trajectoryRuns(r.training, o.spectraLr);
    const key = JSON.stringify({ at: o.spectraAt, runs });
    if (ck.trajectory?.key !== key) ck.trajectory = { key, done: [] };
    for (const run of runs) {
      if (ck.trajectory.done.some((d) => d.optimizer === run.optimizer && d.lr === run.lr)) continue;
      progress.log(`${label}: spectra along training, ${run.optimizer} lr ${run.lr} (${run.lrFrom === 'grid' ? 'best of its grid' : '--spectra-lr'})`);
      const t = await followRun(r.task, settings.train, settings.spectra, seed, settings.bn, run, o.spectraAt, r.spectra, (l) => progress.log(`${label}: ${l}`));
      const grid = r.training?.runs.find((x) => x.optimizer === run.optimizer && x.lr === run.lr);
      if (grid && grid.finalLoss !== t.finalLoss) progress.log(`${label}: warning: the followed ${run.optimizer} run ended at ${t.finalLoss}, its grid run at ${grid.finalLoss}`);
      ck.trajectory.done.push(t);
      await save();
    }
    out.trajectory = ck.trajectory.done;
  }
  if (r.pre && o.pretrain) {
    ck.pretrained ??= {};
    const weightsFile = o.saveWeights
      ? weightsPath(o.out, `${name}-pretrain`, seed, 'adamw', PRETRAIN.lr)
      : path.join(o.out, 'checkpoints', `${name}-seed${seed}-pretrained.safetensors`);
    out.pretrained = await runPretrained(r.pre, o.pretrain, settings, seed, {
      label, weightsFile, store: ck.pretrained, save, log: (l) => progress.log(l),
      grid: (lbl, task, store, weightsName) => trainAll(lbl, task, settings, store, save, progress, undefined, saveAsFor(o, weightsName, seed)),
    }, r.spectra, r.training);
  }
  return out;
}
