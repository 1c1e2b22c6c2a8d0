/**
 * Phase 1: the Hessian at initialization. On one fixed batch (BatchNorm in
 * the `--bn` mode, by default 'eval': PyTorch's running statistics, as the
 * paper's code measures), SLQ of every block's H_bb and of the full H, then
 * the densities, the pairwise Jensen–Shannon matrix and JS⁰.
 *
 * Convention: block densities are compared on the raw eigenvalue axis (no
 * normalization, since a block's scale is part of what differs), on one
 * common grid, with σ² (the paper's 1e-5 unless `--sigma2`); JS is the
 * bounded distance in [0, √ln 2] (see src/analysis/distances.ts). W1⁰ (mean
 * Wasserstein-1 over pairs) is reported beside it.
 */
import { blockDim, blockSpectra, fullSpectrum } from '../hessian/index.js';
import { blockDensities, density, heterogeneityScore, pairwiseMatrix, slqMeasure, slqMeasures, type SlqResult } from '../analysis/index.js';
import { paramCount } from '../models/model.js';
import type { Tensor } from '../tensor/index.js';
import type { BnMode } from '../models/model.js';
import type { SpectraSettings } from './settings.js';
import type { SpectraResult, Task } from './types.js';


export interface SpectraProgress {
  (what: string, done: number, total: number): void;
}

export async function measureSpectra(
  task: Task, s: SpectraSettings, seed: number, bn: BnMode, previous: Partial<SpectraResult> | undefined,
  progress: SpectraProgress, checkpoint: (partial: Partial<SpectraResult>) => Promise<void>,
): Promise<SpectraResult> {
  const t0 = performance.now();
  const { model } = task;
  const batch = task.batch(s.batch, 0);
  const loss = (p: Record<string, Tensor>) => model.loss(p, batch, bn);
  const blocks = model.blocks().map((b) => ({ ...b, dim: blockDim(model.params, b) }));
  // Progress counts sweeps (one Lanczos step of every block): the probes still to run, each as long as the largest block's.
  const stepsPerProbe = Math.max(...blocks.map((b) => Math.min(s.steps, b.dim)));
  const probesDone = Math.min(...blocks.map((b) => previous?.slq?.[b.name]?.probes.length ?? 0));
  const partial: Record<string, SlqResult> = { ...(previous?.slq ?? {}) };
  const sweepsBefore = previous?.sweeps ?? 0;
  let sweepsNow = 0;
  progress('block spectra (Lanczos steps)', probesDone * stepsPerProbe, s.probes * stepsPerProbe);

  const { results: slq, sweeps } = await blockSpectra(loss, model.params, blocks, {
    steps: s.steps, probes: s.probes, seed, probe: 'gaussian', reorth: 'full', resumeFrom: partial,
    onSweep: (n) => {
      sweepsNow = n;
      progress('block spectra (Lanczos steps)', Math.min(s.probes * stepsPerProbe, probesDone * stepsPerProbe + n), s.probes * stepsPerProbe);
    },
    onProbe: async (block, _p, res) => {
      partial[block] = res;
      await checkpoint({ slq: partial, sweeps: sweepsBefore + sweepsNow });
    },
  });

  let full = previous?.full ?? null;
  if (!full || full.probes.length < s.fullProbes) {
    progress('full spectrum', full?.probes.length ?? 0, s.fullProbes);
    full = await fullSpectrum(loss, model.params, {
      steps: Math.min(s.fullSteps, paramCount(model.params)), probes: s.fullProbes, seed: seed + 1, probe: 'gaussian', reorth: 'full',
      ...(full ? { resumeFrom: full } : {}),
      onProbe: async (_p, res) => {
        progress('full spectrum', res.probes.length, s.fullProbes);
        await checkpoint({ slq, full: res, sweeps: sweepsBefore + sweeps });
      },
    });
  }

  const many = blocks.length >= 2;
  const measures = slqMeasures(slq);
  const js = many ? pairwiseMatrix(measures, 'js', { sigma2: s.sigma2 }) : null;
  const w1 = many ? pairwiseMatrix(measures, 'w1') : null;
  return {
    settings: { ...s, axis: 'raw', probe: 'gaussian', reorth: 'full', bn },
    blocks,
    slq,
    full,
    js,
    js0: js ? heterogeneityScore(js) : null,
    w1,
    w10: w1 ? heterogeneityScore(w1) : null,
    sweeps: sweepsBefore + sweeps,
    seconds: (performance.now() - t0) / 1000 + (previous?.seconds ?? 0),
  };
}

type Curve = { block: string; grid: number[]; values: number[] };

/** Densities for plotting: every block on one common grid, and the full Hessian on its own grid. */
export function plotDensities(r: SpectraResult): { blocks: Curve[]; full: Curve | null } {
  const dens = blockDensities(slqMeasures(r.slq), { sigma2: r.settings.sigma2, gridPoints: 2000 });
  const blocks = Object.entries(dens).map(([block, d]) => ({ block, grid: d.grid, values: d.values }));
  if (!r.full) return { blocks, full: null };
  const f = density(slqMeasure(r.full), { sigma2: r.settings.sigma2, gridPoints: 2000 });
  return { blocks, full: { block: 'full Hessian', grid: f.grid, values: f.values } };
}
