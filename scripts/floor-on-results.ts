/**
 * Re-scores a finished run's stored SLQ rules under the log-abs convention at several floors:
 * per model the headline JS⁰ with its probe-bootstrap interval (the experiment's analysis
 * settings: B = 200, seed 0, ≥ 1000 grid points) and the a-posteriori check (JS⁰ from the
 * first ⌊m/2⌋ steps). No Hessian product: it reads results.json only, writes nothing.
 *
 *     npx tsx scripts/floor-on-results.ts docs/results-small/results.json [--floors 1e-8,1e-2]
 */
import { readFileSync } from 'node:fs';
import { type SlqResult, bootstrapScores, convention, slqAccuracy, slqProbeMeasures } from '../src/analysis/index.js';
import { DEFAULT_ANALYSIS } from '../src/experiment/derive.js';

const file = process.argv[2];
if (file === undefined || file.startsWith('--')) throw new Error('usage: tsx scripts/floor-on-results.ts RESULTS.json [--floors 1e-8,1e-2]');
const fi = process.argv.indexOf('--floors');
const floors = (fi < 0 ? '1e-8,1e-2' : process.argv[fi + 1]).split(',').map(Number);
interface Stored { kind: string; model: string; seed: number; config?: { r?: number }; spectra?: { slq: Record<string, SlqResult> } }
const runs = (JSON.parse(readFileSync(file, 'utf8')) as { models: Stored[] }).models.filter((r) => r.kind === 'neural' && r.spectra && Object.keys(r.spectra.slq).length >= 2);

const f3 = (x: number) => x.toFixed(3);
console.log(`| model | seed | ${floors.map((f) => `floor ${f}: JS⁰ [95%] | ⌊m/2⌋`).join(' | ')} |`);
console.log(`|---|---|${'---|---|'.repeat(floors.length)}`);
for (const r of runs) {
  const slq = r.spectra!.slq;
  const cells = floors.flatMap((floor) => {
    const c = convention('log-abs', { floor });
    const { js0 } = bootstrapScores(c, slqProbeMeasures(slq), { B: DEFAULT_ANALYSIS.bootstrapB, seed: DEFAULT_ANALYSIS.bootstrapSeed, minGridPoints: DEFAULT_ANALYSIS.bootstrapMinGridPoints });
    return [`${f3(js0.estimate)} [${f3(js0.lo)}, ${f3(js0.hi)}]`, f3(slqAccuracy(slq, c).js0.truncated)];
  });
  const name = r.config?.r === undefined ? r.model : `${r.model} r=${r.config.r}`;
  console.log(`| ${name} | ${r.seed} | ${cells.join(' | ')} |`);
}
