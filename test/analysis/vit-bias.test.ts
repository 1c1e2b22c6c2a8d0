/**
 * Does the probe-bootstrap interval of JS⁰ at the experiment's SLQ defaults (m = 32, 3 probes)
 * hold the exact JS⁰? On the tiny ViT (float64, 4 MNIST digits), exact block spectra come from
 * dense H_bb built by HVPs on basis vectors; the headline convention is log-abs, floor 3e-2.
 *
 * What it shows: yes, at m = 32 and at m = 64 (3 probes, probe seed 0). Under the former floor
 * 1e-8 it did not: SLQ's JS⁰ sat 0.21 above the exact value, far outside an interval a few
 * hundredths wide. These blocks are mostly null (H_bb at 4 digits has rank 16–510 of 160–784);
 * with floor 1e-8 the exact null mass sits 8 decades below the block's top while an m-step Gauss
 * rule lumps it with the small nonzero eigenvalues into Ritz values decades higher. Floor 3e-2
 * counts everything below what a 32-step rule resolves near 0 as null, on both sides. The
 * contrast row pins that bias; the headline rows fail if new defaults bring it back. Over probe
 * seeds 0–4 the defaults' interval covers 4 of 5 times (scripts/nullspace-floor.ts --seeds 5).
 */
import { describe, it } from 'vitest';
import * as hg from '../../src/index.js';
import { HEADLINE_CONVENTION } from '../../src/analysis/index.js';
import { batchAt, loadMnistPackage } from '../../src/data/mnist.js';
import { Init } from '../../src/models/init.js';
import type { Params } from '../../src/models/model.js';
import { createVit, vitPresets } from '../../src/models/vit.js';
import { OLD_FLOOR, biasTable, expectHeadlineCovers } from './bias-case.js';

describe('SLQ bias on the tiny ViT', () => {
  it('the defaults\' interval holds the exact JS⁰ under the headline; under floor 1e-8 it misses', async () => {
    const model = createVit(vitPresets.tiny, 0, new Init(0, 'float64'));
    const b = batchAt(loadMnistPackage(), 4, 0, 0);
    const batch = { x: hg.tensor(Float64Array.from(b.x), [4, 784], 'float64'), y: hg.tensor(b.y, [4], 'int32') }; // (4, 784), (4,)
    const loss = (p: Params) => model.loss(p, batch);
    const rows = await biasTable('tiny ViT', loss, model.params, model.blocks(), [[32, 3], [64, 3]], [HEADLINE_CONVENTION, OLD_FLOOR]);
    expectHeadlineCovers(rows, 0.1); // at floor 1e-8 the exact value lies below the interval by more than 0.1
    hg.dispose([batch.x, batch.y, ...Object.values(model.params)]);
  }, 180_000);
});
