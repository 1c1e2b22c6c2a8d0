/**
 * Figure 7's statistic: Spearman's ρ between JS⁰ and the SGD − Adam gap over the
 * neural rows of a summary. Quadratic rows never enter; rows that are the same
 * measurement (the hetero-MLP at r = 1 is the plain MLP) count once; seeds widen
 * the interval through the two-level bootstrap.
 */
import { describe, expect, it } from 'vitest';
import { type Aggregate, type SummaryRow, gapCorrelation } from '../../src/experiment/summary.js';

const agg = (perSeed: number[]): Aggregate => ({ mean: perSeed.reduce((a, b) => a + b, 0) / perSeed.length, interval: null, method: null, perSeed });

/** A neural row whose JS⁰ and gap rise together with `i`, three seeds each. */
const row = (model: string, i: number, jitter = 0.01): SummaryRow => ({
  model, preset: 'small', seeds: [0, 1, 2],
  js0: agg([i - jitter, i, i + jitter]), gap: agg([i + jitter, i, i - jitter]),
  sgdLoss: null, adamLoss: null, sgdLr: [], adamLr: [], gapKind: 'loss', gaps: {},
});

describe('gapCorrelation', () => {
  it('counts a repeated measurement once, and leaves quadratic rows out', () => {
    const rows = [row('mlp', 1), row('vit', 2), row('gpt', 3), row('vgg', 4), { ...row('hetero-mlp r=1', 1) }];
    const quad: SummaryRow = { ...row('quadratic case 1', 9), gapKind: 'log10 grad-norm ratio' };
    const c = gapCorrelation([...rows, quad])!;
    expect(c.n).toBe(4);
    expect(c.models).toEqual(['mlp = hetero-mlp r=1', 'vit', 'gpt', 'vgg']);
    expect(c.estimate).toBe(1);
    expect(c.method).toMatch(/over seeds within each point/);
  });

  it('needs four distinct points', () => {
    expect(gapCorrelation([row('a', 1), row('b', 2), row('c', 3), row('a again', 1)])).toBeNull();
  });
});
