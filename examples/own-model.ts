/**
 * The Hessian analysis on a model you wrote yourself: `npx tsx examples/own-model.ts`.
 * A loss over named parameters, blocks chosen by name patterns, blockwise
 * spectra by SLQ, JS⁰, and a small table. test/examples.test.ts runs it.
 */
import * as hg from 'heterograd';

const [N, T, D, H, K] = [32, 4, 6, 8, 3]; // sequences, tokens, width, hidden, classes

/** Seeded N(0, std²) parameter of a shape (float64: the analysis is then exact up to rounding). */
function normal(rng: hg.Rng, shape: number[], std: number): hg.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return hg.tensor(Array.from({ length: n }, () => std * rng.normal()), shape, 'float64');
}

/** A one-head self-attention layer with a fused qkv weight, mean-pooled, then a 2-layer MLP. */
export function ownModel(seed = 0) {
  const rng = hg.makeRng(seed);
  const params: hg.Params = {
    'attn.qkv.weight': normal(rng, [3 * D, D], 1 / Math.sqrt(D)), // rows: q, k, v
    'mlp.fc1.weight': normal(rng, [H, D], 1 / Math.sqrt(D)),
    'mlp.fc1.bias': hg.zeros([H], 'float64'),
    'mlp.fc2.weight': normal(rng, [K, H], 1 / Math.sqrt(H)),
    'mlp.fc2.bias': hg.zeros([K], 'float64'),
  };
  const x = normal(rng, [N, T, D], 1); // (N, T, D)
  const y = hg.tensor(Int32Array.from({ length: N }, () => rng.int(K)), [N], 'int32'); // (N,)
  const loss = (p: hg.Params): hg.Tensor => {
    const qkv = hg.linear(x, p['attn.qkv.weight']); // (N, T, 3D)
    const [q, k, v] = [0, 1, 2].map((i) => hg.slice(qkv, [0, 0, i * D], [N, T, (i + 1) * D])); // (N, T, D) each
    const att = hg.softmax(hg.mul(hg.matmul(q, k, { transB: true }), 1 / Math.sqrt(D))); // (N, T, T)
    const pooled = hg.mean(hg.add(x, hg.matmul(att, v)), 1); // residual, then mean over tokens: (N, D)
    const h = hg.tanh(hg.linear(pooled, p['mlp.fc1.weight'], p['mlp.fc1.bias'])); // (N, H)
    return hg.crossEntropy(hg.linear(h, p['mlp.fc2.weight'], p['mlp.fc2.bias']), y); // scalar
  };
  return { params, loss };
}

/** One row of the report: a block, its size, and the largest Ritz value over all probes. */
export interface BlockRow { block: string; dim: number; lambdaMax: number }

/** Blockwise spectra of {@link ownModel}'s loss at initialization, and JS⁰ over its blocks. */
export async function analyseOwnModel(opts: { steps?: number; probes?: number; seed?: number } = {}) {
  const { params, loss } = ownModel(opts.seed ?? 0);
  // Q, K and V are rows of one fused weight; every other weight matrix is a block of its own.
  const blocks = hg.blocksByPattern(params, [{ match: 'attn.qkv.weight', split: ['q', 'k', 'v'] }, /\.weight$/]);
  const { results, sweeps } = await hg.blockSpectra(loss, params, blocks, {
    steps: opts.steps ?? 30, probes: opts.probes ?? 4, seed: opts.seed ?? 0,
  });
  const rows: BlockRow[] = blocks.map((b) => ({
    block: b.name,
    dim: results[b.name].dim,
    lambdaMax: Math.max(...results[b.name].probes.map((p) => p.nodes[p.nodes.length - 1])),
  }));
  // JS⁰: the mean Jensen–Shannon distance between the blocks' spectral densities (raw eigenvalue axis).
  const js = hg.pairwiseMatrix(hg.slqMeasures(results), 'js', { sigma2: 1e-5 });
  const js0 = hg.heterogeneityScore(js);
  // BOOTSTRAP: a confidence interval for JS⁰ over SLQ probes belongs here once
  // src/analysis/bootstrap.ts (being written in parallel) is part of the public API.
  return { rows, js, js0, sweeps };
}

/** The report as text: one line per block, then JS⁰. */
export function formatReport(r: Awaited<ReturnType<typeof analyseOwnModel>>): string {
  const lines = [`${'block'.padEnd(22)}${'dim'.padStart(5)}${'lambda_max'.padStart(13)}`];
  for (const row of r.rows) lines.push(`${row.block.padEnd(22)}${String(row.dim).padStart(5)}${row.lambdaMax.toExponential(3).padStart(13)}`);
  lines.push(`JS0 over ${r.rows.length} blocks: ${r.js0.toFixed(4)}  (${r.sweeps} shared HVP sweeps)`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(formatReport(await analyseOwnModel()));
