/**
 * Spectral measures are checked where they enter: a NaN node made the W1/KS
 * sweep loop forever and a density report "padding must be ≥ 0"; now each
 * entry point names the block and the bad value.
 */
import { describe, expect, it } from 'vitest';
import {
  type SlqResult, type SpectralMeasure, blockDensities, density, eigenvalueMeasure, ksDistance, ksToCdf,
  pairwiseMatrix, slqMeasure, w1Distance, w1ToCdf,
} from '../../src/analysis/index.js';

const good: SpectralMeasure = { points: [-1, 0, 2], weights: [0.25, 0.5, 0.25], label: 'ok' };
const nanNode: SpectralMeasure = { points: [-1, NaN, 2], weights: [0.25, 0.5, 0.25], label: 'blocks.0.attn' };
const slq = (nodes: number[], weights: number[]): SlqResult =>
  ({ label: 'blocks.1.mlp', dim: 4, probes: [{ index: 0, nodes, weights }] } as unknown as SlqResult);

describe('measures are validated where they enter', () => {
  it('W1 and KS with a NaN node throw naming the block (they looped forever)', () => {
    expect(() => w1Distance(good, nanNode)).toThrow(/w1Distance \[blocks\.0\.attn\]: point 1 is NaN \(spectral nodes must be finite\)/);
    expect(() => ksDistance(nanNode, good)).toThrow(/ksDistance \[blocks\.0\.attn\]: point 1 is NaN/);
    expect(() => w1ToCdf(nanNode, () => 0.5, [-3, 3])).toThrow(/w1ToCdf \[blocks\.0\.attn\]: point 1 is NaN/);
    expect(() => ksToCdf(nanNode, () => 0.5)).toThrow(/ksToCdf/);
  });

  it('a density of a NaN node names it (it said "padding must be ≥ 0")', () => {
    expect(() => density(nanNode)).toThrow(/density \[blocks\.0\.attn\]: point 1 is NaN/);
    const { label: _drop, ...unlabelled } = nanNode;
    expect(() => blockDensities({ 'blocks.2.mlp': unlabelled })).toThrow(/density \[blocks\.2\.mlp\]: point 1 is NaN/);
    expect(() => pairwiseMatrix({ a: good, 'embed.weight': unlabelled }, 'w1')).toThrow(/pairwiseMatrix \(w1\) \[embed\.weight\]: point 1 is NaN/);
  });

  it('infinite points, negative or non-finite weights, mismatched lengths and unsorted points are errors', () => {
    expect(() => w1Distance(good, { points: [0, Infinity], weights: [0.5, 0.5] })).toThrow(/point 1 is Infinity/);
    expect(() => ksDistance(good, { points: [0, 1], weights: [1.5, -0.5], label: 'b' })).toThrow(/ksDistance \[b\]: weight 1 is -0\.5 \(weights must be finite and ≥ 0\)/);
    expect(() => density({ points: [0, 1], weights: [NaN, 1] })).toThrow(/weight 0 is NaN/);
    expect(() => w1Distance(good, { points: [0, 1], weights: [1] })).toThrow(/2 points but 1 weights/);
    expect(() => w1Distance(good, { points: [1, 0], weights: [0.5, 0.5] })).toThrow(/points must ascend strictly, but point 1 \(0\) follows 1/);
  });

  it('slqMeasure and eigenvalueMeasure reject non-finite input naming the block', () => {
    expect(() => slqMeasure(slq([0, NaN], [0.5, 0.5]))).toThrow(/slqMeasure \(probe 0\) \[blocks\.1\.mlp\]: point 1 is NaN/);
    expect(() => slqMeasure(slq([0, NaN], [0.5, 0.5]), { kthLargest: 1 })).toThrow(/point 1 is NaN/);
    expect(() => slqMeasure(slq([0, 1], [0.5, -0.5]))).toThrow(/weight 1 is -0\.5/);
    expect(() => eigenvalueMeasure([1, -Infinity], 'head')).toThrow(/eigenvalueMeasure \[head\]: point 1 is -Infinity/);
  });

  it('valid measures are unaffected', () => {
    const m = slqMeasure(slq([0, 1], [0.5, 0.5]));
    expect(w1Distance(m, eigenvalueMeasure([0, 1]))).toBeCloseTo(0, 12);
    expect(ksDistance(good, eigenvalueMeasure([-1, 0, 2]))).toBeCloseTo(1 / 12, 12);
  });
});
