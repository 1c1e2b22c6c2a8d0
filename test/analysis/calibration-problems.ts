/**
 * Problems whose block heterogeneity is known by construction, as SLQ block spectra:
 * the paper's quadratic Cases 1–4 (exact block matrices H_b) and the man-made
 * heterogeneous MLP at spread r (block spectra exactly the plain ones times s_l²).
 */
import * as hg from '../../src/index.js';
import { matVecFromDense, slq, type SlqResult } from '../../src/analysis/index.js';
import { blockSpectra } from '../../src/hessian/index.js';
import { batchAt, loadMnistPackage } from '../../src/data/mnist.js';
import { createHeteroMlp, type HeteroMlpConfig } from '../../src/models/hetero-mlp.js';
import { Init } from '../../src/models/init.js';
import type { Params } from '../../src/models/model.js';
import { quadraticCase, type CaseId } from '../../src/models/quadratic.js';

/** SLQ settings of the calibration: the experiment's defaults. */
export interface SlqSettings { steps: number; probes: number; seed: number }
export const DEFAULT_SLQ: SlqSettings = { steps: 32, probes: 3, seed: 0 };

/** SLQ of every block H_b of quadratic Case `caseId` (steps capped at the block size, where the rule is exact in its nodes). */
export async function quadraticSlq(caseId: CaseId, s: SlqSettings = DEFAULT_SLQ): Promise<Record<string, SlqResult>> {
  const q = quadraticCase(caseId, 0);
  const out: Record<string, SlqResult> = {};
  for (const b of q.blocks) {
    const n = b.eigenvalues.length;
    out[b.name] = await slq(matVecFromDense(b.H, n), n, { steps: Math.min(s.steps, n), probes: s.probes, seed: s.seed, reorth: 'full', label: b.name });
  }
  return out;
}

/** The hetero-MLP of the calibration: 784 → 16 → 16 → 10, ReLU, float64, three weight blocks. */
export const heteroConfig = (r: number): HeteroMlpConfig => ({ sizes: [784, 16, 16, 10], activation: 'relu', r });

let digits: ReturnType<typeof loadMnistPackage> | undefined;

/** SLQ block spectra of the hetero-MLP at spread `r`, seed-0 initialization, on 64 MNIST digits. */
export async function heteroMlpSlq(r: number, s: SlqSettings = DEFAULT_SLQ): Promise<Record<string, SlqResult>> {
  digits ??= loadMnistPackage();
  const b = batchAt(digits, 64, 0, 0);
  const batch = { x: hg.tensor(Float64Array.from(b.x), [64, 784], 'float64'), y: hg.tensor(b.y, [64], 'int32') };
  const model = createHeteroMlp(heteroConfig(r), 0, new Init(0, 'float64'));
  const loss = (p: Params) => model.loss(p, batch);
  const { results } = await blockSpectra(loss, model.params, model.blocks(), { steps: s.steps, probes: s.probes, seed: s.seed, reorth: 'full' });
  hg.dispose([batch.x, batch.y, ...Object.values(model.params)]);
  return results;
}
