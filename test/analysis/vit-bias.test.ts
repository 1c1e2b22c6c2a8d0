/**
 * SLQ bias on the tiny ViT (float64) under the headline convention: exact block spectra from
 * dense H_bb (block HVPs on basis vectors) against SLQ at the experiment's defaults (m = 32,
 * 3 probes) with its probe-bootstrap interval, and at more steps/probes.
 */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import {
  HEADLINE_CONVENTION, bootstrapScores, eigenvalueMeasure, scoreUnder, slqAccuracy, slqProbeMeasures, symEig,
} from '../../src/analysis/index.js';
import { type BlockSpec, blockDim, blockHvps, blockSpectra } from '../../src/hessian/index.js';
import { Init } from '../../src/models/init.js';
import type { Params } from '../../src/models/model.js';
import { createVit, vitPresets } from '../../src/models/vit.js';
import { Rng } from '../helpers/rng.js';

const rng = new Rng(21);
const model = createVit(vitPresets.tiny, 0, new Init(0, 'float64'));
const batch = { x: hg.tensor(rng.array(16 * 784, 0.5), [16, 784], 'float64'), y: hg.tensor(Int32Array.from({ length: 16 }, (_, i) => i % 10), [16], 'int32') };
const loss = (p: Params) => model.loss(p, batch);

/** Exact eigenvalues of H_bb: HVPs on basis vectors in chunks of 64 tangents. */
async function exactEigs(b: BlockSpec): Promise<Float64Array> {
  const d = blockDim(model.params, b);
  const a = new Float64Array(d * d);
  for (let j0 = 0; j0 < d; j0 += 64) {
    const cols = await blockHvps(loss, model.params, Array.from({ length: Math.min(64, d - j0) }, (_, i) => {
      const e = new Float64Array(d); e[j0 + i] = 1; return { block: b, v: e };
    }));
    cols.forEach((c, i) => c.forEach((v, r) => { a[r * d + j0 + i] = v; }));
  }
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) a[i * d + j] = a[j * d + i] = 0.5 * (a[i * d + j] + a[j * d + i]);
  return symEig(a, d).values;
}

describe('SLQ bias on the tiny ViT', () => {
  it('reports exact JS⁰ against SLQ estimates with intervals at the defaults and beyond', async () => {
    const blocks = model.blocks();
    const exact = Object.fromEntries(await Promise.all(blocks.map(async (b) => [b.name, eigenvalueMeasure(await exactEigs(b))] as const)));
    const truth = scoreUnder(HEADLINE_CONVENTION, exact, { metrics: ['js'] }).js0;
    const lines: string[] = [`exact JS⁰ (${blocks.length} blocks, dims ${blocks.map((b) => blockDim(model.params, b)).join('/')}): ${truth.toFixed(4)}`];
    const found: Record<string, { est: number; lo: number; hi: number }> = {};
    for (const [steps, probes] of [[32, 3], [32, 10], [64, 3], [64, 10]]) {
      const { results } = await blockSpectra(loss, model.params, blocks, { steps, probes, seed: 0, reorth: 'full' });
      const b = bootstrapScores(HEADLINE_CONVENTION, slqProbeMeasures(results), { B: 200, seed: 1 });
      const acc = slqAccuracy(results, HEADLINE_CONVENTION);
      found[`${steps}/${probes}`] = { est: b.js0.estimate, lo: b.js0.lo, hi: b.js0.hi };
      lines.push(`m=${steps} probes=${probes}: JS⁰ ${b.js0.estimate.toFixed(4)} [${b.js0.lo.toFixed(4)}, ${b.js0.hi.toFixed(4)}], bias ${(b.js0.estimate - truth).toFixed(4)}, ` +
        `covers exact: ${b.js0.lo <= truth && truth <= b.js0.hi}; m/2→m change ${acc.js0.diff.toFixed(4)}`);
    }
    console.log(lines.join('\n'));
    // What the test pins down: every estimate lies within 0.1 of the exact score, and the
    // interval at 64 steps × 10 probes is narrower than at the defaults.
    for (const [k, f] of Object.entries(found)) expect(Math.abs(f.est - truth), k).toBeLessThan(0.1);
    expect(found['64/10'].hi - found['64/10'].lo).toBeLessThan(found['32/3'].hi - found['32/3'].lo);
  }, 900_000);
});
