/** SLQ accuracy from stored results: truncated Gauss rules, the m/2-vs-m check, probe spread. */
import { describe, expect, it } from 'vitest';
import { convention, eigenvalueMeasure, probeSpread, slq, slqAccuracy, slqProbeMeasures, truncatedProbe } from '../../src/analysis/index.js';
import { diagonal } from './helpers.js';

const spectrum = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('SLQ accuracy', () => {
  it('a probe cut to k steps is the k-step Lanczos rule of the same start vector', async () => {
    const op = diagonal(spectrum(200, (i) => Math.exp(i / 40) - 0.5 * (i % 3)));
    const long = await slq(op, 200, { steps: 40, probes: 2, seed: 7 });
    const short = await slq(op, 200, { steps: 13, probes: 2, seed: 7 });
    long.probes.forEach((p, j) => {
      const cut = truncatedProbe(p, 13);
      expect(cut.steps).toBe(13);
      cut.nodes.forEach((x, i) => expect(x).toBeCloseTo(short.probes[j].nodes[i], 8));
      cut.weights.forEach((w, i) => expect(w).toBeCloseTo(short.probes[j].weights[i], 8));
    });
    expect(() => truncatedProbe(long.probes[0], 41)).toThrow(/only 40 nodes; cannot rebuild 41 steps/);
  });

  it('slqAccuracy: no change once the rule is exact, a visible change when m is too small', async () => {
    const c = convention('raw-relative');
    // 12 distinct eigenvalues: 12 steps give the exact measure, so cutting 24 → 12 changes nothing.
    const few = { a: await slq(diagonal(spectrum(12, (i) => i + 1)), 12, { steps: 12, probes: 3, seed: 1 }), b: await slq(diagonal(spectrum(12, (i) => (i + 1) ** 2)), 12, { steps: 12, probes: 3, seed: 1 }) };
    const exact = slqAccuracy(few, c, { truncatedTo: 12 });
    expect(Math.abs(exact.js0.diff)).toBe(0);
    // 400 eigenvalues with structure, 16 steps: halving the steps moves JS⁰.
    const many = { a: await slq(diagonal(spectrum(400, (i) => Math.sin(i) + i / 100)), 400, { steps: 16, probes: 3, seed: 2 }), b: await slq(diagonal(spectrum(400, (i) => (i / 100) ** 3)), 400, { steps: 16, probes: 3, seed: 2 }) };
    const acc = slqAccuracy(many, c);
    expect(acc.truncatedTo).toBe(8);
    expect(Math.abs(acc.js0.diff)).toBeGreaterThan(0.01);
    expect(acc.js0.full).toBeCloseTo(acc.js0.truncated + acc.js0.diff, 14);
  });

  it('probe spread is zero for identical probes and positive for SLQ probes', async () => {
    const c = convention('lambda-max');
    const e = eigenvalueMeasure(spectrum(20, (i) => i + 1));
    const same = probeSpread(c, { a: [e, e, e], b: [e, e] });
    expect(same.a).toEqual({ probes: 3, js: { mean: 0, max: 0 }, w1: { mean: 0, max: 0 } });
    const r = slqProbeMeasures({ a: await slq(diagonal(spectrum(300, (i) => i + 1)), 300, { steps: 10, probes: 4, seed: 3 }), b: await slq(diagonal(spectrum(300, (i) => 1 + (i % 7))), 300, { steps: 10, probes: 4, seed: 3 }) });
    const s = probeSpread(c, r);
    expect(s.a.probes).toBe(4);
    expect(s.a.js.mean).toBeGreaterThan(0.05);
    expect(s.a.js.max).toBeGreaterThanOrEqual(s.a.js.mean);
  });
});
