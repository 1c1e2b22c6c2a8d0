/**
 * The Wasm SIMD float32 sums: leading and middle axes bit-identical to the JS
 * loops, last axes within float32 rounding of a float64 reference, declined
 * elsewhere, run by the fast backend only.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CpuBackend, createCpuBackend } from '../../src/kernels/cpu/index.js';
import { reduce as jsReduce } from '../../src/kernels/cpu/reduce.js';
import { reduceWat } from '../../src/kernels/cpu/wasm/reduce-kernel.js';
import {
  WASM_REDUCE_MIN, planSum, resetWasmReduce, tryWasmSum, wasmReduce, wasmReduceAvailable, wasmReduceCalls,
} from '../../src/kernels/cpu/wasm/reduce.js';
import { assemble } from '../../src/kernels/cpu/wasm/wat.js';
import * as hg from '../../src/index.js';
import { expectJsFallback } from '../helpers/wasm-fallback.js';
import { firstBitDifference } from '../helpers/bits.js';

const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
const DIMS = [1, 3, 5, 17, 48, 127, 129];

/** Deterministic floats in about [-8, 8) with mixed magnitudes and signs (an LCG: no test depends on Math.random). */
function data(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = ((s >>> 8) / 2 ** 24 - 0.5) * 16 * (i % 7 === 0 ? 1e-3 : 1);
  }
  return x;
}

/** The keepdims output shape the backend passes: reduced axes kept with size 1. */
const keep = (shape: number[], axes: number[]) => shape.map((d, i) => (axes.includes(i) ? 1 : d));

/** Bit-for-bit equal, any NaN matching any NaN; toEqual also separates -0 from 0. */
function expectSameBits(got: Float32Array, want: Float32Array): void {
  expect(got).toEqual(want);
  const bad = firstBitDifference(got, want);
  expect(bad).toBe(-1);
}

/** Wasm (which must take it) and JS on the same sum; returns both outputs. */
function both(xShape: number[], axes: number[], seed: number): { got: Float32Array; want: Float32Array; x: Float32Array } {
  const outShape = keep(xShape, axes), x = data(size(xShape), seed);
  const want = new Float32Array(size(outShape)), got = new Float32Array(size(outShape)).fill(12345);
  jsReduce('sum', x, xShape, want, outShape);
  expect(tryWasmSum('sum', x, xShape, got, outShape)).toBe(true);
  return { got, want, x };
}

/** Seeded shapes of rank 1–5 over DIMS, at most ~300k elements. */
function shapes(count: number, seed: number): number[][] {
  const out: number[][] = [];
  let s = seed;
  const next = (m: number) => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return (s >>> 8) % m; };
  while (out.length < count) {
    const shape = Array.from({ length: 1 + next(5) }, () => DIMS[next(DIMS.length)]);
    if (size(shape) <= 300_000) out.push(shape);
  }
  return out;
}

/** Every contiguous block of axes [a, b) of a rank-r shape. */
const blocks = (r: number) => Array.from({ length: r }, (_, a) => Array.from({ length: r - a }, (_, k) => Array.from({ length: k + 1 }, (_, j) => a + j))).flat();

/** 1 float32 ulp at |v| (2^-149 at the bottom of the denormals). */
const ulp32 = (v: number) => (v === 0 ? 2 ** -149 : Math.max(2 ** -149, 2 ** (Math.floor(Math.log2(Math.abs(v))) - 23)));

describe('wasm float32 sums', () => {
  it('assemble into a valid module and run in this Node', () => {
    expect(WebAssembly.validate(assemble(reduceWat()))).toBe(true);
    expect(wasmReduceAvailable()).toBe(true);
  });

  it('plan one block of reduced axes (size-1 axes merge away) and decline two', () => {
    expect(planSum([64, 17, 48], [1, 1, 48])).toEqual({ kind: 'mid', outer: 1, rows: 1088, n: 48 });
    expect(planSum([64, 17, 48], [64, 17, 1])).toEqual({ kind: 'rows', outer: 1, rows: 1088, n: 48 });
    expect(planSum([13, 64, 17, 48], [13, 1, 1, 48])).toEqual({ kind: 'mid', outer: 13, rows: 1088, n: 48 });
    expect(planSum([5, 1, 7], [1, 1, 1])).toEqual({ kind: 'rows', outer: 1, rows: 1, n: 35 });
    expect(planSum([5, 1, 7], [5, 1, 7])).toEqual({ kind: 'mid', outer: 1, rows: 1, n: 35 });
    expect(planSum([3, 4, 5], [1, 4, 1])).toBeNull();
    expect(planSum([3, 4, 5, 6], [3, 1, 5, 1])).toBeNull();
  });

  it('sum over leading and middle axes matches the JS loop bit for bit (rows added in the same order)', () => {
    let tried = 0;
    for (const [k, shape] of shapes(40, 3).entries()) {
      for (const axes of blocks(shape.length)) {
        const p = planSum(shape, keep(shape, axes));
        if (p?.kind !== 'mid') continue;
        const { got, want } = both(shape, axes, k);
        expectSameBits(got, want);
        tried++;
      }
    }
    // The hot shapes of the ViT sweep, and a tail of every length mod 4 along the kept row.
    for (const [shape, axes] of [[[64, 17, 48], [0, 1]], [[13, 64, 17, 48], [1, 2]], [[64, 17, 144], [0, 1]], [[9, 5], [0]],
      [[9, 6], [0]], [[9, 7], [0]], [[3, 9, 129], [1]]] as [number[], number[]][]) {
      const { got, want } = both(shape, axes, 7);
      expectSameBits(got, want);
      tried++;
    }
    expect(tried).toBeGreaterThan(40);
  });

  it('sum over the last axes (float64 partial sums in another order) stays within float32 rounding of a float64 sum', () => {
    // Each float64 sum, the JS loop's or the kernel's, is within (n−1)·2⁻⁵³·Σ|x| of the exact one, so the kernel's
    // float32 result is within half a float32 ulp of its own float64 sum plus twice that of the reference: one ulp
    // (loose by 2× to stay clear of binade edges) plus 2n·2⁻⁵³·Σ|x|.
    let tried = 0, differ = 0, outputs = 0;
    const check = (shape: number[], axes: number[], seed: number) => {
      const { got, want, x } = both(shape, axes, seed);
      const n = x.length / got.length;
      for (let r = 0; r < got.length; r++) {
        let ref = 0, abs = 0;
        for (let i = r * n; i < (r + 1) * n; i++) { ref += x[i]; abs += Math.abs(x[i]); }
        const err = Math.abs(got[r] - ref), tol = ulp32(ref) + 2 * n * 2 ** -53 * abs;
        if (!(err <= tol)) expect({ shape, axes, r, got: got[r], ref, err }).toEqual({ shape, axes, r, err: tol });
        if (got[r] !== want[r]) differ++;
      }
      outputs += got.length;
      tried++;
    };
    for (const [k, shape] of shapes(40, 11).entries()) {
      for (const axes of blocks(shape.length)) if (planSum(shape, keep(shape, axes))?.kind === 'rows') check(shape, axes, k);
    }
    for (const n of [1, 2, 3, 4, 5, 7, 8, 17, 48, 127, 129, 100_003]) check([3, n], [1], n);
    check([13, 64, 17, 48], [3], 5);
    expect(tried).toBeGreaterThan(40);
    // Rounding the two float64 sums to float32 rarely lands on different neighbours: nearly all outputs agree with JS.
    expect(differ / outputs).toBeLessThan(0.01);
  });

  it('last-axis sums of integers (exact in float64 either way) equal the JS loop bit for bit, cancellation included', () => {
    const x = Float32Array.from({ length: 64 * 129 }, (_, i) => ((i * 7919) % 2001) - 1000 + (i % 129 === 5 ? 2 ** 24 : 0));
    for (let r = 0; r < 64; r++) x[r * 129 + 100] = -(2 ** 24); // cancels the big term: float32 order would lose the rest
    const want = new Float32Array(64), got = new Float32Array(64);
    jsReduce('sum', x, [64, 129], want, [64, 1]);
    expect(tryWasmSum('sum', x, [64, 129], got, [64, 1])).toBe(true);
    expectSameBits(got, want);
  });

  it('propagates NaN and ±Inf as the JS loops do, on both kernels', () => {
    for (const [shape, axes] of [[[6, 33], [1]], [[6, 33], [0]], [[4, 6, 5], [1]]] as [number[], number[]][]) {
      const outShape = keep(shape, axes), x = data(size(shape), 2);
      x[0] = NaN; x[40] = Infinity; x[41] = -Infinity; x[70] = Infinity; x[100] = -Infinity; x[size(shape) - 1] = NaN;
      const want = new Float32Array(size(outShape)), got = new Float32Array(size(outShape));
      jsReduce('sum', x, shape, want, outShape);
      expect(tryWasmSum('sum', x, shape, got, outShape)).toBe(true);
      expect(want.some((v) => Number.isNaN(v)) && want.some((v) => !Number.isFinite(v) && !Number.isNaN(v))).toBe(true);
      for (let i = 0; i < got.length; i++) {
        if (Number.isFinite(want[i])) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(2 * ulp32(want[i]) + 1e-6);
        else expect(got[i]).toBe(want[i]); // toBe: NaN matches NaN, +Inf only +Inf
      }
    }
  });

  it('survives memory growth between calls (the old view is detached)', () => {
    expectSameBits(both([4, 16], [0], 1).got, both([4, 16], [0], 1).want);
    const big = both([1 << 21, 3], [0], 2); // 24 MiB of input: grows the memory
    expectSameBits(big.got, big.want);
    const small = both([17, 33], [0], 3);
    expectSameBits(small.got, small.want);
  });

  it('declines max, float64, int32 and scattered axes, leaving out untouched; wasmReduce gives the JS result', () => {
    const cases: ['sum' | 'max', Float32Array | Float64Array | Int32Array, number[], number[]][] = [
      ['max', new Float32Array(4096), [64, 64], [64, 1]],
      ['sum', new Float64Array(4096), [64, 64], [64, 1]],
      ['sum', new Float64Array(4096), [64, 64], [1, 64]],
      ['sum', new Int32Array(4096), [64, 64], [1, 64]],
      ['sum', new Float32Array(4096), [16, 16, 16], [1, 16, 1]],
    ];
    for (const [kind, proto, xShape, outShape] of cases) {
      const Ctor = proto.constructor as new (n: number) => typeof proto;
      const x = new Ctor(size(xShape)).map((_, i) => (i % 13) - 6);
      const out = new Ctor(size(outShape)).fill(7), want = new Ctor(size(outShape));
      expect(tryWasmSum(kind, x, xShape, out, outShape)).toBe(false);
      expect(out.every((v) => v === 7)).toBe(true);
      jsReduce(kind, x, xShape, want, outShape);
      wasmReduce(kind, x, xShape, out, outShape);
      expect(out).toEqual(want);
    }
  });

  it('wasmReduce runs JS below WASM_REDUCE_MIN and Wasm from it, with the same bits', () => {
    for (const n of [WASM_REDUCE_MIN - 1, WASM_REDUCE_MIN]) {
      const x = data(n, 4), want = new Float32Array(1), got = new Float32Array(1);
      jsReduce('sum', x, [n, 1], want, [1, 1]);
      const before = wasmReduceCalls();
      wasmReduce('sum', x, [n, 1], got, [1, 1]);
      expect(wasmReduceCalls() - before).toBe(n >= WASM_REDUCE_MIN ? 1 : 0);
      expect(Math.abs(got[0] - want[0])).toBeLessThanOrEqual(ulp32(want[0]));
    }
  });

  it('runs in createCpuBackend() and not in the reference new CpuBackend(), with equal bias-gradient sums', () => {
    const xs = data(64 * 17 * 48, 9);
    const run = (backend: CpuBackend) => {
      const prev = hg.getBackend();
      hg.setBackend(backend);
      try {
        const x = hg.tensor(xs, [64, 17, 48]); // (B, T, C)
        return hg.sum(x, [0, 1]).dataSync() as Float32Array; // (C)
      } finally {
        hg.setBackend(prev);
      }
    };
    const before = wasmReduceCalls();
    const ref = run(new CpuBackend());
    expect(wasmReduceCalls()).toBe(before);
    const fast = run(createCpuBackend());
    expect(wasmReduceCalls()).toBe(before + 1);
    expectSameBits(fast, ref);
  });
});

describe('wasm float32 sum fallback', () => {
  afterEach(() => { vi.restoreAllMocks(); resetWasmReduce(); });

  it('runs the JS loops where the runtime lacks Wasm SIMD, and says so once on stderr', () => {
    expectJsFallback({ reset: resetWasmReduce, available: wasmReduceAvailable, calls: wasmReduceCalls }, 'float32 sums use the JavaScript loops', () => {
      for (const outShape of [[64, 1], [1, 80]]) {
        const x = data(64 * 80, 1), want = new Float32Array(size(outShape)), got = new Float32Array(size(outShape));
        expect(tryWasmSum('sum', x, [64, 80], got, outShape)).toBe(false);
        jsReduce('sum', x, [64, 80], want, outShape);
        wasmReduce('sum', x, [64, 80], got, outShape);
        expectSameBits(got, want);
      }
    });
  });
});
