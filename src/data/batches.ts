/**
 * MNIST in memory and its seeded, random-access splits and batches: no file
 * or Node access here, so the browser page shares these exact functions with
 * the Node experiment (loading lives in mnist.ts and packed.ts).
 */
import * as hg from '../tensor/index.js';
import { permutation, subSeed } from '../util/rng.js';

export interface Mnist {
  /** (N, rows·cols) pixels in [0, 1], row-major. */
  images: Float32Array;
  /** (N,) digit labels 0..9. */
  labels: Int32Array;
  n: number;
  rows: number;
  cols: number;
  /** Where the data came from (for reports). */
  source: string;
}

const SIDE = 28;

/** Rows `idx` of `data`, in that order. */
export function subset(data: Mnist, idx: ArrayLike<number>): Mnist {
  const px = data.rows * data.cols;
  const images = new Float32Array(idx.length * px);
  const labels = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    images.set(data.images.subarray(idx[i] * px, (idx[i] + 1) * px), i * px);
    labels[i] = data.labels[idx[i]];
  }
  return { ...data, images, labels, n: idx.length };
}

/** A seeded shuffle of `data` cut into `train` and the last `heldOut` examples (default 2,000 of 10,000). */
export function splitHeldOut(data: Mnist, opts: { heldOut?: number; seed?: number } = {}): { train: Mnist; heldOut: Mnist } {
  const k = opts.heldOut ?? Math.round(data.n / 5);
  if (!(Number.isInteger(k) && k >= 1 && k < data.n)) {
    throw new Error(`splitHeldOut: ${data.source} has ${data.n} images; holding out ${k} must leave at least one in each part (heldOut in [1, ${data.n - 1}])`);
  }
  const p = permutation(data.n, subSeed(opts.seed ?? 0, 0x5911));
  return { train: subset(data, p.subarray(0, data.n - k)), heldOut: subset(data, p.subarray(data.n - k)) };
}

export interface Batch {
  /** (B, rows·cols) pixels. */
  x: Float32Array;
  /** (B,) labels. */
  y: Int32Array;
  /** Rows of the dataset this batch holds. */
  indices: Int32Array;
  epoch: number;
}

/** The last epoch order drawn for each dataset: a run asks for the same one perEpoch times in a row. */
const lastOrder = new WeakMap<Mnist, { seed: number; epoch: number; order: Int32Array }>();

/** Epoch `epoch`'s seeded permutation of `data`'s rows (shared; do not modify). */
function epochOrder(data: Mnist, seed: number, epoch: number): Int32Array {
  const hit = lastOrder.get(data);
  if (hit && hit.seed === seed && hit.epoch === epoch) return hit.order;
  const order = permutation(data.n, subSeed(seed, 0xba7c, epoch));
  lastOrder.set(data, { seed, epoch, order });
  return order;
}

/**
 * Batch number `step` of a seeded run over `data`: each epoch is a fresh
 * permutation (seeded by (seed, epoch)); the incomplete last batch is dropped.
 */
export function batchAt(data: Mnist, batchSize: number, seed: number, step: number): Batch {
  const perEpoch = Math.floor(data.n / batchSize);
  if (!(batchSize >= 1 && perEpoch >= 1)) throw new Error(`batchAt: batch size ${batchSize} must be in [1, ${data.n}]`);
  const epoch = Math.floor(step / perEpoch);
  const k = step - epoch * perEpoch;
  const indices = epochOrder(data, seed, epoch).slice(k * batchSize, (k + 1) * batchSize);
  const { images, labels } = subset(data, indices);
  return { x: images, y: labels, indices, epoch };
}

/** An endless seeded batch stream starting at `start` (for resume). */
export function* batches(data: Mnist, batchSize: number, seed: number, start = 0): Generator<Batch> {
  for (let step = start; ; step++) yield batchAt(data, batchSize, seed, step);
}

/** A batch as tensors: x (B, rows·cols) float32, y (B,) int32. */
export function batchTensors(b: Batch, rows = SIDE, cols = SIDE): { x: hg.Tensor; y: hg.Tensor } {
  const B = b.y.length;
  return { x: hg.tensor(b.x, [B, rows * cols], 'float32'), y: hg.tensor(b.y, [B], 'int32') };
}
