/**
 * The Wasm SIMD float32 exp, tanh and erf: their accuracy contracts on dense
 * sweeps and the awkward values, the same results through every loop of the
 * kernel (groups, leftover pairs, an odd float), declined where they do not
 * apply, used by the fast backend only, and a JS fallback without Wasm SIMD.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CpuBackend, createCpuBackend } from '../../src/kernels/cpu/index.js';
import { unary as jsUnary } from '../../src/kernels/cpu/elementwise.js';
import { erf } from '../../src/kernels/cpu/erf.js';
import { unaryWat } from '../../src/kernels/cpu/wasm/unary-kernel.js';
import {
  WASM_UNARY_MIN, resetWasmUnary, tryWasmUnary, wasmUnary, wasmUnaryAvailable, wasmUnaryCalls,
} from '../../src/kernels/cpu/wasm/unary.js';
import { assemble } from '../../src/kernels/cpu/wasm/wat.js';
import type { UnaryName } from '../../src/tensor/primitives.js';
import * as hg from '../../src/index.js';
import { expectJsFallback } from '../helpers/wasm-fallback.js';

const OPS = ['exp', 'tanh', 'erf'] as const;
const TRUE: Record<(typeof OPS)[number], (x: number) => number> = { exp: Math.exp, tanh: Math.tanh, erf };

/** Spacing of float32s at |v| (denormals: 2⁻¹⁴⁹), the unit of the exp contract. */
function ulp32(v: number): number {
  const a = Math.abs(v);
  return a < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** n + 1 float32s evenly over [lo, hi], then the values every kernel must get right. */
function sweep(lo: number, hi: number, n: number): Float32Array {
  const special = [0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 1e-40, -1e-40, 1.1754942e-38, 3.4028235e38, -3.4028235e38, 1e30, -1e30, 1, -1];
  return Float32Array.from([...Array.from({ length: n + 1 }, (_, i) => lo + ((hi - lo) * i) / n), ...special]);
}

/** The Wasm result, which must be taken. */
function run(op: UnaryName, x: Float32Array): Float32Array {
  const out = new Float32Array(x.length).fill(12345);
  expect(tryWasmUnary(op, x, out)).toBe(true);
  return out;
}

/** Indices where got and want differ in bits (any NaN matches any NaN). */
function bitDiffs(got: Float32Array, want: Float32Array): number[] {
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length), w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  const bad: number[] = [];
  for (let i = 0; i < got.length; i++) if (g[i] !== w[i] && !(Number.isNaN(got[i]) && Number.isNaN(want[i]))) bad.push(i);
  return bad;
}

/** Indices where x is NaN but the result is not, or the reverse. */
const nanMismatch = (x: Float32Array, y: Float32Array) => [...x.keys()].filter((i) => Number.isNaN(x[i]) !== Number.isNaN(y[i]));

/** The largest |got − f64 reference| over the finite references, and where. */
function worstAbs(op: (typeof OPS)[number], x: Float32Array, got: Float32Array): { err: number; at: number } {
  let err = 0, at = NaN;
  for (let i = 0; i < x.length; i++) {
    const e = Math.abs(got[i] - TRUE[op](x[i]));
    if (e > err || Number.isNaN(e) && !Number.isNaN(x[i])) { err = Number.isNaN(e) ? Infinity : e; at = x[i]; }
  }
  return { err, at };
}

describe('wasm unary kernels: accuracy', () => {
  it('assemble into a valid module and run in this Node', () => {
    expect(WebAssembly.validate(assemble(unaryWat()))).toBe(true);
    expect(wasmUnaryAvailable()).toBe(true);
  });

  it('exp is within 2 float32 ulp of the true exp over [−104, 89]: overflow to ∞, underflow to 0, denormal results', () => {
    const x = sweep(-104, 89, 400_000), got = run('exp', x);
    let worst = 0, at = NaN;
    for (let i = 0; i < x.length; i++) {
      if (Number.isNaN(x[i])) continue;
      const want = Math.fround(Math.exp(x[i]));
      const u = want === Infinity ? (got[i] === Infinity ? 0 : Infinity) : Math.abs(got[i] - want) / ulp32(want);
      if (!(u <= worst)) { worst = u; at = x[i]; }
    }
    expect(worst, `worst at x = ${at}`).toBeLessThanOrEqual(2);
    expect(nanMismatch(x, got)).toEqual([]);
    // The edges are in the sweep: ∞ past ln(FLT_MAX), 0 below ln(2⁻¹⁵⁰), denormals between.
    const edge = run('exp', Float32Array.from([88.8, 89, -103.9, -104, -90, -0, Infinity, -Infinity]));
    expect([...edge.slice(0, 2)]).toEqual([Infinity, Infinity]);
    expect(edge[2]).toBeGreaterThan(0);
    expect(edge[3]).toBe(0);
    expect(edge[4] > 0 && edge[4] < 2 ** -126).toBe(true);
    expect([...edge.slice(5)]).toEqual([1, Infinity, 0]);
  });

  it('exp and tanh round like the JS loops except rarely (float64 lanes: under 1 in 10⁴, by one ulp)', () => {
    for (const [op, x] of [['exp', sweep(-104, 89, 400_000)], ['tanh', sweep(-12, 12, 400_000)]] as const) {
      const got = run(op, x), want = new Float32Array(x.length);
      jsUnary(op, x, want);
      const bad = bitDiffs(got, want);
      expect(bad.length, op).toBeLessThan(x.length / 1e4);
      for (const i of bad) expect(Math.abs(got[i] - want[i]), `${op}(${x[i]})`).toBeLessThanOrEqual(ulp32(want[i]));
    }
  });

  it('tanh: absolute error < 2e-7, odd bit for bit, ±1 in the tails, NaN stays NaN, tanh(x) = x for tiny x', () => {
    const x = sweep(-12, 12, 400_000), got = run('tanh', x), neg = run('tanh', x.map((v) => -v));
    const { err, at } = worstAbs('tanh', x, got);
    expect(err, `worst at x = ${at}`).toBeLessThan(2e-7);
    expect(bitDiffs(neg, got.map((v) => -v))).toEqual([]);
    expect(nanMismatch(x, got)).toEqual([]);
    expect([...run('tanh', Float32Array.from([9.5, -9.5, 1e30, -Infinity, -0, 1e-40, 1e-20]))])
      .toEqual([1, -1, 1, -1, -0, Math.fround(1e-40), Math.fround(1e-20)]);
  });

  it('erf: absolute error < 1.2e-7 against the float64 erf over [−8, 8], odd bit for bit, |erf| ≤ 1', () => {
    const x = sweep(-8, 8, 200_000), got = run('erf', x), neg = run('erf', x.map((v) => -v));
    const { err, at } = worstAbs('erf', x, got);
    expect(err, `worst at x = ${at}`).toBeLessThan(1.2e-7);
    expect(bitDiffs(neg, got.map((v) => -v))).toEqual([]);
    expect(nanMismatch(x, got)).toEqual([]);
    expect(got.every((v) => Number.isNaN(v) || Math.abs(v) <= 1)).toBe(true);
    // Both sides of the |x| = 1 branch switch, and the exact values at 0 and the tails.
    const near1 = Float32Array.from({ length: 2001 }, (_, i) => 0.999 + i * 1e-6);
    expect(worstAbs('erf', near1, run('erf', near1)).err).toBeLessThan(1.2e-7);
    expect([...run('erf', Float32Array.from([0, -0, Infinity, -Infinity, 6, -6, 3e38]))]).toEqual([0, -0, 1, -1, 1, -1, 1]);
  });
});

describe('wasm unary kernels: every loop computes the same function', () => {
  it.each(OPS)('%s at awkward lengths equals the same elements of one long call', (op) => {
    const long = sweep(-9, 9, 4200);
    const want = run(op, long);
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 127, 128, 129, 4099]) {
      for (const start of [0, 1, 3]) { // odd starts: every float meets every slot of a group
        expect(bitDiffs(run(op, long.slice(start, start + n)), want.slice(start, start + n)), `n = ${n}, start = ${start}`).toEqual([]);
      }
    }
  });

  it('gives the same results before and after the memory grows', () => {
    const small = sweep(-3, 3, 99), big = sweep(-3, 3, 3_000_000);
    const a = run('erf', small), b = run('exp', big), c = run('erf', small);
    expect(bitDiffs(c, a)).toEqual([]);
    expect(b.length).toBe(big.length);
    expect(worstAbs('exp', big.subarray(0, 3_000_001), b.subarray(0, 3_000_001)).err).toBeLessThan(1e-5); // |exp| ≤ e³: 2 ulp ≈ 5e-6
  });
});

describe('wasm unary kernels: where they run', () => {
  it('decline float64, int32 and the other unary ops, leaving out untouched; wasmUnary then gives the JS result', () => {
    const declined: [UnaryName, Float32Array | Float64Array | Int32Array][] = [
      ['exp', new Float64Array(4096)], ['erf', new Float64Array(4096)], ['tanh', new Float64Array(4096)],
      ['neg', new Float32Array(4096)], ['log', new Float32Array(4096)], ['sqrt', new Float32Array(4096)],
      ['neg', new Int32Array(4096)],
    ];
    for (const [op, proto] of declined) {
      const Ctor = proto.constructor as new (n: number) => typeof proto;
      const a = new Ctor(4096).map((_, i) => (i % 13) - 6 + 0.25), out = new Ctor(4096).fill(7), want = new Ctor(4096);
      expect(tryWasmUnary(op, a, out)).toBe(false);
      expect(out.every((v) => v === 7)).toBe(true);
      jsUnary(op, a, want);
      wasmUnary(op, a, out);
      expect(bitDiffs(new Float32Array(out.buffer), new Float32Array(want.buffer))).toEqual([]);
    }
  });

  it('refuses an output of another length by name', () => {
    expect(() => tryWasmUnary('exp', new Float32Array(8), new Float32Array(9))).toThrow(/input has 8 elements, output 9/);
  });

  it('wasmUnary runs JS below WASM_UNARY_MIN and Wasm from it', () => {
    for (const n of [WASM_UNARY_MIN - 1, WASM_UNARY_MIN]) {
      const a = sweep(-2, 2, n - 17), got = new Float32Array(a.length), want = new Float32Array(a.length);
      expect(a.length).toBe(n);
      jsUnary('exp', a, want);
      const before = wasmUnaryCalls();
      wasmUnary('exp', a, got);
      expect(wasmUnaryCalls() - before).toBe(n >= WASM_UNARY_MIN ? 1 : 0);
      expect(bitDiffs(got, want)).toEqual([]);
    }
  });

  it('runs in createCpuBackend() and not in the reference new CpuBackend(), within the contracts of each other', () => {
    const x = sweep(-5, 5, 4095);
    const apply = (backend: CpuBackend) => {
      const prev = hg.getBackend();
      hg.setBackend(backend);
      try {
        const t = hg.tensor(x, [x.length]);
        return [hg.exp(t), hg.tanh(t), hg.erf(t)].map((y) => y.dataSync() as Float32Array);
      } finally {
        hg.setBackend(prev);
      }
    };
    const before = wasmUnaryCalls();
    const ref = apply(new CpuBackend());
    expect(wasmUnaryCalls()).toBe(before);
    const fast = apply(createCpuBackend());
    expect(wasmUnaryCalls()).toBe(before + 3);
    fast.forEach((got, k) => {
      expect(nanMismatch(got, ref[k])).toEqual([]);
      const tol = (i: number) => (k === 0 ? 2 * ulp32(ref[0][i]) : k === 1 ? 2e-7 : 2.4e-7); // erf: each side within 1.2e-7 of the truth
      const bad = [...got.keys()].filter((i) => Number.isFinite(ref[k][i]) && !(Math.abs(got[i] - ref[k][i]) <= tol(i)));
      expect(bad, `op ${k}`).toEqual([]);
    });
  });
});

describe('wasm unary fallback', () => {
  afterEach(() => { vi.restoreAllMocks(); resetWasmUnary(); });

  it('runs the JS loops where the runtime lacks Wasm SIMD, and says so once on stderr', () => {
    expectJsFallback({ reset: resetWasmUnary, available: wasmUnaryAvailable, calls: wasmUnaryCalls }, 'float32 exp/tanh/erf use the JavaScript loops', () => {
      for (const op of OPS) {
        const a = sweep(-6, 6, 4999), got = new Float32Array(a.length), want = new Float32Array(a.length);
        expect(tryWasmUnary(op, a, got)).toBe(false);
        jsUnary(op, a, want);
        wasmUnary(op, a, got);
        expect(bitDiffs(got, want)).toEqual([]);
      }
    });
  });
});
