/**
 * The GPT side of vit-bias.test.ts: exact JS⁰ of the tiny GPT's dense block Hessians (float64,
 * 4 windows of 16 characters from a 12-character vocabulary) against SLQ's JS⁰ with its
 * probe-bootstrap interval, under the headline convention (log-abs, floor 3e-2).
 *
 * What it shows: at the defaults (m = 32, 3 probes) and at m = 64 the interval holds the exact
 * value. Seven of the eight blocks are indefinite (about half their eigenvalues negative), so 0 lies inside
 * the spectrum, where a 32-node Gauss rule's nodes are a few percent of the block's top apart;
 * under the former floor 1e-8 SLQ's JS⁰ sat 0.09 above the exact value, outside its interval
 * (the contrast row). Over probe seeds 0–4 the defaults' interval covers 4 of 5 times
 * (scripts/nullspace-floor.ts --seeds 5).
 */
import { describe, it } from 'vitest';
import * as hg from '../../src/index.js';
import { HEADLINE_CONVENTION } from '../../src/analysis/index.js';
import { makeCorpus, windowTensors, windowsAt } from '../../src/data/corpus.js';
import { createGpt, gptPresets } from '../../src/models/gpt.js';
import { Init } from '../../src/models/init.js';
import type { Params } from '../../src/models/model.js';
import { OLD_FLOOR, biasTable, expectHeadlineCovers } from './bias-case.js';

describe('SLQ bias on the tiny GPT', () => {
  it('the defaults\' interval holds the exact JS⁰ under the headline; under floor 1e-8 it misses', async () => {
    const corpus = makeCorpus('she sells sea shells by the sea shore, '.repeat(4));
    const model = createGpt({ ...gptPresets.tiny, vocab: corpus.vocab.length }, 0, new Init(0, 'float64'));
    const batch = windowTensors(windowsAt(corpus.ids, 4, 16, 0, 0), 4, 16); // x, y: (4, 16)
    const loss = (p: Params) => model.loss(p, batch);
    const rows = await biasTable('tiny GPT', loss, model.params, model.blocks(), [[32, 3], [64, 3]], [HEADLINE_CONVENTION, OLD_FLOOR]);
    expectHeadlineCovers(rows, 0.05); // at floor 1e-8 the exact value lies below the interval by more than 0.05
    hg.dispose([batch.x, batch.y, ...Object.values(model.params)]);
  }, 180_000);
});
