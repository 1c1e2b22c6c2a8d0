/** Masked-character batches: seeded, a fixed count per window, BERT's 80/10/10 rule, and independent of the text. */
import { describe, expect, it } from 'vitest';
import '../../src/index.js'; // registers the default backend
import { maskWindows, maskedBatch } from '../../src/data/masked.js';
import { Rng } from '../helpers/rng.js';

const rng = new Rng(3);
const V = 20;
const text = (n: number) => Int32Array.from({ length: n }, () => Math.floor(rng.uniform() * V));

describe('maskWindows', () => {
  it('is seeded by (seed, step) and picks round(15% of T) distinct, sorted positions per window', () => {
    const [B, T] = [5, 32];
    const ids = text(B * T);
    const a = maskWindows(ids, B, T, { vocab: V }, 7, 3);
    expect(a).toEqual(maskWindows(ids, B, T, { vocab: V }, 7, 3));
    expect(a.at).not.toEqual(maskWindows(ids, B, T, { vocab: V }, 7, 4).at);
    expect(a.at).not.toEqual(maskWindows(ids, B, T, { vocab: V }, 8, 3).at);
    const k = 5; // round(0.15 · 32)
    expect(a.at.length).toBe(B * k);
    for (let b = 0; b < B; b++) {
      const row = Array.from(a.at.subarray(b * k, (b + 1) * k));
      expect(row.every((p) => p >= b * T && p < (b + 1) * T)).toBe(true);
      expect(row).toEqual([...new Set(row)].sort((x, y) => x - y));
    }
    // Targets are the original characters; positions not chosen are untouched.
    a.at.forEach((p, i) => expect(a.y[i]).toBe(ids[p]));
    const chosen = new Set(a.at);
    ids.forEach((id, p) => { if (!chosen.has(p)) expect(a.x[p]).toBe(id); });
  });

  it('masks at least one position even in a short window', () => {
    expect(maskWindows(text(3), 1, 3, { vocab: V }, 1, 0).at.length).toBe(1);
  });

  it('follows 80/10/10 under the bert rule and masks everything under the mask rule', () => {
    const [B, T] = [400, 40];
    // Ids 0..V−1 with a constant text, so a random replacement shows as a different character.
    const ids = new Int32Array(B * T).fill(4);
    const m = maskWindows(ids, B, T, { vocab: V }, 11, 0);
    const n = m.at.length;
    const count = (f: (x: number) => boolean) => Array.from(m.at).filter((p) => f(m.x[p])).length / n;
    const masked = count((x) => x === V), same = count((x) => x === 4), other = count((x) => x !== V && x !== 4);
    // n = 2400; binomial standard deviations are ≤ 0.009.
    expect(masked).toBeCloseTo(0.8, 1);
    // Random characters equal the original 1 time in V, so "unchanged" is 0.1 + 0.1/V, "other" 0.1·(V−1)/V.
    expect(Math.abs(same - (0.1 + 0.1 / V))).toBeLessThan(0.03);
    expect(Math.abs(other - 0.1 * (V - 1) / V)).toBeLessThan(0.03);
    const all = maskWindows(ids, B, T, { vocab: V, rule: 'mask' }, 11, 0);
    expect(Array.from(all.at).every((p) => all.x[p] === V)).toBe(true);
    expect(all.at).toEqual(m.at); // the rule changes what is shown, not where
  });

  it('never looks at the text: changing a chosen character changes only its target', () => {
    const [B, T] = [3, 20];
    const ids = text(B * T);
    const a = maskWindows(ids, B, T, { vocab: V }, 5, 9);
    const hidden = Array.from(a.at).filter((p) => a.x[p] !== ids[p]); // [MASK] or a random character
    expect(hidden.length).toBeGreaterThan(0);
    const changed = ids.slice();
    for (const p of hidden) changed[p] = (ids[p] + 1) % V;
    const b = maskWindows(changed, B, T, { vocab: V }, 5, 9);
    expect(b.x).toEqual(a.x);
    expect(b.at).toEqual(a.at);
    expect(b.y).not.toEqual(a.y);
  });

  it('rejects bad input with a clear error', () => {
    expect(() => maskWindows(text(10), 2, 4, { vocab: V }, 1, 0)).toThrow(/expected 2·4 = 8 ids, got 10/);
    expect(() => maskWindows(Int32Array.of(0, V), 1, 2, { vocab: V }, 1, 0)).toThrow(/id 20 is outside the vocabulary/);
    expect(() => maskWindows(text(4), 1, 4, { vocab: V, rate: 0 }, 1, 0)).toThrow(/rate 0 must be in/);
  });

  it('maskedBatch gives x (B, T), y and at (M,) int32 tensors', () => {
    const b = maskedBatch(text(2 * 20), 2, 20, { vocab: V }, 1, 0);
    expect([b.x.shape, b.y.shape, b.at.shape]).toEqual([[2, 20], [6], [6]]);
    expect([b.x.dtype, b.y.dtype, b.at.dtype]).toEqual(['int32', 'int32', 'int32']);
  });
});
