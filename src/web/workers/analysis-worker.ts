/**
 * The analysis runs here, off the page's thread: WebGPU (or the CPU
 * fallback) works while the page stays responsive, and cancelling is
 * `worker.terminate()`, which stops at once wherever the work stands.
 */
import { blockDensities, slqMeasures, type SlqResult } from '../../analysis/index.js';
import { settingsFor } from '../../experiment/settings.js';
import { SETTINGS } from '../../experiment/settings.js';

const SIGMA2 = SETTINGS.small.spectra.sigma2;
import { blockDim } from '../../hessian/index.js';
import { setBackend } from '../../tensor/index.js';
import { analyze, jsOf } from '../analysis.js';
import { webBackend } from '../backend.js';
import { fetchData } from '../fetch-data.js';
import type { AnalysisMessage, AnalysisRequest, Curve } from '../protocol.js';
import { checkChoice, makeWebTask, type WebPreset } from '../task.js';

const post = (m: AnalysisMessage) => postMessage(m);

/** Densities of the blocks measured so far, on one common grid (coarser than the report's 2000 points: it is redrawn often). */
function curves(slq: Record<string, SlqResult>, gridPoints: number): Curve[] {
  const dens = blockDensities(slqMeasures(slq), { sigma2: SIGMA2, gridPoints });
  return Object.entries(dens).map(([block, d]) => ({ block, grid: Array.from(d.grid), values: Array.from(d.values) }));
}

async function run(r: AnalysisRequest): Promise<void> {
  checkChoice(r.model, r.preset);
  const b = await webBackend(r.backend);
  setBackend(b.backend);
  post({ type: 'backend', device: b.device, kind: b.kind, ...(b.fallback ? { fallback: b.fallback } : {}) });
  // The worker script sits at the built folder's root, next to assets/.
  const task = await makeWebTask(r.model, r.preset as WebPreset, r.seed, fetchData(new URL('./', self.location.href)));
  const { model } = task;
  const blocks = model.blocks().map((bl) => ({ name: bl.name, dim: blockDim(model.params, bl) }));
  post({ type: 'task', data: task.data, blocks, batch: settingsFor(model.name, r.preset as WebPreset).spectra.batch });
  let lastDraw = 0;
  const res = await analyze(task, r.preset as WebPreset, { steps: r.steps, probes: r.probes, seed: r.seed }, (p) => {
    post({ type: 'progress', sweeps: p.sweeps, totalSweeps: p.totalSweeps, probes: p.probes, totalProbes: p.totalProbes });
    // Redraw when a probe lands, at most a few times a second (densities and JS cost host time).
    if (p.slq && (performance.now() - lastDraw > 250 || p.probes === p.totalProbes)) {
      lastDraw = performance.now();
      post({ type: 'partial', curves: curves(p.slq, 600), ...jsOf(p.slq) });
    }
  });
  post({ type: 'done', js: res.js, js0: res.js0, seconds: res.seconds, curves: curves(res.slq, 2000) });
}

self.onmessage = (e: MessageEvent<AnalysisRequest>) => {
  run(e.data).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
};
