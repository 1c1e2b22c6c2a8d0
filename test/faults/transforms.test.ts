/**
 * Tangents and `wrt` lists that do not fit the parameter tree are errors
 * naming the leaf: before, a typo or a bare tensor where a record belongs made
 * that direction zero and H·v came back as zeros without a word.
 */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';

const params = () => ({ weight: hg.tensor([1, 2, 3, 4], [2, 2], 'float64'), bias: hg.tensor([0.5, -1], [2], 'float64') });
type P = ReturnType<typeof params>;
const x = hg.tensor([1, -1, 2, 0.5], [2, 2], 'float64');
// (x·Wᵀ + b)² summed: a real quadratic, so H·v ≠ 0 for every nonzero v.
const loss = (p: P) => { const y = hg.add(hg.matmul(x, p.weight, { transB: true }), p.bias); return hg.sum(hg.mul(y, y)); };
const v = () => hg.tensor([1, 0, 0, 1], [2, 2], 'float64');
const anyHvp = hg.hvp as (f: (p: P) => hg.Tensor, p: P, v: unknown, o?: hg.HvpOptions) => P;
const anyJvp = hg.jvp as (f: (p: P) => hg.Tensor, p: P, t: unknown) => { tangent: hg.Tensor };

describe('tangent trees are checked against the parameters', () => {
  it('a key matching no parameter is an error naming it (it was a silent zero)', () => {
    expect(() => anyHvp(loss, params(), { Weight: v() })).toThrow(/hvp: v at the root has key\(s\) 'Weight' that match no parameter \(expected some of 'weight', 'bias'\)/);
    expect(() => anyJvp(loss, params(), { wieght: v() })).toThrow(/jvp: tangent .*'wieght'/);
  });

  it('a bare tensor where a record is expected is an error', () => {
    expect(() => anyHvp(loss, params(), v())).toThrow(/hvp: v at the root must be a record like its parameters, got a tensor of shape \(2, 2\)/);
  });

  it('a record where a tensor is expected, or an array too long, is an error', () => {
    expect(() => anyHvp(loss, params(), { weight: { a: v() } })).toThrow(/hvp: v at 'weight' must be a Tensor or null, got a record/);
    const lossArr = (p: hg.Tensor[]) => hg.sum(hg.mul(p[0], p[0]));
    const arr = [hg.tensor([1, 2], [2], 'float64')];
    expect(() => hg.hvp(lossArr, arr, [null, hg.tensor([1, 2], [2], 'float64')])).toThrow(/has 2 entries but the parameters have 1/);
  });

  it('a leaf of the wrong shape or dtype names the leaf (dtype was a matmul error)', () => {
    expect(() => hg.hvp(loss, params(), { bias: hg.tensor([1, 2, 3], [3], 'float64') })).toThrow(/hvp: v at 'bias' has shape \(3,\) but its parameter has shape \(2,\)/);
    expect(() => hg.hvp(loss, params(), { weight: hg.tensor([1, 0, 0, 1], [2, 2], 'float32') })).toThrow(/hvp: v at 'weight' has dtype float32 but its parameter has dtype float64/);
    expect(() => hg.jvp(loss, params(), { bias: hg.tensor([1, 2], [1, 2], 'float64') })).toThrow(/jvp: tangent at 'bias' has shape/);
  });

  it('hvpMulti names the direction', () => {
    expect(() => anyHvpMulti([{ weight: v() }, { Bias: v() }])).toThrow(/hvp: v 1 at the root has key\(s\) 'Bias'/);
  });

  it('partial tangents still work: a missing leaf or null is zero', () => {
    const full = hg.hvp(loss, params(), { weight: v(), bias: null });
    const part = hg.hvp(loss, params(), { weight: v() });
    expect(Array.from(part.weight.dataSync())).toEqual(Array.from(full.weight.dataSync()));
    expect(Array.from(part.weight.dataSync()).some((u) => u !== 0)).toBe(true);
  });
});

const anyHvpMulti = (vs: unknown[]) => (hg.hvpMulti as (f: typeof loss, p: P, v: unknown[]) => P[])(loss, params(), vs);

describe('wrt', () => {
  it('must name every leaf: a short list was read as false for the rest', () => {
    expect(() => hg.hvp(loss, params(), { weight: v() }, { wrt: [true] })).toThrow(/hvp: wrt must be 2 booleans, one per parameter leaf, got 1 entries/);
    expect(() => hg.hvp(loss, params(), { weight: v() }, { wrt: [true, false, true] })).toThrow(/got 3 entries/);
    expect(() => hg.hvp(loss, params(), { weight: v() }, { wrt: [1, 0] as unknown as boolean[] })).toThrow(/non-boolean/);
  });

  it('a full list works', () => {
    const r = hg.hvp(loss, params(), { weight: v() }, { wrt: [true, false] });
    expect(Array.from(r.weight.dataSync()).some((u) => u !== 0)).toBe(true);
  });
});
