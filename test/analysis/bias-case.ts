/**
 * The SLQ-bias check shared by vit-bias and gpt-bias: exact JS⁰ of a tiny model's dense block
 * Hessians against SLQ's JS⁰ with its probe-bootstrap interval at several (m, probes).
 */
import { expect } from 'vitest';
import { type AxisConvention, HEADLINE_CONVENTION, convention, conventionName, scoreUnder } from '../../src/analysis/index.js';
import type { BlockSpec, LossFn } from '../../src/hessian/index.js';
import type { Tensor } from '../../src/tensor/index.js';
import { type BiasRow, GRID_POINTS, biasRow, checkSameAsHvps, denseBlocks, exactSpectra, formatRow } from './slq-bias.js';

/**
 * Builds the dense blocks, checks them, and returns the bias table at `settings` ([m, probes])
 * under each convention (default: the headline), keyed `${conventionName} ${m}/${probes}`.
 */
export async function biasTable(
  label: string, loss: LossFn, params: Record<string, Tensor>, blocks: BlockSpec[], settings: [number, number][],
  conventions: AxisConvention[] = [HEADLINE_CONVENTION],
): Promise<Record<string, BiasRow>> {
  const dense = await denseBlocks(loss, params, blocks);
  // SLQ on the dense blocks is SLQ on the HVPs (same probes, same recurrences) to rounding.
  expect(await checkSameAsHvps(loss, params, blocks, dense)).toBeLessThan(1e-10);
  const exact = exactSpectra(dense);
  // The eigenvalues are those of H_bb: their sum is its trace.
  for (const [name, { d, a }] of Object.entries(dense)) {
    let trace = 0;
    let fro = 0;
    for (let i = 0; i < d; i++) trace += a[i * d + i];
    for (const x of a) fro += x * x;
    expect(Math.abs(exact[name].points.reduce((s, x) => s + x, 0) - trace), name).toBeLessThan(1e-10 * Math.sqrt(fro));
  }
  const rows: Record<string, BiasRow> = {};
  const dims = blocks.map((b) => dense[b.name].d).join('/');
  for (const c of conventions) {
    const truth = scoreUnder(c, exact, { metrics: ['js'], gridPoints: GRID_POINTS }).js0;
    // The coarse grid changes nothing: the same score on the default (≥ 10000-point) grid.
    expect(Math.abs(truth - scoreUnder(c, exact, { metrics: ['js'] }).js0)).toBeLessThan(1e-9);
    const mine: BiasRow[] = [];
    for (const [m, p] of settings) mine.push(rows[`${conventionName(c)} ${m}/${p}`] = await biasRow(c, dense, truth, m, p, 100));
    console.log(`${label}: exact JS⁰ ${truth.toFixed(4)} (${blocks.length} blocks, dims ${dims}), ${conventionName(c)}, B = 100\n${mine.map(formatRow).join('\n')}`);
  }
  return rows;
}

/** The former headline floor, kept as the contrast the bias tests pin. */
export const OLD_FLOOR = convention('log-abs', { floor: 1e-8 });

/**
 * The bias tests' claim: under the headline convention the defaults' interval (m = 32
 * and 64, 3 probes) holds the exact JS⁰ within 0.01, while under floor 1e-8 the exact
 * value lies below the interval by more than `oldBias`.
 */
export function expectHeadlineCovers(rows: Record<string, BiasRow>, oldBias: number): void {
  const [h, o] = [conventionName(HEADLINE_CONVENTION), conventionName(OLD_FLOOR)];
  for (const k of ['32/3', '64/3']) {
    const r = rows[`${h} ${k}`];
    expect(r.covered, `${h} ${k}: the interval no longer holds the exact JS⁰`).toBe(true);
    expect(Math.abs(r.estimate - r.exact), k).toBeLessThan(0.01);
  }
  const old = rows[`${o} 32/3`];
  expect(old.covered).toBe(false);
  expect(old.estimate - old.exact).toBeGreaterThan(oldBias);
  expect(old.exact).toBeLessThan(old.lo);
}
