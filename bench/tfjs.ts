/**
 * The same work in @tensorflow/tfjs-backend-cpu, measured in the same run as
 * heterograd so the ratios are fair: a 512³ matmul and the gradient of the
 * MLP 784-256-256-10 at batch 128.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type * as TF from '@tensorflow/tfjs-core';
import { build } from 'esbuild';
import { median, timeIt } from './timing.js';

export interface TfjsRow {
  matmul512Gflops: number;
  mlpGradMs: number;
}

/**
 * tfjs-core's CommonJS build registers no gradients, and its ES build imports
 * directories, which Node's ESM loader refuses; so bundle the ES build (with
 * every gradient and the given backends) into one file with esbuild and load that.
 */
export async function loadTfjs<T = typeof TF>(
  contents = "export * from '@tensorflow/tfjs-core'; import '@tensorflow/tfjs-core/dist/register_all_gradients'; import '@tensorflow/tfjs-backend-cpu';",
): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hg-tfjs-'));
  const outfile = path.join(dir, 'tfjs.cjs');
  await build({
    stdin: { contents, resolveDir: process.cwd() },
    // One copy of tfjs-core: resolve every package to its ES build.
    bundle: true, format: 'cjs', platform: 'node', mainFields: ['module', 'main'], outfile, logLevel: 'silent',
  });
  return createRequire(import.meta.url)(outfile) as T;
}

export async function benchTfjs(runs = 5): Promise<TfjsRow> {
  const tf = await loadTfjs();
  await tf.setBackend('cpu');
  await tf.ready();
  const a = tf.randomUniform([512, 512]), b = tf.randomUniform([512, 512]);
  const mm = median(timeIt(() => { tf.tidy(() => tf.matMul(a, b).dataSync()); }, runs, 1));
  const x = tf.randomUniform([128, 784]);
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: 128 }, (_, i) => i % 10), 'int32'), 10);
  const ws = [tf.randomNormal([784, 256], 0, 0.05), tf.zeros([256]), tf.randomNormal([256, 256], 0, 0.06), tf.zeros([256]),
    tf.randomNormal([256, 10], 0, 0.06), tf.zeros([10])];
  const loss = (w1: TF.Tensor, b1: TF.Tensor, w2: TF.Tensor, b2: TF.Tensor, w3: TF.Tensor, b3: TF.Tensor) => {
    const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1));
    const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
    return tf.losses.softmaxCrossEntropy(labels, tf.add(tf.matMul(h2, w3), b3));
  };
  const g = tf.grads(loss as (...xs: TF.Tensor[]) => TF.Tensor);
  const grad = median(timeIt(() => { tf.tidy(() => { g(ws).forEach((t) => t.dataSync()); }); }, runs, 1));
  tf.disposeVariables();
  return { matmul512Gflops: (2 * 512 ** 3) / (mm * 1e6), mlpGradMs: grad };
}
