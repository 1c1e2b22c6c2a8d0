/**
 * Pretrained versus initialization (`--model gpt --pretrain STEPS`), the
 * paper's observation that a pretrained GPT2 is less block-heterogeneous than
 * one at initialization and its SGD–Adam gap smaller.
 *
 * The GPT is pretrained with AdamW on Moby Dick; everything the experiment
 * measures — spectra at initialization, SGD vs Adam from initialization, and
 * at the pretrained point the spectra and SGD vs Adam fine-tuning — is on a
 * *different* text (the State of the Union addresses 1790–1816, or `--data`).
 * The two texts' characters differ, so the vocabulary is the union of both
 * (sorted code points): every character of either text has its own id, none
 * is mapped or dropped, and the same model reads both.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { stateOfTheUnion } from '../data/sotu.js';
import { checkTextCorpus, loadText, makeCorpus, mobyDick, splitTail, windowTensors, windowsAt } from '../data/text.js';
import { createGpt, gptPresets } from '../models/gpt.js';
import type { BnMode, Preset } from '../models/model.js';
import { type Optimizer, adamw, matricesOnly } from '../optim/index.js';
import { type Params, dispose, keep, tidy } from '../tensor/index.js';
import { copyTensor, sha256 } from './evaluate.js';
import type { SpectraSettings, TrainSettings } from './settings.js';
import { spectraAt } from './trajectory.js';
import { trainOne } from './train.js';
import type { PretrainedResult, SpectraResult, Task, TrainingResult } from './types.js';
import { loadWeightsFor, saveRunWeights, withWeights } from './weights.js';

/** The pretraining recipe: the paper's GPT2 AdamW setting (betas, decay on matrices, clipping, warmup + cosine) at a character-model rate. */
export const PRETRAIN = { lr: 1e-3, beta1: 0.9, beta2: 0.95, weightDecay: 0.1 } as const;
const RECIPE = `AdamW lr ${PRETRAIN.lr}, betas (${PRETRAIN.beta1}, ${PRETRAIN.beta2}), weight decay ${PRETRAIN.weightDecay} on matrices, `
  + 'gradient clipping at 1, linear warmup (5%) + cosine to 10%, on Moby Dick';

/** The fine-tuning task (what the experiment measures) and the pretraining task, sharing one GPT over the union vocabulary. */
export interface PretrainTasks { task: Task; pretrain: Task }

export function makePretrainTasks(preset: Preset, seed: number, data?: string): PretrainTasks {
  const fine = data ? loadText({ data }) : stateOfTheUnion();
  const fineName = data ? `text file ${data}` : 'State of the Union 1790–1816 (src/data/assets)';
  const moby = mobyDick();
  const vocab = makeCorpus(`${fine}${moby}`, 'the union of both texts');
  const cfg = { ...gptPresets[preset], vocab: vocab.vocab.length };
  const T = preset === 'paper' ? 256 : cfg.context; // as makeTask: 256-character windows for the paper preset
  const model = createGpt(cfg, seed);
  const taskOf = (text: string, name: string, dataSeed: number): Task => {
    const corpus = { ...vocab, ids: vocab.encode(text) };
    checkTextCorpus(corpus, { context: T, source: name });
    const { train, heldOut } = splitTail(corpus.ids);
    const windows = (ids: Int32Array, b: number, s: number, step: number) => windowTensors(windowsAt(ids, b, T, s, step), b, T);
    return {
      model,
      batch: (size, step) => windows(train, size, dataSeed, step),
      heldOut: (size) => windows(heldOut, Math.max(1, Math.floor(size / T)), dataSeed + 1, 0),
      data: `${name}, ${text.length} characters; vocabulary ${vocab.vocab.length} (union with ${name === 'Moby Dick' ? 'the fine-tuning text' : 'Moby Dick'})`,
      dataId: sha256(fine, '\0', moby),
    };
  };
  return { task: taskOf(fine, fineName, seed), pretrain: taskOf(moby, 'Moby Dick', seed + 7) };
}

/** What the pretrained phase needs from run.ts: the SGD-vs-Adam grid on a task, kept in `store` (a checkpoint part). */
export type GridRunner = (label: string, task: Task, store: { runs?: TrainingResult['runs'] }, weightsName: string) => Promise<TrainingResult>;

/** The checkpointed part of the pretrained phase. */
export interface PretrainStore { pretrainLoss?: number | null; spectra?: PretrainedResult['spectra']; grid?: { runs?: TrainingResult['runs'] } }

/**
 * Pretrains (or reloads the pretrained weights kept beside the checkpoint),
 * measures block spectra at the pretrained point, and runs the SGD-vs-Adam
 * grid fine-tuning from there. `init` and `initTraining` are the
 * initialization's results, for the side-by-side numbers.
 */
export async function runPretrained(
  tasks: PretrainTasks, steps: number, s: { train: TrainSettings; spectra: SpectraSettings; bn: BnMode; only: string },
  seed: number, ctx: { label: string; weightsFile: string; store: PretrainStore; save: () => Promise<void>; log: (l: string) => void; grid: GridRunner },
  init: SpectraResult | null, initTraining: TrainingResult | null,
): Promise<PretrainedResult> {
  const { model } = tasks.task;
  let params: Params;
  if (ctx.store.pretrainLoss !== undefined && existsSync(ctx.weightsFile)) {
    params = (await loadWeightsFor(ctx.weightsFile, model)).params;
    ctx.log(`${ctx.label}: pretrained weights reloaded from ${path.basename(ctx.weightsFile)}`);
  } else {
    let kept: Params | undefined;
    const opt = adamw({ beta1: PRETRAIN.beta1, beta2: PRETRAIN.beta2, eps: 1e-8, weightDecay: PRETRAIN.weightDecay, decayMask: matricesOnly });
    const r = await trainOne(tasks.pretrain, { ...s.train, steps }, 'adam', PRETRAIN.lr, (step, loss) => {
      if ((step + 1) % Math.max(1, Math.round(steps / 5)) === 0) ctx.log(`${ctx.label}: pretraining step ${step + 1}/${steps}, loss ${loss.toFixed(4)}`);
    }, undefined, {
      optimizer: opt as Optimizer<unknown>,
      onTrained: async (p) => {
        kept = keep(tidy(() => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, copyTensor(v)]))));
      },
    });
    if (!kept) throw new Error(`pretraining diverged at step ${r.diverged?.step} (loss ${r.diverged?.loss})`);
    params = kept;
    await saveRunWeights(ctx.weightsFile, params, {}, {
      model: 'gpt', preset: 'pretrained', seed, optimizer: 'adamw', lr: PRETRAIN.lr, steps, finalLoss: r.finalLoss, extra: { recipe: RECIPE },
    });
    ctx.store.pretrainLoss = r.finalLoss;
    await ctx.save();
    ctx.log(`${ctx.label}: pretrained ${steps} steps on Moby Dick, final loss ${r.finalLoss?.toFixed(4)}`);
  }
  try {
    if (!ctx.store.spectra && s.only !== 'train') {
      ctx.store.spectra = await spectraAt(tasks.task, s.spectra, seed, s.bn, params);
      await ctx.save();
    }
    const spectra = ctx.store.spectra ?? { js0: null, slq: {} };
    ctx.log(`${ctx.label}: JS⁰ at initialization ${init?.js0?.toFixed(4) ?? '—'}, pretrained ${spectra.js0?.toFixed(4) ?? '—'}`);
    let training: TrainingResult | null = null;
    if (s.only !== 'spectra') {
      ctx.store.grid ??= {};
      training = await ctx.grid(`${ctx.label} fine-tuning`, { ...tasks.task, model: withWeights(model, params) }, ctx.store.grid, 'gpt-pretrained');
    }
    return {
      steps, recipe: RECIPE, pretrainText: 'Moby Dick', fineTuneText: tasks.task.data, pretrainLoss: ctx.store.pretrainLoss ?? null,
      js0Init: init?.js0 ?? null, js0Pretrained: spectra.js0,
      gapInit: initTraining?.gap ?? null, fineTuningGap: training?.gap ?? null,
      spectra, training,
    };
  } finally {
    dispose(Object.values(params));
  }
}
