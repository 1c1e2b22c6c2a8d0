/**
 * SLQ bias against exact block spectra, for the tiny-model bias tests (vit-bias, gpt-bias).
 *
 * The exact side is each block's dense H_bb, one column per basis vector (block HVPs, many
 * tangents per sweep), and its eigenvalues. The SLQ side runs `slq` with the settings the
 * experiment passes to blockSpectra (Gaussian probes, full reorthogonalization, steps capped
 * at the block size, probe i seeded by probeSeed(seed, i)) on the dense matrix instead of on
 * HVPs: the same Lanczos recurrences on the same operator, at a fraction of the cost, so the
 * m/probe grid can be explored. `checkSameAsHvps` shows the two agree to rounding.
 */
import {
  type AxisConvention, type SlqResult, type SpectralMeasure, bootstrapScores, eigenvalueMeasure, matVecFromDense, symmetrizeChecked, scoreUnder, slq, slqProbeMeasures, symEig,
} from '../../src/analysis/index.js';
import { type BlockSpec, type LossFn, blockDim, blockHvps, blockSpectra } from '../../src/hessian/index.js';
import type { Tensor } from '../../src/tensor/index.js';

/** A block's dense Hessian: row-major d×d, symmetrized. */
export interface DenseBlock { d: number; a: Float64Array }

/** Tangents per sweep when building dense blocks: enough to amortize the primal passes. */
const CHUNK = 64;

/**
 * Dense H_bb of every block from HVPs on basis vectors. Checks symmetry (the HVPs of a
 * correct second derivative agree with their transposes to rounding) before symmetrizing.
 */
export async function denseBlocks(loss: LossFn, params: Record<string, Tensor>, blocks: BlockSpec[]): Promise<Record<string, DenseBlock>> {
  // Columns of all blocks, in order: (block, j) pairs, swept CHUNK at a time.
  const cols = blocks.flatMap((b) => Array.from({ length: blockDim(params, b) }, (_, j) => ({ b, j })));
  const out: Record<string, DenseBlock> = Object.fromEntries(blocks.map((b) => {
    const d = blockDim(params, b);
    return [b.name, { d, a: new Float64Array(d * d) }];
  }));
  for (let c0 = 0; c0 < cols.length; c0 += CHUNK) {
    const chunk = cols.slice(c0, c0 + CHUNK);
    const hv = await blockHvps(loss, params, chunk.map(({ b, j }) => {
      const e = new Float64Array(out[b.name].d);
      e[j] = 1;
      return { block: b, v: e };
    }));
    chunk.forEach(({ b, j }, k) => {
      const { d, a } = out[b.name];
      for (let i = 0; i < d; i++) a[i * d + j] = hv[k][i];
    });
  }
  for (const [name, { d, a }] of Object.entries(out)) symmetrizeChecked(a, d, 1e-9, `denseBlocks [${name}]: H_bb`);
  return out;
}

/** SLQ of every dense block with the experiment's blockSpectra settings. */
export async function denseSlq(dense: Record<string, DenseBlock>, steps: number, probes: number, seed = 0): Promise<Record<string, SlqResult>> {
  const out: Record<string, SlqResult> = {};
  for (const [name, { d, a }] of Object.entries(dense)) {
    out[name] = await slq(matVecFromDense(a, d), d, { steps: Math.min(steps, d), probes, seed, probe: 'gaussian', reorth: 'full', label: name });
  }
  return out;
}

/**
 * Largest |Δ node| over every probe between SLQ on the dense blocks and blockSpectra on the
 * HVPs themselves (relative to each block's largest |node|), at a few steps and one probe.
 */
export async function checkSameAsHvps(
  loss: LossFn, params: Record<string, Tensor>, blocks: BlockSpec[], dense: Record<string, DenseBlock>, steps = 6,
): Promise<number> {
  const opts = { steps, probes: 1, seed: 0, probe: 'gaussian' as const, reorth: 'full' as const };
  const { results } = await blockSpectra(loss, params, blocks, opts);
  const mine = await denseSlq(dense, steps, 1);
  let worst = 0;
  for (const b of blocks) {
    const x = results[b.name].probes[0].nodes;
    const y = mine[b.name].probes[0].nodes;
    if (x.length !== y.length) return Infinity;
    const scale = Math.max(...x.map(Math.abs));
    x.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - y[i]) / scale); });
  }
  return worst;
}

/** One row of the bias table: SLQ's JS⁰ at (steps, probes) with its probe-bootstrap interval, against the exact JS⁰. */
export interface BiasRow {
  steps: number;
  probes: number;
  exact: number;
  estimate: number;
  lo: number;
  hi: number;
  covered: boolean;
}

/**
 * Grid points of the JS densities in these tests. JS no longer depends on the grid once its
 * step is ≤ σ/2; on the log-abs axis (spans of at most ~25 decades with padding, σ = 0.5 decade)
 * 500 points give steps ≤ σ/10, where the default 10000 would make the bootstrap 20× slower
 * for nothing (the tests check the exact score against the default grid).
 */
export const GRID_POINTS = 500;

/** Exact eigenvalues of every dense block. */
export function exactSpectra(dense: Record<string, DenseBlock>): Record<string, SpectralMeasure> {
  return Object.fromEntries(Object.entries(dense).map(([n, { d, a }]) => [n, eigenvalueMeasure(symEig(a, d).values)]));
}

/** The bias row at (steps, probes): SLQ on the dense blocks, the probe bootstrap with B replicates. */
export async function biasRow(
  c: AxisConvention, dense: Record<string, DenseBlock>, exact: number, steps: number, probes: number, B = 200,
): Promise<BiasRow> {
  const results = await denseSlq(dense, steps, probes);
  const b = bootstrapScores(c, slqProbeMeasures(results), { B, seed: 1, gridPoints: GRID_POINTS });
  const { estimate, lo, hi } = b.js0;
  return { steps, probes, exact, estimate, lo, hi, covered: lo <= exact && exact <= hi };
}

/** A row as a table line. */
export const formatRow = (r: BiasRow): string =>
  `m=${String(r.steps).padStart(3)} probes=${String(r.probes).padStart(2)}: JS⁰ ${r.estimate.toFixed(4)} [${r.lo.toFixed(4)}, ${r.hi.toFixed(4)}] `
  + `exact ${r.exact.toFixed(4)} bias ${(r.estimate - r.exact).toFixed(4)} covered ${r.covered}`;
