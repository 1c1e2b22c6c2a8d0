/** The Wasm float32 softmax and layernorm rows: within a float32 rounding step of the JS loops, declined elsewhere, run by the fast backend only. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CpuBackend, createCpuBackend } from '../../src/kernels/cpu/index.js';
import { layernorm as jsLayernorm, softmax as jsSoftmax } from '../../src/kernels/cpu/rows.js';
import { rowsWat } from '../../src/kernels/cpu/wasm/rows-kernel.js';
import {
  WASM_ROWS_MIN, resetWasmRows, tryWasmLayernorm, tryWasmSoftmax, wasmLayernorm, wasmRowsAvailable, wasmRowsCalls, wasmSoftmax,
} from '../../src/kernels/cpu/wasm/rows.js';
import { assemble } from '../../src/kernels/cpu/wasm/wat.js';
import * as hg from '../../src/index.js';
import { expectJsFallback } from '../helpers/wasm-fallback.js';

/** Deterministic floats in [-scale, scale) (an LCG). */
function data(n: number, seed: number, scale = 4): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; x[i] = ((s >>> 8) / 2 ** 24 - 0.5) * 2 * scale; }
  return x;
}

/** 1 float32 ulp at |v| (2^-149 at the bottom of the denormals). */
const ulp32 = (v: number) => (v === 0 ? 2 ** -149 : Math.max(2 ** -149, 2 ** (Math.floor(Math.log2(Math.abs(v))) - 23)));

/**
 * Each output within one float32 ulp of the JS loop's (NaN where JS has NaN, the
 * same infinities), and returns how many differ at all. Why one ulp: the Wasm
 * kernels compute the same float64 quantities as JS up to a few float64 ulps (a
 * polynomial exp; partial sums in another order), so the float64 value before
 * the final rounding differs by ~1e-15 relative and rounds to the same float32
 * or its neighbour. (Layernorm's subtraction x − mean could magnify a mean
 * difference, but only by |mean| / |x − mean|, which these data keep small.)
 */
function withinUlp(got: Float32Array, want: Float32Array): number {
  let differ = 0;
  for (let i = 0; i < got.length; i++) {
    if (Object.is(got[i], want[i])) continue;
    differ++;
    if (!Number.isFinite(want[i]) || !(Math.abs(got[i] - want[i]) <= ulp32(want[i]))) expect({ i, got: got[i] }).toEqual({ i, got: want[i] });
  }
  return differ;
}

const ROW_LENGTHS = [1, 2, 3, 5, 16, 17, 48, 127, 129];

describe('wasm float32 softmax and layernorm rows', () => {
  it('assemble into a valid module and run in this Node', () => {
    expect(WebAssembly.validate(assemble(rowsWat()))).toBe(true);
    expect(wasmRowsAvailable()).toBe(true);
  });

  it('softmax matches the JS loop within a float32 ulp (nearly always exactly) at awkward row lengths and scales', () => {
    let differ = 0, total = 0;
    for (const n of ROW_LENGTHS) {
      for (const scale of [1e-3, 4, 60, 800]) { // 800: most exps underflow to 0 (and the clamp at -708 is used)
        const x = data(37 * n, n + scale), want = new Float32Array(x.length), got = new Float32Array(x.length).fill(7);
        jsSoftmax(x, n, want);
        expect(tryWasmSoftmax(x, n, got)).toBe(true);
        differ += withinUlp(got, want);
        total += x.length;
      }
    }
    expect(differ / total).toBeLessThan(1e-3);
  });

  it('softmax propagates NaN and infinities as the JS loop does', () => {
    const n = 5, x = data(6 * n, 3);
    x[0] = NaN; // row 0: all NaN
    x[5] = Infinity; // row 1: Inf − Inf = NaN, so all NaN
    x[10] = -Infinity; // row 2: exp(-Inf) = 0 there, the rest ordinary
    for (let i = 15; i < 20; i++) x[i] = -Infinity; // row 3: -Inf − -Inf = NaN
    x[20] = 3.4e38; x[21] = -3.4e38; // row 4: the extremes
    const want = new Float32Array(x.length), got = new Float32Array(x.length);
    jsSoftmax(x, n, want);
    expect(tryWasmSoftmax(x, n, got)).toBe(true);
    expect([0, 5, 15].every((i) => Number.isNaN(want[i])) && want[10] === 0 && want[20] === 1).toBe(true);
    withinUlp(got, want);
  });

  it('layernorm matches the JS loop within a float32 ulp at awkward row lengths, offsets and eps', () => {
    let differ = 0, total = 0;
    for (const n of ROW_LENGTHS) {
      for (const [scale, eps] of [[1e-3, 1e-5], [4, 1e-5], [100, 0], [4, 1]] as const) {
        const x = data(41 * n, 2 * n + scale), want = new Float32Array(x.length), got = new Float32Array(x.length).fill(7);
        jsLayernorm(x, n, eps, want);
        expect(tryWasmLayernorm(x, n, eps, got)).toBe(true);
        differ += withinUlp(got, want);
        total += x.length;
      }
    }
    expect(differ / total).toBeLessThan(1e-3);
  });

  it('layernorm propagates NaN and infinities as the JS loop does', () => {
    const n = 6, x = data(3 * n, 5);
    x[2] = NaN; x[8] = Infinity;
    const want = new Float32Array(x.length), got = new Float32Array(x.length);
    jsLayernorm(x, n, 1e-5, want);
    expect(tryWasmLayernorm(x, n, 1e-5, got)).toBe(true);
    expect(Number.isNaN(want[0]) && Number.isNaN(want[6]) && Number.isFinite(want[12])).toBe(true);
    withinUlp(got, want);
  });

  it('declines float64 and empty inputs, leaving out untouched; the wrappers give the JS result', () => {
    const x = Float64Array.from(data(256, 1)), out = new Float64Array(256).fill(7);
    expect(tryWasmSoftmax(x, 16, out) || tryWasmLayernorm(x, 16, 1e-5, out)).toBe(false);
    expect(tryWasmSoftmax(new Float32Array(0), 16, new Float32Array(0))).toBe(false);
    expect(out.every((v) => v === 7)).toBe(true);
    const want = new Float64Array(256);
    jsSoftmax(x, 16, want); wasmSoftmax(x, 16, out); expect(out).toEqual(want);
    jsLayernorm(x, 16, 1e-5, want); wasmLayernorm(x, 16, 1e-5, out); expect(out).toEqual(want);
  });

  it('the wrappers run JS below WASM_ROWS_MIN and Wasm from it', () => {
    for (const len of [WASM_ROWS_MIN - 1, WASM_ROWS_MIN]) {
      const x = data(len, 9), a = new Float32Array(len), b = new Float32Array(len);
      const before = wasmRowsCalls();
      wasmSoftmax(x, len, a);
      wasmLayernorm(x, len, 1e-5, b);
      expect(wasmRowsCalls() - before).toBe(len >= WASM_ROWS_MIN ? 2 : 0);
    }
  });

  it('survives memory growth between calls', () => {
    for (const len of [64, 3 << 20, 96]) {
      const x = data(len, len), want = new Float32Array(len), got = new Float32Array(len);
      jsSoftmax(x, 32, want);
      expect(tryWasmSoftmax(x, 32, got)).toBe(true);
      withinUlp(got, want);
    }
  });

  it('run in createCpuBackend() and not in the reference new CpuBackend(), with results within an ulp', () => {
    const xs = data(64 * 4 * 17 * 17, 11);
    const run = (backend: CpuBackend) => {
      const prev = hg.getBackend();
      hg.setBackend(backend);
      try {
        const x = hg.tensor(xs, [64, 4, 17, 17]); // (B, nh, T, T) attention scores
        return [hg.softmax(x).dataSync(), hg.layernorm(x).dataSync()] as Float32Array[];
      } finally {
        hg.setBackend(prev);
      }
    };
    const before = wasmRowsCalls();
    const ref = run(new CpuBackend());
    expect(wasmRowsCalls()).toBe(before);
    const fast = run(createCpuBackend());
    expect(wasmRowsCalls()).toBe(before + 2);
    withinUlp(fast[0], ref[0]);
    withinUlp(fast[1], ref[1]);
  });
});

describe('wasm rows fallback', () => {
  afterEach(() => { vi.restoreAllMocks(); resetWasmRows(); });

  it('runs the JS loops where the runtime lacks Wasm SIMD, and says so once on stderr', () => {
    expectJsFallback({ reset: resetWasmRows, available: wasmRowsAvailable, calls: wasmRowsCalls }, 'float32 softmax and layernorm use the JavaScript loops', () => {
      const x = data(1024, 2), want = new Float32Array(1024), got = new Float32Array(1024);
      expect(tryWasmSoftmax(x, 16, got)).toBe(false);
      jsSoftmax(x, 16, want); wasmSoftmax(x, 16, got); expect(got).toEqual(want);
      jsLayernorm(x, 16, 1e-5, want); wasmLayernorm(x, 16, 1e-5, got); expect(got).toEqual(want);
    });
  });
});
