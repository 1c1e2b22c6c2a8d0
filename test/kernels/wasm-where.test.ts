/** The Wasm SIMD float32 where: bit-identical to the JS loop on every walk it takes, declined elsewhere, and run by the fast backend only. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CpuBackend, createCpuBackend } from '../../src/kernels/cpu/index.js';
import { where as jsWhere } from '../../src/kernels/cpu/elementwise.js';
import { whereWat } from '../../src/kernels/cpu/wasm/where-kernel.js';
import {
  WASM_WHERE_MIN, resetWasmWhere, tryWasmWhere, wasmWhere, wasmWhereAvailable, wasmWhereCalls,
} from '../../src/kernels/cpu/wasm/where.js';
import { assemble } from '../../src/kernels/cpu/wasm/wat.js';
import { broadcastShapes } from '../../src/tensor/shapes.js';
import * as hg from '../../src/index.js';
import { expectJsFallback } from '../helpers/wasm-fallback.js';
import { firstBitDifference } from '../helpers/bits.js';

const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
const LENGTHS = [0, 1, 3, 4, 5, 127, 128, 129, 4099];

/**
 * Float32s from random bit patterns with the awkward values planted: NaN, ±Inf,
 * ±0, denormals, the largest finites. As a condition, a third of the elements are
 * set to ±0 so both branches are taken often (random bits are almost never 0).
 */
function awkward(n: number, seed: number, zeros = false): Float32Array {
  const bits = new Uint32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; bits[i] = s; }
  const x = new Float32Array(bits.buffer);
  if (zeros) for (let i = 0; i < n; i++) if (bits[i] % 3 === 0) x[i] = bits[i] % 2 ? -0 : 0;
  const special = [NaN, -0, Infinity, 0, -Infinity, 1e-45, -1e-45, 1.1754942e-38, 1e-40, 3.4028235e38, -3.4028235e38, 1, -1, 0];
  special.slice(0, n).forEach((v, i) => { x[(i + seed) % n] = v; });
  return x;
}

/** Bit-for-bit equal, except that any NaN matches any NaN (JS may change a NaN's payload on the way). */
function expectSameBits(got: Float32Array, want: Float32Array): void {
  expect(got.length).toBe(want.length);
  const bad = firstBitDifference(got, want);
  expect(bad, bad < 0 ? '' : `element ${bad}: got ${got[bad]}, want ${want[bad]}`).toBe(-1);
}

/** Runs where on the Wasm path (which must take it) and on the JS loop; the outputs must agree bit for bit. */
function check(cShape: number[], aShape: number[], bShape: number[], seed = 1): void {
  const outShape = broadcastShapes('test', [cShape, aShape, bShape]);
  const c = awkward(size(cShape), seed, true), a = awkward(size(aShape), seed + 7), b = awkward(size(bShape), seed + 13);
  const want = new Float32Array(size(outShape)), got = new Float32Array(size(outShape)).fill(12345);
  jsWhere(c, cShape, a, aShape, b, bShape, want, outShape);
  expect(tryWasmWhere(c, cShape, a, aShape, b, bShape, got, outShape)).toBe(true);
  expectSameBits(got, want);
}

describe('wasm where kernel', () => {
  it('assembles into a valid module and runs in this Node', () => {
    expect(WebAssembly.validate(assemble(whereWat()))).toBe(true);
    expect(wasmWhereAvailable()).toBe(true);
  });

  it('reads the condition as JS does: NaN and denormals true, ±0 false', () => {
    const c = new Float32Array([NaN, 0, -0, 1e-45, -1e-45, Infinity, -1, 0.5, 0]);
    const a = new Float32Array(9).fill(1), b = new Float32Array(9).fill(2), got = new Float32Array(9);
    expect(tryWasmWhere(c, [9], a, [9], b, [9], got, [9])).toBe(true);
    expect([...got]).toEqual([1, 2, 2, 1, 1, 1, 1, 1, 2]);
  });

  it('picks a and b bit for bit at awkward lengths, with every operand full or a scalar (all 8 forms)', () => {
    for (const n of LENGTHS) {
      for (let form = 0; form < 8; form++) {
        const shapes = [4, 2, 1].map((bit) => (form & bit ? [] : [n]));
        if (shapes.every((s) => s.length === 0)) check([], [], [], n); // one element
        else check(shapes[0], shapes[1], shapes[2], n + form);
      }
    }
  });

  it('the ReLU forms: where(x > 0, x, 0) and where(x > 0, g, 0) at the MLP shapes match bit for bit', () => {
    check([128, 256], [128, 256], []);
    check([128, 256], [128, 256], [1, 1]);
    check([128, 10], [128, 10], [], 5);
  });

  it('runs the broadcasts the merged walk makes one block of rows, bit for bit', () => {
    const cases: [number[], number[], number[]][] = [
      [[64, 17, 1], [64, 17, 48], [64, 17, 48]], // a condition per row
      [[64, 17, 48], [48], []], // a reused row and a scalar
      [[64, 17, 48], [64, 17, 1], [48]], // a scalar per row against a reused row
      [[5, 1], [1, 7], [5, 7]], [[3, 5, 7], [5, 7], [3, 5, 7]], [[2, 3, 1, 5], [2, 3, 1, 1], [5]],
      // Three axes after merging: one call per outer index.
      [[11, 6, 17, 48], [6, 17, 1], []], [[2, 3, 700], [2, 1, 700], [2, 3, 700]], [[7, 1, 5], [7, 3, 1], [1]],
    ];
    for (const [cShape, aShape, bShape] of cases) check(cShape, aShape, bShape);
  });

  it('declines what it does not run, leaving out untouched, and wasmWhere still gives the JS result', () => {
    const n = 4096;
    const cases: { c: Float32Array | Float64Array | Int32Array; a: Float32Array | Float64Array | Int32Array; b: Float32Array | Float64Array | Int32Array; out: Float32Array | Float64Array | Int32Array; shapes: number[][] }[] = [
      { c: new Float64Array(n), a: new Float64Array(n), b: new Float64Array(n), out: new Float64Array(n), shapes: [[n], [n], [n], [n]] },
      { c: new Int32Array(n), a: new Float32Array(n), b: new Float32Array(n), out: new Float32Array(n), shapes: [[n], [n], [n], [n]] },
      { c: new Float32Array(n), a: new Int32Array(n), b: new Int32Array(n), out: new Int32Array(n), shapes: [[n], [n], [n], [n]] },
      // four axes after merging
      { c: new Float32Array(1200), a: new Float32Array(8), b: new Float32Array(1), out: new Float32Array(1200), shapes: [[2, 3, 4, 50], [2, 1, 4, 1], [], [2, 3, 4, 50]] },
      { c: new Float32Array(1200), a: new Float32Array(1200), b: new Float32Array(8), out: new Float32Array(1200), shapes: [[2, 3, 4, 50], [2, 3, 4, 50], [2, 1, 4, 1], [2, 3, 4, 50]] },
    ];
    for (const { c, a, b, out, shapes: [cS, aS, bS, outS] } of cases) {
      c.forEach((_, i) => { c[i] = i % 3 ? 1 : 0; });
      a.forEach((_, i) => { a[i] = i + 1; });
      b.forEach((_, i) => { b[i] = -i - 1; });
      out.fill(7);
      const want = new (out.constructor as new (n: number) => typeof out)(out.length);
      expect(tryWasmWhere(c, cS, a, aS, b, bS, out, outS)).toBe(false);
      expect(out.every((v) => v === 7)).toBe(true);
      jsWhere(c, cS, a, aS, b, bS, want, outS);
      wasmWhere(c, cS, a, aS, b, bS, out, outS);
      expect(out).toEqual(want);
      expect(want.some((v) => v < 0) && want.some((v) => v > 0)).toBe(true); // both branches taken
    }
  });

  it('wasmWhere runs JS below WASM_WHERE_MIN and Wasm from it, with the same bits', () => {
    for (const n of [WASM_WHERE_MIN - 1, WASM_WHERE_MIN]) {
      const c = awkward(n, 3, true), a = awkward(n, 4), want = new Float32Array(n), got = new Float32Array(n);
      const zero = new Float32Array(1);
      jsWhere(c, [n], a, [n], zero, [], want, [n]);
      const before = wasmWhereCalls();
      wasmWhere(c, [n], a, [n], zero, [], got, [n]);
      expect(wasmWhereCalls() - before).toBe(n >= WASM_WHERE_MIN ? 1 : 0);
      expectSameBits(got, want);
    }
  });

  it('runs in createCpuBackend() and not in the reference new CpuBackend(), with equal results', () => {
    const x = Float32Array.from(awkward(128 * 64, 9, true));
    const run = (backend: CpuBackend) => {
      const prev = hg.getBackend();
      hg.setBackend(backend);
      try {
        const t = hg.tensor(x, [128, 64]);
        return hg.relu(t).dataSync() as Float32Array;
      } finally {
        hg.setBackend(prev);
      }
    };
    const before = wasmWhereCalls();
    const ref = run(new CpuBackend());
    expect(wasmWhereCalls()).toBe(before);
    const fast = run(createCpuBackend());
    expect(wasmWhereCalls()).toBeGreaterThan(before);
    expectSameBits(fast, ref);
  });
});

describe('wasm where fallback', () => {
  afterEach(() => { vi.restoreAllMocks(); resetWasmWhere(); });

  it('runs the JS loop where the runtime lacks Wasm SIMD, and says so once on stderr', () => {
    expectJsFallback({ reset: resetWasmWhere, available: wasmWhereAvailable, calls: wasmWhereCalls }, 'float32 where uses the JavaScript loop', () => {
      const c = awkward(5000, 1, true), a = awkward(5000, 2), b = awkward(5000, 3), want = new Float32Array(5000), got = new Float32Array(5000);
      expect(tryWasmWhere(c, [5000], a, [5000], b, [5000], got, [5000])).toBe(false);
      jsWhere(c, [5000], a, [5000], b, [5000], want, [5000]);
      wasmWhere(c, [5000], a, [5000], b, [5000], got, [5000]);
      expectSameBits(got, want);
    });
  });
});
