/**
 * checkpointProblem: every way a parseable file can fail to be a checkpoint
 * is named with its path; a real checkpoint (partial or finished) passes.
 * (cli-resume.test.ts runs a few of these through the CLI: exit 2, results kept.)
 */
import { describe, expect, it } from 'vitest';
import { checkpointProblem, resumeState } from '../../src/experiment/checkpoint.js';

const slq = (probes = 2) => ({
  kind: 'slq', dim: 10, steps: 4, seed: 0, probe: 'gaussian', reorth: 'full',
  probes: Array.from({ length: probes }, (_, i) => ({ index: i, seed: i, steps: 4, breakdown: false, nodes: [0.1, 0.5, 1, 2], weights: [0.25, 0.25, 0.25, 0.25] })),
});
const run = () => ({ optimizer: 'adam', lr: 1e-3, losses: [2.3, 2.1], finalLoss: 2.1, diverged: null, heldOutLoss: 2.2, heldOutAccuracy: 0.2, seconds: 1 });
const done = () => ({
  settings: {}, blocks: [{ name: 'a', param: 'a.w', dim: 10 }, { name: 'b', param: 'b.w', dim: 10 }],
  slq: { a: slq(), b: slq() }, full: slq(1), js: { labels: ['a', 'b'], matrix: [[0, 0.1], [0.1, 0]] }, js0: 0.1, w1: null, w10: null, sweeps: 8, seconds: 1,
});
const good = (): any => ({ version: 2, fingerprint: { model: 'mlp' }, spectraDone: done(), runs: [run(), { ...run(), finalLoss: null, diverged: { step: 3, loss: 'NaN' } }] });
const BLOCKS = ['a', 'b'];

describe('checkpointProblem', () => {
  it('passes real checkpoints: fresh, partial, finished', () => {
    expect(checkpointProblem({ version: 2, fingerprint: {} }, 2, BLOCKS)).toBeNull();
    expect(checkpointProblem({ version: 2, fingerprint: {}, spectra: { slq: { a: slq(1) }, sweeps: 4 } }, 2, BLOCKS)).toBeNull();
    expect(checkpointProblem({ version: 2, fingerprint: {}, spectra: { slq: { a: slq(), b: slq() }, full: slq(1), sweeps: 8 } }, 2, BLOCKS)).toBeNull();
    expect(checkpointProblem(good(), 2, BLOCKS)).toBeNull();
  });

  const CASES: [string, (c: any) => unknown, RegExp][] = [
    ['not an object', () => 'checkpoint', /not a JSON object/],
    ['another version', (c) => { c.version = 3; }, /its version is 3, this heterograd writes 2/],
    ['no fingerprint', (c) => { delete c.fingerprint; }, /checkpoint\.fingerprint is missing/],
    ['runs not an array', (c) => { c.runs = {}; }, /checkpoint\.runs is not an array/],
    ['a run with a string lr', (c) => { c.runs[1].lr = '0.1'; }, /checkpoint\.runs\[1\]\.lr is not a finite number/],
    ['a run with a bad divergence', (c) => { c.runs[1].diverged = { step: 3, loss: 'huge' }; }, /runs\[1\]\.diverged\.loss is not a loss/],
    ['a run losing its losses', (c) => { delete c.runs[0].losses; }, /runs\[0\]\.losses is missing/],
    ['a negative sweep count', (c) => { c.spectraDone.sweeps = -1; }, /spectraDone\.sweeps is not a whole number/],
    ['no blocks', (c) => { c.spectraDone.blocks = []; }, /spectraDone\.blocks has 0 entries, expected at least 1/],
    ['a block without its result', (c) => { delete c.spectraDone.slq.b; }, /spectraDone\.slq has no result for block 'b'/],
    ['a result of another kind', (c) => { c.spectraDone.slq.a.kind = 'exact'; }, /spectraDone\.slq\.a\.kind is not 'slq'/],
    ['a probe with no nodes', (c) => { c.spectraDone.slq.a.probes[0].nodes = []; }, /probes\[0\]\.nodes has 0 entries/],
    ['a node that is null (NaN on disk)', (c) => { c.spectraDone.slq.b.probes[1].nodes[2] = null; }, /slq\.b\.probes\[1\]\.nodes\[2\] is not a finite number/],
    ['nodes and weights of different lengths', (c) => { c.spectraDone.slq.a.probes[0].weights.pop(); }, /probes\[0\]: nodes and weights differ in length/],
    ['a js matrix that is not numbers', (c) => { c.spectraDone.js.matrix = [['x']]; }, /spectraDone\.js\.matrix\[0\]\[0\] is not a finite number/],
    ['a stranger block in partial spectra', (c) => { c.spectra = { slq: { z: slq() } }; delete c.spectraDone; }, /checkpoint\.spectra\.slq has block 'z', which this model does not have \(blocks: a, b\)/],
    ['partial spectra that are a list', (c) => { c.spectra = [1]; }, /checkpoint\.spectra is not an object/],
  ];
  it.each(CASES)('names the problem: %s', (_what, edit, message) => {
    const c = good();
    const replaced = edit(c);
    expect(checkpointProblem(replaced === undefined ? c : replaced, 2, BLOCKS)).toMatch(message);
  });
});

describe('resumeState', () => {
  it('says what is done, never "0 block spectra started" for finished work', () => {
    expect(resumeState({ spectraDone: done(), runs: [run()] }, 2, 2)).toBe('spectra done, 1 training runs done');
    expect(resumeState({ runs: [run(), run()] }, 2, 2)).toBe('no spectra yet, 2 training runs done');
    expect(resumeState({ spectra: { slq: { a: slq(2), b: slq(1) } } }, 2, 2)).toBe('1 of 2 block spectra done, 0 training runs done');
    expect(resumeState({ spectra: { slq: { a: slq(2), b: slq(2) } } }, 2, 2)).toBe('block spectra done, full spectrum to do, 0 training runs done');
    expect(resumeState({ spectra: { slq: { a: slq(2), b: slq(2) }, full: slq(1) } }, 2, 2)).toBe('block spectra done, full spectrum partly done, 0 training runs done');
  });
});
