/**
 * BERT's task: windows of T characters from the same corpus GPT reads, with
 * the masking of src/data/masked.ts (BERT's 80/10/10 rule, 15% of each
 * window) drawn from the run's seed and the batch number, so every optimizer
 * run sees the same masked batches and a resumed run sees them again.
 */
import { maskedBatch } from '../data/masked.js';
import { checkTextCorpus, loadText, makeCorpus, splitTail, windowsAt } from '../data/text.js';
import { bertPresets, createBert } from '../models/bert.js';
import type { Preset } from '../models/model.js';
import { sha256 } from './evaluate.js';
import type { Task } from './types.js';

export function makeBertTask(preset: Preset, seed: number, dataPath?: string): Task {
  const text = loadText(dataPath ? { data: dataPath } : {});
  const corpus = makeCorpus(text);
  const { train, heldOut } = splitTail(corpus.ids);
  const cfg = { ...bertPresets[preset], vocab: corpus.vocab.length };
  const T = preset === 'paper' ? 128 : cfg.context; // BERT-base spent 90% of its pretraining on 128-token sequences
  checkTextCorpus(corpus, { context: T - 1, source: dataPath ?? 'Moby Dick' }); // windows of T ids in both parts, before any work
  // windowsAt draws windows of T+1 ids (for next-character targets); BERT's windows are T ids.
  const batch = (ids: Int32Array, b: number, s: number, step: number) =>
    maskedBatch(windowsAt(ids, b, T - 1, s, step), b, T, { vocab: cfg.vocab }, s, step);
  return {
    model: createBert(cfg, seed),
    batch: (size, step) => batch(train, size, seed, step),
    heldOut: (size) => batch(heldOut, Math.max(1, Math.floor(size / T)), seed + 1, 0),
    data: dataPath ? `text file ${dataPath}, masked` : `Moby Dick (src/data/assets), ${text.length} characters, vocabulary ${corpus.vocab.length}, 15% of characters masked (80/10/10)`,
    dataId: sha256(text),
  };
}
