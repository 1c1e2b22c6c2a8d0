/**
 * Does the probe-bootstrap interval of JS⁰ at the experiment's SLQ defaults (m = 32, 3 probes)
 * hold the exact JS⁰? On the tiny ViT (float64, 4 MNIST digits), exact block spectra come from
 * dense H_bb built by HVPs on basis vectors; the headline convention is log-abs.
 *
 * What it shows: no. SLQ's JS⁰ sits 0.21 above the exact value while the interval is a few
 * hundredths wide, and 10 probes do not help: the gap is truncation bias, which the bootstrap
 * over probes cannot see. These blocks are mostly null (H_bb at 4 digits has rank 16–510 of
 * 160–784), and on the log axis the exact null mass sits at the floor (8 decades below the
 * block's top) while an m-step Gauss rule lumps it with the small nonzero eigenvalues into Ritz
 * values decades higher. The interval first holds the exact value at m = 352 (320 does not),
 * close to the largest block sizes. The pinned rows fail if that changes (e.g. new defaults or
 * a different convention): then update this test and docs/calibration.md.
 */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import { batchAt, loadMnistPackage } from '../../src/data/mnist.js';
import { Init } from '../../src/models/init.js';
import type { Params } from '../../src/models/model.js';
import { createVit, vitPresets } from '../../src/models/vit.js';
import { biasTable } from './bias-case.js';

describe('SLQ bias on the tiny ViT', () => {
  it('the defaults\' interval misses the exact JS⁰; m = 352 with 3 probes is the first to hold it', async () => {
    const model = createVit(vitPresets.tiny, 0, new Init(0, 'float64'));
    const b = batchAt(loadMnistPackage(), 4, 0, 0);
    const batch = { x: hg.tensor(Float64Array.from(b.x), [4, 784], 'float64'), y: hg.tensor(b.y, [4], 'int32') }; // (4, 784), (4,)
    const loss = (p: Params) => model.loss(p, batch);
    const rows = await biasTable('tiny ViT', loss, model.params, model.blocks(), [[32, 3], [32, 10], [64, 3], [64, 10], [320, 3], [352, 3]]);
    for (const k of ['32/3', '32/10', '64/3', '64/10', '320/3']) {
      expect(rows[k].covered, `${k}: the interval now holds the exact JS⁰`).toBe(false);
      expect(rows[k].exact, k).toBeLessThan(rows[k].lo); // SLQ's JS⁰ is biased upward
    }
    expect(rows['352/3'].covered).toBe(true);
    expect(Math.abs(rows['352/3'].estimate - rows['352/3'].exact)).toBeLessThan(Math.abs(rows['32/3'].estimate - rows['32/3'].exact) / 5);
    hg.dispose([batch.x, batch.y, ...Object.values(model.params)]);
  }, 180_000);
});
