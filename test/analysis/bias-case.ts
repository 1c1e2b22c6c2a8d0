/**
 * The SLQ-bias check shared by vit-bias and gpt-bias: exact JS⁰ of a tiny model's dense block
 * Hessians against SLQ's JS⁰ with its probe-bootstrap interval at several (m, probes).
 */
import { expect } from 'vitest';
import { HEADLINE_CONVENTION, scoreUnder } from '../../src/analysis/index.js';
import type { BlockSpec, LossFn } from '../../src/hessian/index.js';
import type { Tensor } from '../../src/tensor/index.js';
import { type BiasRow, GRID_POINTS, biasRow, checkSameAsHvps, denseBlocks, exactSpectra, formatRow } from './slq-bias.js';

/** Builds the dense blocks, checks them, and returns the bias table at `settings` ([m, probes]). */
export async function biasTable(
  label: string, loss: LossFn, params: Record<string, Tensor>, blocks: BlockSpec[], settings: [number, number][],
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
  const truth = scoreUnder(HEADLINE_CONVENTION, exact, { metrics: ['js'], gridPoints: GRID_POINTS }).js0;
  // The coarse grid changes nothing: the same score on the default (≥ 10000-point) grid.
  expect(Math.abs(truth - scoreUnder(HEADLINE_CONVENTION, exact, { metrics: ['js'] }).js0)).toBeLessThan(1e-9);
  const rows: Record<string, BiasRow> = {};
  for (const [m, p] of settings) rows[`${m}/${p}`] = await biasRow(HEADLINE_CONVENTION, dense, truth, m, p, 100);
  const dims = blocks.map((b) => dense[b.name].d).join('/');
  console.log(`${label}: exact JS⁰ ${truth.toFixed(4)} (${blocks.length} blocks, dims ${dims}), log-abs, B = 100\n${Object.values(rows).map(formatRow).join('\n')}`);
  return rows;
}
