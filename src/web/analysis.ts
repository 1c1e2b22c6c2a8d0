/**
 * The page's Hessian analysis: SLQ of every block's H_bb at initialization,
 * the pairwise Jensen–Shannon matrix and JS⁰ — the block half of
 * src/experiment/spectra.ts (same probes, seeds, σ² and raw axis), without
 * the full-Hessian spectrum, reporting partial results as probes finish so
 * the page can draw while it works.
 */
import { heterogeneityScore, pairwiseMatrix, slqMeasures, type PairwiseMatrix, type SlqResult } from '../analysis/index.js';
import { blockDim, blockSpectra } from '../hessian/index.js';
import { SETTINGS } from '../experiment/settings.js';

/** The experiment's σ² for raw-axis densities (the same in every preset). */
const SIGMA2 = SETTINGS.small.spectra.sigma2;
import { settingsFor } from '../experiment/settings.js';
import type { Tensor } from '../tensor/index.js';
import type { WebPreset, WebTask } from './task.js';

export interface AnalysisSettings {
  /** Lanczos steps per probe (capped at each block's dimension) and probes per block. */
  steps: number;
  probes: number;
  seed: number;
}

/** The pairwise JS matrix and JS⁰ of the blocks in `slq` (null for fewer than two blocks). */
export function jsOf(slq: Record<string, SlqResult>): { js: PairwiseMatrix | null; js0: number | null } {
  if (Object.keys(slq).length < 2) return { js: null, js0: null };
  const js = pairwiseMatrix(slqMeasures(slq), 'js', { sigma2: SIGMA2 });
  return { js, js0: heterogeneityScore(js) };
}

export interface AnalysisProgress {
  /** HVP sweeps done and expected (one sweep answers every running block's matvec). */
  sweeps: number;
  totalSweeps: number;
  /** Probes finished, over all blocks. */
  probes: number;
  totalProbes: number;
  /** Present when a probe has just finished: every block's results so far. */
  slq?: Record<string, SlqResult>;
}

export interface AnalysisResult {
  blocks: { name: string; dim: number }[];
  batch: number;
  slq: Record<string, SlqResult>;
  js: PairwiseMatrix | null;
  js0: number | null;
  seconds: number;
}

export function checkSettings(s: AnalysisSettings): void {
  for (const k of ['steps', 'probes'] as const) {
    if (!(Number.isInteger(s[k]) && s[k] >= 1 && s[k] <= 1000)) throw new Error(`${k} must be an integer in [1, 1000], got ${s[k]}`);
  }
  if (!(Number.isInteger(s.seed) && s.seed >= 0 && s.seed < 2 ** 31)) throw new Error(`seed must be an integer in [0, 2³¹), got ${s.seed}`);
}

/**
 * Block spectra and JS⁰ of `task` on the preset's Hessian batch (batch 0 of
 * the seeded stream, eval mode), as src/experiment/spectra.ts measures them.
 */
export async function analyze(
  task: WebTask, preset: WebPreset, s: AnalysisSettings, progress: (p: AnalysisProgress) => void = () => {},
): Promise<AnalysisResult> {
  checkSettings(s);
  const t0 = performance.now();
  const { model } = task;
  const size = settingsFor(model.name, preset).spectra.batch;
  const batch = task.batch(size, 0);
  const blocks = model.blocks().map((b) => ({ ...b, dim: blockDim(model.params, b) }));
  const stepsOf = blocks.map((b) => Math.min(s.steps, b.dim));
  const totalSweeps = s.probes * Math.max(...stepsOf);
  const totalProbes = blocks.length * s.probes;
  let sweeps = 0;
  let probes = 0;
  // Each call of the loss is one forward-over-reverse sweep answering every waiting block.
  const loss = (p: Record<string, Tensor>) => {
    progress({ sweeps: Math.min(++sweeps, totalSweeps), totalSweeps, probes, totalProbes });
    return model.loss(p, batch, 'eval');
  };
  const partial: Record<string, SlqResult> = {};
  const { results } = await blockSpectra(loss, model.params, blocks, {
    steps: s.steps, probes: s.probes, seed: s.seed, probe: 'gaussian', reorth: 'full', resumeFrom: {},
    onProbe: (block, _p, res) => {
      partial[block] = res;
      progress({ sweeps, totalSweeps, probes: ++probes, totalProbes, slq: { ...partial } });
    },
  });
  return {
    blocks: blocks.map((b) => ({ name: b.name, dim: b.dim })),
    batch: size,
    slq: results,
    ...jsOf(results),
    seconds: (performance.now() - t0) / 1000,
  };
}
