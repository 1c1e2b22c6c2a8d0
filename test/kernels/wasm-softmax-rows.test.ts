/**
 * The Wasm float32 softmax rows (f64x2 exp chains, interleaved, with a folded
 * tail and an f32x4 max) against the JS loop of rows.ts, at the row lengths
 * that hit each path: the lone float (1), a pair or a pair and a float (2, 3),
 * whole groups (16, 64), a group and a folded tail (17, 65, 129).
 */
import { describe, expect, it } from 'vitest';
import { softmax as jsSoftmax } from '../../src/kernels/cpu/rows.js';
import { SOFTMAX_INTERLEAVE } from '../../src/kernels/cpu/wasm/rows-kernel.js';
import { tryWasmSoftmax } from '../../src/kernels/cpu/wasm/rows.js';

/** Deterministic floats in [lo, hi) (an LCG). */
function uniform(n: number, seed: number, lo: number, hi: number): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; x[i] = lo + ((s >>> 8) / 2 ** 24) * (hi - lo); }
  return x;
}

/** 1 float32 ulp at |v| (2^-149 at the bottom of the denormals). */
const ulp32 = (v: number) => (v === 0 ? 2 ** -149 : Math.max(2 ** -149, 2 ** (Math.floor(Math.log2(Math.abs(v))) - 23)));

/** Runs both softmaxes over rows of n; every output within 1 float32 ulp of JS (NaN and ±∞ identical); returns how many differ at all. */
function compare(x: Float32Array, n: number): number {
  const want = new Float32Array(x.length), got = new Float32Array(x.length).fill(7);
  jsSoftmax(x, n, want);
  expect(tryWasmSoftmax(x, n, got)).toBe(true);
  let differ = 0;
  for (let i = 0; i < x.length; i++) {
    if (Object.is(got[i], want[i])) continue;
    differ++;
    const ok = Number.isFinite(want[i]) && Math.abs(got[i] - want[i]) <= ulp32(want[i]);
    if (!ok) expect({ n, row: Math.floor(i / n), col: i % n, got: got[i] }).toEqual({ n, row: Math.floor(i / n), col: i % n, got: want[i] });
  }
  return differ;
}

const LENGTHS = [1, 2, 3, 16, 17, 64, 65, 129];

describe('wasm float32 softmax rows', () => {
  it('the row lengths exercise both the group loop and every tail size', () => {
    // Floats left for the tail step: n − 2G·⌈(n − 2G − 1) / 2G⌉ when n > 2G + 1, else n; all of 1..2G+1 occur somewhere.
    const tail = (n: number): number => (n > 2 * SOFTMAX_INTERLEAVE + 1 ? tail(n - 2 * SOFTMAX_INTERLEAVE) : n);
    expect(new Set([...LENGTHS, 4, 5, 6, 7, 8].map(tail)).size).toBe(2 * SOFTMAX_INTERLEAVE + 1);
  });

  it('matches JS within a float32 ulp (under 0.1% differing) at rows of 1, 2, 3, 16, 17, 64, 65, 129 and tails of 4..8', () => {
    let differ = 0, total = 0;
    for (const n of [...LENGTHS, 4, 5, 6, 7, 8]) {
      for (const [lo, hi] of [[-1, 1], [-8, 8], [-100, 100], [0, 1e-6], [1e4, 1e4 + 30]]) {
        const x = uniform(23 * n, 7 * n + hi, lo, hi);
        differ += compare(x, n);
        total += x.length;
      }
    }
    expect(differ / total).toBeLessThan(1e-3);
  });

  it('rows of one float are exactly 1, and NaN where the float is NaN or ±∞, as in JS', () => {
    const x = Float32Array.from([3, -1e30, 0, -0, NaN, Infinity, -Infinity, 88]), got = new Float32Array(x.length);
    expect(tryWasmSoftmax(x, 1, got)).toBe(true);
    expect(Array.from(got)).toEqual([1, 1, 1, 1, NaN, NaN, NaN, 1]);
    expect(compare(x, 1)).toBe(0);
  });

  it('large spreads (−100..100): the spike gets the largest share, the rest underflow to denormals and 0 where JS puts them', () => {
    for (const n of LENGTHS) {
      const x = uniform(31 * n, n, -100, 100);
      for (let r = 0; r < 31; r++) x[r * n + (r % n)] = 100; // one spike per row, moving across the lanes and the tail
      compare(x, n);
      const out = new Float32Array(x.length);
      tryWasmSoftmax(x, n, out);
      for (let r = 0; r < 31; r++) expect(out[r * n + (r % n)]).toBe(Math.max(...out.subarray(r * n, r * n + n)));
      if (n >= 16) expect(out.some((v) => v === 0) && out.some((v) => v > 0 && v < 2 ** -126)).toBe(true);
    }
  });

  it('NaN, +∞ and −∞ anywhere in a row (in the f32x4 max lanes, in the scalar tail) give what JS gives', () => {
    for (const n of LENGTHS) {
      for (const special of [NaN, Infinity, -Infinity]) {
        const x = uniform(n * n, 3 * n, -5, 5);
        for (let r = 0; r < n; r++) x[r * n + r] = special; // row r has it at column r
        compare(x, n);
      }
      // −∞ everywhere but one finite float: that float gets 1, the rest 0, at every position.
      const x = new Float32Array(n * n).fill(-Infinity);
      for (let r = 0; r < n; r++) x[r * n + r] = r - 4;
      const out = new Float32Array(x.length);
      expect(tryWasmSoftmax(x, n, out)).toBe(true);
      expect(Array.from(out)).toEqual(Array.from({ length: n * n }, (_, i) => (i % n === Math.floor(i / n) ? 1 : 0)));
    }
  });
});
