/**
 * The SLQ-bias check shared by vit-bias and gpt-bias: exact JS⁰ of a tiny model's dense block
 * Hessians against SLQ's JS⁰ with its probe-bootstrap interval at several (m, probes).
 */
import { expect } from 'vitest';
import { type AxisConvention, HEADLINE_CONVENTION, conventionName, scoreUnder } from '../../src/analysis/index.js';
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
