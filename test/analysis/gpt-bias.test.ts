/**
 * The GPT side of vit-bias.test.ts: exact JS⁰ of the tiny GPT's dense block Hessians (float64,
 * 4 windows of 16 characters from a 12-character vocabulary) against SLQ's JS⁰ with its
 * probe-bootstrap interval, under the headline convention (log-abs).
 *
 * What it shows: at the defaults (m = 32, 3 probes) SLQ's JS⁰ is 0.09 above the exact value,
 * outside its interval; 10 probes do not help (truncation bias). The interval first holds the
 * exact value at m = 384 with 3 probes (320 does not). The pinned rows fail if that changes;
 * then update this test and docs/calibration.md.
 */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import { makeCorpus, windowTensors, windowsAt } from '../../src/data/corpus.js';
import { createGpt, gptPresets } from '../../src/models/gpt.js';
import { Init } from '../../src/models/init.js';
import type { Params } from '../../src/models/model.js';
import { biasTable } from './bias-case.js';

describe('SLQ bias on the tiny GPT', () => {
  it('the defaults\' interval misses the exact JS⁰; m = 384 with 3 probes is the first to hold it', async () => {
    const corpus = makeCorpus('she sells sea shells by the sea shore, '.repeat(4));
    const model = createGpt({ ...gptPresets.tiny, vocab: corpus.vocab.length }, 0, new Init(0, 'float64'));
    const batch = windowTensors(windowsAt(corpus.ids, 4, 16, 0, 0), 4, 16); // x, y: (4, 16)
    const loss = (p: Params) => model.loss(p, batch);
    const rows = await biasTable('tiny GPT', loss, model.params, model.blocks(), [[32, 3], [32, 10], [64, 3], [64, 10], [320, 3], [384, 3]]);
    for (const k of ['32/3', '32/10', '64/3', '64/10', '320/3']) {
      expect(rows[k].covered, `${k}: the interval now holds the exact JS⁰`).toBe(false);
      expect(rows[k].exact, k).toBeLessThan(rows[k].lo);
    }
    expect(rows['384/3'].covered).toBe(true);
    expect(Math.abs(rows['384/3'].estimate - rows['384/3'].exact)).toBeLessThan(Math.abs(rows['32/3'].estimate - rows['32/3'].exact) / 5);
    hg.dispose([batch.x, batch.y, ...Object.values(model.params)]);
  }, 180_000);
});
