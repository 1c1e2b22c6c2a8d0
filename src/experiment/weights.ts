/**
 * Trained weights kept and loaded: `--save-weights` writes each training
 * run's final parameters and BatchNorm buffers as one safetensors file with
 * metadata saying which run made it; `--init-from FILE` starts a model from
 * such a file (or any safetensors file with the model's names and shapes).
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { decodeHost, loadParams, readBytes, saveSafetensors } from '../io/index.js';
import type { Model } from '../models/model.js';
import type { Params } from '../tensor/index.js';
import { sha256 } from './evaluate.js';
import { versions } from './schema.js';

/** What a run's weights file says about the run that made it (safetensors metadata is string → string). */
export interface RunWeightsMeta {
  model: string;
  preset: string;
  seed: number;
  optimizer: string;
  lr: number;
  steps: number;
  finalLoss: number | null;
  /** Anything else worth keeping (the hetero-mlp's r, 'pretrained'). */
  extra?: Record<string, string>;
}

/** DIR/weights/<model>-seed<seed>-<optimizer>-lr<lr>.safetensors (`model` may carry a suffix such as `-r10` or `-pretrained`). */
export function weightsPath(out: string, model: string, seed: number, optimizer: string, lr: number): string {
  return path.join(out, 'weights', `${model}-seed${seed}-${optimizer}-lr${lr}.safetensors`);
}

/** Writes parameters and buffers (their names never overlap: buffers are `running_*`) with the run's metadata. */
export async function saveRunWeights(file: string, params: Params, buffers: Params, meta: RunWeightsMeta): Promise<void> {
  const clash = Object.keys(buffers).filter((k) => k in params);
  if (clash.length) throw new Error(`saveRunWeights: ${clash.join(', ')} is both a parameter and a buffer`);
  const { mkdir } = await import('node:fs/promises');
  await mkdir(path.dirname(file), { recursive: true });
  await saveSafetensors(file, { ...params, ...buffers }, {
    format: 'heterograd run weights',
    model: meta.model, preset: meta.preset, seed: String(meta.seed), optimizer: meta.optimizer, lr: String(meta.lr),
    steps: String(meta.steps), finalLoss: String(meta.finalLoss), heterograd: versions().heterograd,
    buffers: Object.keys(buffers).join(','),
    ...meta.extra,
  });
}

/** Weights loaded for a model: its parameters, its buffers when the file holds them, and the file's identity. */
export interface LoadedWeights {
  params: Params;
  /** The file's buffers; undefined when the model has none or the file holds none (the model's initial ones then stay). */
  buffers?: Params;
  metadata: Record<string, string>;
  /** SHA-256 of the file's bytes (part of the checkpoint fingerprint). */
  sha256: string;
}

/**
 * Loads `file` against `model`: every parameter must be there with its shape
 * (all problems in one error, see loadParams); the model's buffers are loaded
 * too when the file holds any of them, and then all must be there. Any other
 * name in the file is an error: the file is of another model.
 */
export async function loadWeightsFor(file: string, model: Model): Promise<LoadedWeights> {
  if (!existsSync(file)) throw new Error(`${file}: weights file not found`);
  if (!statSync(file).isFile()) throw new Error(`${file}: not a regular file`);
  const bytes = await readBytes(file);
  let names: string[];
  let metadata: Record<string, string>;
  try {
    const host = decodeHost(bytes);
    names = Object.keys(host.tensors);
    metadata = host.metadata;
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  const modelBuffers = model.buffers ?? {};
  const withBuffers = names.some((n) => n in modelBuffers);
  const expected = withBuffers ? { ...model.params, ...modelBuffers } : model.params;
  const all = await loadParams(bytes, expected).catch((e: Error) => {
    throw new Error(`${file} does not fit model '${model.name}': ${e.message.replace(/^loadParams: /, '')}`);
  });
  const pick = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, all[k]]));
  return {
    params: pick(Object.keys(model.params)),
    ...(withBuffers ? { buffers: pick(Object.keys(modelBuffers)) } : {}),
    metadata,
    sha256: sha256(bytes),
  };
}

/**
 * The model with other starting weights. Its `loss` and `logits` read the new
 * buffers when called without any ('eval' mode), as the original reads its
 * initial ones, so spectra and held-out evaluation see the loaded statistics.
 */
export function withWeights(model: Model, params: Params, buffers?: Params): Model {
  const b = buffers ?? model.buffers;
  return {
    ...model,
    params,
    ...(b ? { buffers: b } : {}),
    loss: (p, batch, mode, bu) => model.loss(p, batch, mode, bu ?? b),
    logits: (p, batch, mode, bu) => model.logits(p, batch, mode, bu ?? b),
  };
}
