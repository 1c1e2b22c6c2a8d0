/**
 * How the log-abs floor decides SLQ's bias against exact spectra, and what it does to the
 * calibration (docs/calibration.md, "SLQ bias against exact spectra").
 *
 * For each floor f (σ² fixed, default 0.25 decade²): on the tiny ViT and GPT of vit-bias /
 * gpt-bias (dense H_bb from HVPs on basis vectors, built once), the exact JS⁰ and SLQ's JS⁰
 * with its probe-bootstrap interval (B = 100, seed 1) at m = 32 and m = 64 with 3 probes,
 * and whether the interval covers the exact value; on the calibration problems (quadratic
 * Cases 1–4, hetero-MLP r = 1…1000, m = 32, 3 probes), whether every known pair is ordered
 * with separated intervals and the smallest margin. Prints a markdown table.
 *
 * With --seeds S > 1 each SLQ cell also says at how many of the probe seeds 0…S−1 the interval
 * covered the exact value (one seed's coverage is one trial). The "at clamp" columns are the
 * exact spectral mass with |λ| ≤ f·M_b (mean over blocks): what the floor counts as null.
 *
 *     npx tsx scripts/nullspace-floor.ts [--sigma2 0.25] [--floors 1e-8,1e-6,...] [--seeds 1]
 */
import * as hg from '../src/index.js';
import { type SlqResult, bootstrapScores, convention, scoreUnder, slqProbeMeasures, type SpectralMeasure } from '../src/analysis/index.js';
import { makeCorpus, windowTensors, windowsAt } from '../src/data/corpus.js';
import { batchAt, loadMnistPackage } from '../src/data/mnist.js';
import { createGpt, gptPresets } from '../src/models/gpt.js';
import { Init } from '../src/models/init.js';
import type { Params } from '../src/models/model.js';
import { createVit, vitPresets } from '../src/models/vit.js';
import { KNOWN, calibrationProblems, calibrationRow } from '../test/analysis/calibration-table.js';
import { type DenseBlock, GRID_POINTS, denseBlocks, denseSlq, exactSpectra } from '../test/analysis/slq-bias.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const sigma2 = Number(arg('sigma2', '0.25'));
const floors = arg('floors', '1e-8,1e-6,1e-4,1e-3,1e-2,3e-2,1e-1').split(',').map(Number);
const seeds = Number(arg('seeds', '1'));
const SETTINGS: [number, number][] = [[32, 3], [64, 3]];

/** The two tiny models' dense blocks, exactly as vit-bias / gpt-bias build them. */
async function tinyModels(): Promise<Record<string, Record<string, DenseBlock>>> {
  const vit = createVit(vitPresets.tiny, 0, new Init(0, 'float64'));
  const b = batchAt(loadMnistPackage(), 4, 0, 0);
  const vb = { x: hg.tensor(Float64Array.from(b.x), [4, 784], 'float64'), y: hg.tensor(b.y, [4], 'int32') }; // (4, 784), (4,)
  const vitDense = await denseBlocks((p: Params) => vit.loss(p, vb), vit.params, vit.blocks());
  hg.dispose([vb.x, vb.y, ...Object.values(vit.params)]);
  const corpus = makeCorpus('she sells sea shells by the sea shore, '.repeat(4));
  const gpt = createGpt({ ...gptPresets.tiny, vocab: corpus.vocab.length }, 0, new Init(0, 'float64'));
  const gb = windowTensors(windowsAt(corpus.ids, 4, 16, 0, 0), 4, 16); // x, y: (4, 16)
  const gptDense = await denseBlocks((p: Params) => gpt.loss(p, gb), gpt.params, gpt.blocks());
  hg.dispose([gb.x, gb.y, ...Object.values(gpt.params)]);
  return { ViT: vitDense, GPT: gptDense };
}

const t0 = Date.now();
const log = (s: string) => console.error(`[${((Date.now() - t0) / 1000).toFixed(0)} s] ${s}`);
const models = await tinyModels();
log('dense blocks built');
const exact: Record<string, Record<string, SpectralMeasure>> = {};
const slqs: Record<string, Record<string, SlqResult>> = {};
for (const [name, dense] of Object.entries(models)) {
  exact[name] = exactSpectra(dense);
  for (const [m, p] of SETTINGS) for (let s = 0; s < seeds; s++) slqs[`${name} ${m}/${p} ${s}`] = await denseSlq(dense, m, p, s);
  const neg = Object.values(exact[name]).map((e) => e.points.filter((x) => x < -1e-8 * Math.max(...e.points.map(Math.abs))).length / e.points.length);
  log(`${name}: fraction of eigenvalues < −1e-8·M_b per block: ${neg.map((x) => x.toFixed(2)).join(' ')}`);
}
const calib = await calibrationProblems();
log('SLQ done');

const cells: string[] = [];
for (const floor of floors) {
  const c = convention('log-abs', { floor, sigma2 });
  const parts: string[] = [];
  for (const name of Object.keys(models)) {
    const truth = scoreUnder(c, exact[name], { metrics: ['js'], gridPoints: GRID_POINTS }).js0;
    const atClamp = Object.values(exact[name]).map((e) => {
      const clamp = floor * Math.max(...e.points.map(Math.abs));
      return e.weights.reduce((a, w, i) => a + (Math.abs(e.points[i]) <= clamp ? w : 0), 0);
    });
    parts.push((atClamp.reduce((a, b) => a + b, 0) / atClamp.length).toFixed(2));
    for (const [m, p] of SETTINGS) {
      const boot = (s: number) => bootstrapScores(c, slqProbeMeasures(slqs[`${name} ${m}/${p} ${s}`]), { B: 100, seed: 1, gridPoints: GRID_POINTS }).js0;
      const { estimate, lo, hi } = boot(0);
      const covered = lo <= truth && truth <= hi;
      let count = '';
      if (seeds > 1) {
        const k = Array.from({ length: seeds }, (_, s) => (s === 0 ? covered : ((b) => b.lo <= truth && truth <= b.hi)(boot(s)))).filter(Boolean).length;
        count = ` (${k}/${seeds} seeds)`;
      }
      parts.push(`${estimate.toFixed(3)} [${lo.toFixed(3)}, ${hi.toFixed(3)}] vs ${truth.toFixed(3)} ${covered ? '**yes**' : 'no'}${count}`);
    }
  }
  const row = calibrationRow(c, calib, 'converged');
  const ordered = KNOWN.every(([a, b]) => row.boot[a] && row.boot[b] && row.boot[a]!.js0.lo > row.boot[b]!.js0.hi);
  parts.push(`${ordered ? 'yes' : 'no'}, ${row.min.toFixed(2)} (${row.margins.map((x) => x.toFixed(2)).join(' / ')})`);
  cells.push(`| ${floor} | ${parts.join(' | ')} |`);
  log(`floor ${floor} done`);
  console.error(cells[cells.length - 1]);
}
const head = Object.keys(models).flatMap((n) => [`${n} at clamp`, ...SETTINGS.map(([m, p]) => `${n} m=${m}/${p}: SLQ [95%] vs exact, covered`)]);
console.log(`log-abs σ² = ${sigma2} decade²; B = 100 (seed 1); SLQ probe seed 0${seeds > 1 ? `, coverage over seeds 0…${seeds - 1}` : ''}; calibration margins in the order ${KNOWN.map(([a, b]) => `${a} > ${b}`).join(', ')}\n`);
console.log(`| floor | ${head.join(' | ')} | calibration: all separated, min margin (per pair) |`);
console.log(`|${'---|'.repeat(head.length + 2)}`);
console.log(cells.join('\n'));
