/**
 * The cases a careful user tries next, at the library level. Some already
 * gave a clear error (pinned here so they stay that way); the rest gave a
 * silent answer — zeros, NaN, a dropped parameter, a no-op — and now throw.
 */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';

const m = () => hg.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
const f64 = (d: number[]) => hg.tensor(d, [d.length], 'float64');

describe('already clear errors (pinned)', () => {
  it('hvp and grad of a non-scalar loss', () => {
    expect(() => hg.hvp((p: hg.Tensor) => hg.mul(p, p), f64([1, 2]), f64([1, 1]))).toThrow(/grad: the function must return a scalar, got shape \(2,\)/);
    expect(() => hg.grad((p: hg.Tensor) => hg.mul(p, p))(f64([1, 2]))).toThrow(/must return a scalar/);
  });
  it('a function returning a number to grad, an async function to tidy', () => {
    expect(() => hg.grad((() => 3) as unknown as (p: hg.Tensor) => hg.Tensor)(f64([1]))).toThrow(/grad: the function must return a Tensor/);
    expect(() => hg.tidy(async () => m())).toThrow(/tidy: the function must be synchronous/);
  });
  it('slice out of range, reshape size mismatch, bad axes, bad broadcast, dtype mix', () => {
    expect(() => hg.slice(m(), [0, 0], [3, 3])).toThrow(/slice: \[0,0\] to \[3,3\] is out of range for \(2, 3\)/);
    expect(() => hg.slice(m(), [1, 2], [0, 1])).toThrow(/out of range/);
    expect(() => hg.reshape(m(), [4, 2])).toThrow(/reshape: cannot reshape \(2, 3\) \(6 elements\) to \(4, 2\)/);
    expect(() => hg.reshape(m(), [-1, -1])).toThrow(/reshape: cannot reshape/);
    expect(() => hg.reshape(m(), [1.5, 4])).toThrow(/reshape: cannot reshape/);
    expect(() => hg.sum(m(), [2])).toThrow(/axis 2 is out of range for a tensor of rank 2/);
    expect(() => hg.broadcastTo(m(), [3, 3])).toThrow(/cannot broadcast \(2, 3\) to \(3, 3\)/);
    expect(() => hg.add(m(), f64([1, 2, 3]))).toThrow(/add: dtypes differ \(float32 and float64\)/);
    expect(() => hg.pad(m(), [0, -1], [0, 0])).toThrow(/pad: widths/);
  });
  it('fractional shapes, float indices and labels, a disposed tensor', () => {
    expect(() => hg.tensor([1, 2], [2.0000001])).toThrow(/do not fill shape/);
    expect(() => hg.gather(m(), hg.tensor([0], [1], 'float32'))).toThrow(/gather: index must be int32, got float32/);
    expect(() => hg.crossEntropy(m(), hg.tensor([0, 1], [2]))).toThrow(/crossEntropy: labels must be int32/);
    expect(() => hg.crossEntropy(m(), hg.tensor([0, 5], [2], 'int32'))).toThrow(/gather: index 5 at position 1 is out of range for a table of 3 rows/);
    const t = m();
    hg.dispose(t);
    expect(() => hg.add(t, t)).toThrow(/use of a disposed tensor/);
  });
});

describe('silent before, errors now', () => {
  it('grad and hvp with respect to an int32 leaf (gave zeros) name the leaf', () => {
    const p = { w: f64([1, 2]), ids: hg.tensor([2, 3], [2], 'int32') };
    // Σ ids·w², so H_ww = 2·diag(ids).
    const loss = (q: typeof p) => hg.sum(hg.mul(hg.mul(q.w, q.w), hg.cast(q.ids, 'float64')));
    expect(() => hg.grad(loss)(p)).toThrow(/grad: parameter 'ids' is int32; only float leaves can be differentiated/);
    expect(() => hg.hvp(loss, p, { w: f64([1, 0]) })).toThrow(/hvp: parameter 'ids' is int32/);
    // Excluded with wrt it is a constant, and the float leaf's H·v is computed.
    expect(Array.from(hg.hvp(loss, p, { w: f64([1, 0]) }, { wrt: [true, false] }).w.dataSync())).toEqual([4, 0]);
    expect(() => hg.jvp(loss, p, { ids: hg.tensor([1, 1], [2], 'int32') })).toThrow(/jvp: tangent at 'ids': its parameter is int32, which has no tangent space/);
  });
  it('a non-tensor inside a parameter tree (was dropped and returned as {})', () => {
    const g = hg.grad((q: { a: hg.Tensor }) => hg.sum(q.a)) as (q: unknown) => unknown;
    expect(() => g({ a: m(), n: 3 })).toThrow(/grad: parameters: 'n' is a number, not a Tensor/);
    expect(() => g({ a: m(), sub: [m(), null] })).toThrow(/'sub\.1' is null/);
  });
  it('a vjp cotangent of another dtype names the problem (was a mul dtype error)', () => {
    const r = hg.vjp((p: hg.Tensor) => hg.mul(p, p), f64([1, 2]));
    expect(() => r.backward(hg.tensor([1, 1], [2], 'float32'))).toThrow(/vjp: cotangent dtype float32 does not match the output dtype float64/);
    r.dispose();
  });
  it('slice with fractional bounds (gave NaN)', () => {
    expect(() => hg.slice(m(), [0.5, 0], [1, 3])).toThrow(/slice: \[0.5,0\] to \[1,3\] is out of range/);
  });
  it('scatterAdd with fractional or negative rows', () => {
    const idx = hg.tensor([0, 1], [2], 'int32');
    expect(() => hg.scatterAdd(m(), idx, 2.5)).toThrow(/scatterAdd: rows 2.5 must be an integer ≥ 0/);
    expect(() => hg.scatterAdd(m(), idx, -1)).toThrow(/scatterAdd: rows -1 must be an integer ≥ 0/);
  });
  it('an unknown dtype to cast (was a no-op) or to tensor (was a TypeError)', () => {
    expect(() => hg.cast(m(), 'float16' as hg.DType)).toThrow(/cast: unknown dtype 'float16' \(expected float32, float64, int32\)/);
    expect(() => hg.tensor([1], [1], 'bfloat16' as hg.DType)).toThrow(/tensor: unknown dtype 'bfloat16'/);
  });
  it('layernorm with a negative eps (gave NaN)', () => {
    expect(() => hg.layernorm(m(), -1)).toThrow(/layernorm: eps -1 must be finite and ≥ 0/);
    expect(() => hg.layernorm(m(), NaN)).toThrow(/layernorm: eps NaN/);
  });
  it('im2col with stride 0 (made an infinite output shape)', () => {
    const img = hg.zeros([1, 1, 4, 4]);
    expect(() => hg.im2col(img, { kh: 2, kw: 2, stride: 0, pad: 0 })).toThrow(/im2col: kernel 2×2, stride 0, padding 0: kernel and stride must be integers ≥ 1/);
    expect(() => hg.im2col(img, { kh: 2, kw: 2, stride: 1, pad: 0.5 })).toThrow(/padding an integer ≥ 0/);
  });
});
