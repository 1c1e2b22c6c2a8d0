/**
 * A results.json document made without running anything, for report tests
 * that must stay fast: a two-layer GPT-like model (16 blocks, one of them
 * with no positive eigenvalue), a VGG-like model whose blocks barely differ
 * (JS distances near 0), training runs with noise and one divergence, a
 * failed model, and per-convention scores. Spectra are made-up Gauss rules;
 * JS matrices and JS⁰ are computed from them by the real analysis code, and
 * the summary by the real summary code, so the numbers agree with each other.
 */
import { DEFAULT_ANALYSIS, analyzeSpectra } from '../../src/experiment/derive.js';
import { heterogeneityScore, pairwiseMatrix, slqMeasures, type SlqResult } from '../../src/analysis/index.js';
import { resolveSettings } from '../../src/experiment/config.js';
import { RESULTS_SCHEMA } from '../../src/experiment/schema.js';
import { summaryRows } from '../../src/experiment/summary.js';
import type { ExperimentOptions, NeuralModel, NeuralResult, RunResult } from '../../src/experiment/types.js';
import type { ReportDoc } from '../../src/experiment/outputs.js';
import { Rng } from './rng.js';

/** An SLQ result of `probes` Gauss rules with nodes spread around `center` by `spread`. */
function fakeSlq(rng: Rng, center: number, spread: number, probes = 2, steps = 8): SlqResult {
  return {
    kind: 'slq', dim: 64, steps, probe: 'gaussian', seed: 0, reorth: 'full',
    probes: Array.from({ length: probes }, (_, index) => {
      const nodes = Array.from({ length: steps }, () => center + spread * rng.normal()).sort((a, b) => a - b);
      const raw = nodes.map(() => 0.1 + rng.uniform());
      const sum = raw.reduce((a, b) => a + b, 0);
      return { index, seed: index, nodes, weights: raw.map((w) => w / sum), steps, breakdown: false };
    }),
  };
}

function runs(rng: Rng, optimizer: 'sgd' | 'adam', lrs: number[], start: number, rate: number[], diverge?: number): RunResult[] {
  return lrs.map((lr, k) => {
    const n = diverge === k ? 20 : 60;
    const losses = Array.from({ length: n }, (_, i) => start * Math.exp(-rate[k] * i) * (1 + 0.08 * rng.normal()));
    const tail = losses.slice(-6);
    return {
      optimizer, lr, losses,
      finalLoss: diverge === k ? null : tail.reduce((a, b) => a + b, 0) / tail.length,
      diverged: diverge === k ? { step: n, loss: 'NaN' } : null,
      heldOutLoss: diverge === k ? null : losses[n - 1] * 1.05, heldOutAccuracy: diverge === k ? null : 0.3 + 0.1 * k, seconds: 0.5,
    };
  });
}

/** The same Gauss rule with every node moved by `shift` (blocks that barely differ). */
const shifted = (r: SlqResult, shift: number): SlqResult => ({ ...r, probes: r.probes.map((p) => ({ ...p, nodes: p.nodes.map((x) => x + shift) })) });

function neural(model: NeuralModel, slq: Record<string, SlqResult>, seed: number, rates: [number[], number[]], conventions = false): NeuralResult {
  const rng = new Rng(seed + 7);
  const settings = resolveSettings(model, 'tiny', {});
  const blocks = Object.keys(slq).map((name) => ({ name }));
  const js = pairwiseMatrix(slqMeasures(slq), 'js', { sigma2: settings.spectra.sigma2 });
  const w1 = pairwiseMatrix(slqMeasures(slq), 'w1');
  const js0 = heterogeneityScore(js);
  const sgd = runs(rng, 'sgd', [0.03, 0.1, 0.3], 4, rates[0], 2);
  const adam = runs(rng, 'adam', [3e-4, 1e-3, 3e-3], 4, rates[1]);
  const bestOf = (rs: RunResult[]) => rs.filter((r) => r.finalLoss !== null).sort((a, b) => a.finalLoss! - b.finalLoss!)[0];
  const bs = bestOf(sgd);
  const ba = bestOf(adam);
  return {
    kind: 'neural', model, preset: 'tiny', seed, config: {}, params: 1234, data: 'synthetic', settings,
    spectra: {
      settings: { ...settings.spectra, axis: 'raw', probe: 'gaussian', reorth: 'full', bn: 'eval' },
      blocks: blocks.map((b) => ({ name: b.name, param: `${b.name}.weight`, dim: 64 }) as never),
      slq, full: fakeSlq(rng, 0.5, 0.5, 1), js, js0, w1, w10: heterogeneityScore(w1), sweeps: 16, seconds: 1,
      ...(conventions ? { analysis: analyzeSpectra(slq, { ...DEFAULT_ANALYSIS, bootstrapB: 20 }) } : {}),
    },
    training: {
      settings: {
        ...settings.train, optimizers: ['sgd', 'adam'], schedule: 'linear warmup (5% of steps) + cosine to 10%', sgdMomentum: 0.9,
        adamBetas: [0.9, 0.999], bestBy: 'lowest final training loss (mean of the last 10% of steps)',
      },
      runs: [...sgd, ...adam],
      best: { sgd: { lr: bs.lr, finalLoss: bs.finalLoss! }, adam: { lr: ba.lr, finalLoss: ba.finalLoss! } },
      grids: {}, gap: bs.finalLoss! - ba.finalLoss!, gaps: {},
    },
    seconds: 3,
  };
}

/** The GPT-like model's 16 blocks: embeddings, two layers of six, the head, and a block with only negative eigenvalues. */
export const GPT_BLOCKS = [
  'wte', ...[0, 1].flatMap((l) => ['attn.q', 'attn.k', 'attn.v', 'attn.proj', 'mlp.fc1', 'mlp.fc2'].map((k) => `blocks.${l}.${k}`)), 'ln_f', 'lm_head',
];

/** The failed run in {@link reportDoc}. */
export const FAILURE = { model: 'bert', seed: 0, error: 'text file /tmp/bad.txt: 3 characters, fewer than one window of 33' };

/** A results.json document with two models, one failure and per-convention scores on the first model. */
export function reportDoc(): ReportDoc & { options: ExperimentOptions } {
  const rng = new Rng(1);
  // Scales from 1e-3 to 10 across the blocks (heterogeneous); ln_f's eigenvalues are all negative, so it has no λ_max to divide by.
  const gpt = neural('gpt', Object.fromEntries(GPT_BLOCKS.map((name, i) => {
    const scale = 10 ** (-3 + (i % 5));
    return [name, name === 'ln_f' ? fakeSlq(rng, -0.2, 0.01) : fakeSlq(rng, scale, scale / 3)];
  })), 0, [[0.01, 0.02, 0.03], [0.02, 0.04, 0.05]], true);
  // Three blocks with one spectrum, shifted by a fraction of σ: JS distances far below GPT's.
  const base = fakeSlq(rng, 1, 0.3);
  const vgg = neural('vgg', { conv1: base, conv2: shifted(base, 3e-4), fc: shifted(base, 6e-4) }, 0, [[0.02, 0.03, 0.01], [0.02, 0.025, 0.02]], true);
  const models = [gpt, vgg];
  return {
    schema: RESULTS_SCHEMA, createdAt: '2026-01-02T03:04:05.000Z',
    command: 'npm run experiment -- --model gpt,vgg,bert --preset tiny --data /tmp/bad.txt',
    options: {
      model: ['gpt', 'vgg', 'bert'], preset: 'tiny', backend: 'cpu', seeds: [0], out: 'runs/test', resume: false, formats: ['svg'], overrides: { probes: 2 }, analysis: DEFAULT_ANALYSIS,
    },
    versions: { heterograd: '0.1.0', commit: '0123456789abcdef0123456789abcdef01234567', node: 'v20', platform: 'linux-x64' },
    backend: { name: 'cpu', device: 'CPU (test)' },
    seconds: 12.5,
    models,
    failures: [FAILURE],
    summary: summaryRows(models),
  };
}
