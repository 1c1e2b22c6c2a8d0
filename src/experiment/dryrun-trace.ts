/**
 * The shape half of the dry run: the model is built and its spectra sweep and
 * training step are run at the preset's full batch on the shape-only backend
 * (src/kernels/meta.ts), which computes nothing and records the largest
 * tensor and the most bytes live at once. These are measured from the real
 * code path (model, autodiff, optimizer), not from a formula: a traced step
 * allocates exactly the tensors a WebGPU step would (in its size classes).
 */
import { hvpMulti } from '../autodiff/index.js';
import { type BlockSpec, blockDim, blockHvps } from '../hessian/index.js';
import { MetaBackend, type MetaRecord } from '../kernels/meta.js';
import { paramCount, type Preset } from '../models/model.js';
import { disposeTree } from '../optim/index.js';
import { type Backend, type Tensor, fromArray, getBackend, setBackend, tidy } from '../tensor/index.js';
import { makeTask } from './task.js';
import { trainOne } from './train.js';
import type { NeuralModel, Task } from './types.js';
import type { ResolvedSettings } from './config.js';

/** A block as the dry run reports it. */
export interface TracedBlock { name: string; dim: number }

/** What the shape trace of one model found. */
export interface ShapeTrace {
  params: number;
  /** Bytes of the parameters in their dtype (float32 for every preset). */
  paramBytes: number;
  blocks: TracedBlock[];
  /** Batches the traces ran at. */
  spectraBatch: number;
  trainBatch: number;
  /** One k-tangent block sweep (H_bb·v_b for every block at once) on the spectra batch. */
  blockSweep: MetaRecord;
  /** The same sweep for the largest block alone (one tangent): what a sweep costs without sharing (`shareSweeps: false`). */
  oneBlockSweep: MetaRecord;
  /** One HVP with a single tangent over all parameters (a full-spectrum Lanczos step). */
  fullSweep: MetaRecord;
  /** Two Adam training steps (two parameter copies, gradients, moments) plus the held-out evaluation. */
  trainStep: MetaRecord;
  /** Seconds the trace took (host work only: building the model, the data, JS per op). */
  seconds: number;
}

/** Runs `f` with `b` as the backend new tensors are created on, restoring the previous one after. */
export async function withBackend<T>(b: Backend, f: () => Promise<T>): Promise<T> {
  let prev: Backend | null = null;
  try { prev = getBackend(); } catch { prev = null; }
  setBackend(b);
  try {
    return await f();
  } finally {
    if (prev) setBackend(prev);
  }
}

/** Zero tangents on the given blocks (values do not matter to a shape trace). */
async function traceBlockSweep(task: Task, batch: number, s: ResolvedSettings, blocks: BlockSpec[]): Promise<void> {
  const { model } = task;
  const b = task.batch(batch, 0);
  const loss = (p: Record<string, Tensor>) => model.loss(p, b, s.bn);
  const requests = blocks.map((block) => ({ block, v: new Float64Array(blockDim(model.params, block)) }));
  await blockHvps(loss, model.params, requests);
  disposeTree(b);
}

async function traceFullSweep(task: Task, batch: number, s: ResolvedSettings): Promise<void> {
  const { model } = task;
  const b = task.batch(batch, 0);
  const hv = tidy(() => {
    const tangent = Object.fromEntries(Object.entries(model.params).map(([k, t]) => [k, fromArray(new Float32Array(t.size), t.shape, t.dtype)]));
    return hvpMulti((p: Record<string, Tensor>) => model.loss(p, b, s.bn), model.params, [tangent])[0];
  });
  for (const t of Object.values(hv)) await t.data();
  disposeTree([hv, b]);
}

/**
 * Traces one model at the given batches (by default the settings' spectra and
 * training batches) on a fresh shape-only backend.
 */
export async function traceShapes(
  name: NeuralModel, preset: Preset, settings: ResolvedSettings, seed = 0,
  batches: { spectra?: number; train?: number } = {},
): Promise<ShapeTrace> {
  const t0 = performance.now();
  const meta = new MetaBackend();
  const spectraBatch = batches.spectra ?? settings.spectra.batch;
  const trainBatch = batches.train ?? settings.train.batch;
  return withBackend(meta, async () => {
    const task = makeTask(name, preset, seed);
    const { model } = task;
    const params = paramCount(model.params);
    const paramBytes = Object.values(model.params).reduce((a, t) => a + t.size * (t.dtype === 'float64' ? 8 : 4), 0);
    const blocks = model.blocks().map((b) => ({ name: b.name, dim: blockDim(model.params, b) }));

    meta.reset();
    await traceBlockSweep(task, spectraBatch, settings, model.blocks());
    const blockSweep = meta.record();
    meta.reset();
    const largest = model.blocks().reduce((a, b) => (blockDim(model.params, b) > blockDim(model.params, a) ? b : a));
    await traceBlockSweep(task, spectraBatch, settings, [largest]);
    const oneBlockSweep = meta.record();
    meta.reset();
    await traceFullSweep(task, spectraBatch, settings);
    const fullSweep = meta.record();
    meta.reset();
    // Two steps: the second runs with Adam's moments already allocated, as every later step does.
    const train = { ...settings.train, batch: trainBatch, steps: 2 };
    const run = await trainOne(task, train, 'adam', settings.train.adamLrs[0], () => {});
    if (run.diverged) throw new Error(`dry run: the traced training step of ${name} reported divergence (${run.diverged.loss})`);
    const trainStep = meta.record();
    disposeTree([model.params, model.buffers ?? {}]);
    return {
      params, paramBytes, blocks, spectraBatch, trainBatch, blockSweep, oneBlockSweep, fullSweep, trainStep, seconds: (performance.now() - t0) / 1000,
    };
  });
}
