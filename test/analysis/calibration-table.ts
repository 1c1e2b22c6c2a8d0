/**
 * The calibration table (docs/calibration.md): JS⁰ with probe-bootstrap intervals of every
 * known problem under each convention, and the margin of each known pair. Shared by
 * calibration.test.ts (four conventions, grid-converged coarse grids) and
 * scripts/calibration.ts (all five on the default grids, the doc's table).
 */
import {
  type AxisConvention, type ProbeBootstrap, type SlqResult, bootstrapScores, conventionName, slqProbeMeasures, transformBlocks,
} from '../../src/analysis/index.js';
import { heteroMlpSlq, quadraticSlq } from './calibration-problems.js';

export const B = 100;
/** Known pairs, more heterogeneous first (see calibration.test.ts). */
export const KNOWN: [string, string][] = [['case1', 'case2'], ['case3', 'case4'], ['mlp r=1', 'mlp r=10'], ['mlp r=100', 'mlp r=1'], ['mlp r=1000', 'mlp r=100']];

/** SLQ block spectra of every calibration problem at the experiment's defaults. */
export async function calibrationProblems(): Promise<Record<string, Record<string, SlqResult>>> {
  const slqs: Record<string, Record<string, SlqResult>> = {};
  for (const c of [1, 2, 3, 4] as const) slqs[`case${c}`] = await quadraticSlq(c);
  for (const r of [1, 10, 100, 1000]) slqs[`mlp r=${r}`] = await heteroMlpSlq(r);
  return slqs;
}

/**
 * Grid points with step ≤ σ/4 over the padded span of the problem's atoms on the convention's
 * axis (at least 200). JS no longer depends on the grid there; the default grid (≥ 10000
 * points) is far finer than that on most problems, which is where the time went.
 */
export function convergedGrid(c: AxisConvention, res: Record<string, SlqResult>): number {
  const t = transformBlocks(c, slqProbeMeasures(res));
  const pts = Object.values(t.pooled).flatMap((m) => m.points);
  const span = Math.max(...pts) - Math.min(...pts);
  const sigma = Math.sqrt(t.sigma2);
  return Math.max(200, Math.ceil((4 * (1.02 * span + 14 * sigma)) / sigma) + 1);
}

/** One convention's row: bootstrap per problem (null where it does not apply) and the margins of the known pairs. */
export interface CalibrationRow { name: string; boot: Record<string, ProbeBootstrap | null>; margins: number[]; min: number }

/** The row of `c`; `grid` 'default' uses density.ts's grid, 'converged' {@link convergedGrid}. */
export function calibrationRow(c: AxisConvention, slqs: Record<string, Record<string, SlqResult>>, grid: 'default' | 'converged'): CalibrationRow {
  const boot: Record<string, ProbeBootstrap | null> = {};
  for (const [k, res] of Object.entries(slqs)) {
    try {
      const gridPoints = grid === 'converged' ? convergedGrid(c, res) : undefined;
      boot[k] = bootstrapScores(c, slqProbeMeasures(res), { B, seed: 1, ...(gridPoints === undefined ? {} : { gridPoints }) });
    } catch { boot[k] = null; }
  }
  const margins = KNOWN.map(([a, b]) => {
    const [x, y] = [boot[a], boot[b]];
    if (!x || !y) return NaN;
    return (x.js0.estimate - y.js0.estimate) / ((x.js0.hi - x.js0.lo) / 2 + (y.js0.hi - y.js0.lo) / 2);
  });
  return { name: conventionName(c), boot, margins, min: Math.min(...margins.map((m) => (Number.isNaN(m) ? -Infinity : m))) };
}

/** The two markdown tables (scores with intervals; margins) of `rows`. */
export function calibrationMarkdown(rows: CalibrationRow[], problems: string[]): string {
  const cell = (b: ProbeBootstrap | null) => (b ? `${b.js0.estimate.toFixed(3)} [${b.js0.lo.toFixed(3)}, ${b.js0.hi.toFixed(3)}]` : 'n/a');
  const num = (m: number) => (Number.isFinite(m) ? m.toFixed(2) : 'n/a');
  return [
    `| convention | ${problems.join(' | ')} |`, `|${'---|'.repeat(problems.length + 1)}`,
    ...rows.map((r) => `| ${r.name} | ${problems.map((k) => cell(r.boot[k])).join(' | ')} |`),
    '',
    `| convention | ${KNOWN.map(([a, b]) => `${a} > ${b}`).join(' | ')} | min margin |`, `|${'---|'.repeat(KNOWN.length + 2)}`,
    ...rows.map((r) => `| ${r.name} | ${r.margins.map(num).join(' | ')} | ${num(r.min)} |`),
  ].join('\n');
}
