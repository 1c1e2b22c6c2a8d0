/**
 * Regenerates the calibration tables of docs/calibration.md: every default convention,
 * including 'raw-absolute' (left out of calibration.test.ts for cost), on density.ts's
 * default grids (≥ 10000 points, up to 200 000 for raw-absolute's σ = 0.003). Several minutes.
 *
 *     npx tsx scripts/calibration.ts
 */
import { defaultConventions } from '../src/analysis/index.js';
import { calibrationMarkdown, calibrationProblems, calibrationRow } from '../test/analysis/calibration-table.js';

const slqs = await calibrationProblems();
const rows = [];
for (const c of defaultConventions()) {
  const t0 = Date.now();
  rows.push(calibrationRow(c, slqs, 'default'));
  console.error(`${rows[rows.length - 1].name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
console.log(calibrationMarkdown(rows, Object.keys(slqs)));
