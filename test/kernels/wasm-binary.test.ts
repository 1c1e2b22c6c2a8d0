/** The Wasm SIMD float32 add/sub/mul/div/greater/equal: bit-identical to the JS loops, on every walk it takes, and declined elsewhere. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CpuBackend, createCpuBackend } from '../../src/kernels/cpu/index.js';
import { binary as jsBinary } from '../../src/kernels/cpu/elementwise.js';
import { binaryWat } from '../../src/kernels/cpu/wasm/binary-kernel.js';
import {
  WASM_BINARY_MIN, resetWasmBinary, tryWasmBinary, wasmBinary, wasmBinaryAvailable, wasmBinaryCalls,
} from '../../src/kernels/cpu/wasm/binary.js';
import { assemble } from '../../src/kernels/cpu/wasm/wat.js';
import type { BinaryName } from '../../src/tensor/primitives.js';
import { broadcastShapes } from '../../src/tensor/shapes.js';
import * as hg from '../../src/index.js';
import { expectJsFallback } from '../helpers/wasm-fallback.js';
import { firstBitDifference } from '../helpers/bits.js';

const OPS = ['add', 'sub', 'mul', 'div', 'greater', 'equal'] as const;
const size = (s: number[]) => s.reduce((x, y) => x * y, 1);

/**
 * Float32s from random bit patterns, so every exponent (denormals, Inf, NaN
 * included) and both signs turn up, with the awkward values planted at the front
 * and a stretch of ordinary ones (random bits are mostly huge or tiny).
 */
function awkward(n: number, seed: number): Float32Array {
  const bits = new Uint32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; bits[i] = s; }
  const x = new Float32Array(bits.buffer);
  const special = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 1.1754942e-38, 1e-40, 3.4028235e38, -3.4028235e38, 1, -1, 3];
  special.slice(0, n).forEach((v, i) => { x[(i + seed) % n] = v; });
  for (let i = special.length; i < n; i += 3) x[i] = ((bits[i] % 2001) - 1000) / 97;
  return x;
}

/**
 * Bit-for-bit equal, except that any NaN matches any NaN (payloads are not
 * specified). toEqual (which also separates -0 and 0) only up to ~100k
 * elements: it takes seconds on millions, and the bit loop is the stricter check.
 */
function expectSameBits(got: Float32Array, want: Float32Array): void {
  if (got.length <= 100_000) expect(got).toEqual(want);
  expect(got.length).toBe(want.length);
  const bad = firstBitDifference(got, want);
  expect(bad).toBe(-1);
}

/** Runs op on the Wasm path (which must take it) and on the JS loops; the outputs must agree bit for bit. */
function check(op: BinaryName, aShape: number[], bShape: number[], seed = 1): void {
  const outShape = broadcastShapes('test', [aShape, bShape]);
  const a = awkward(size(aShape), seed), b = awkward(size(bShape), seed + 7);
  const want = new Float32Array(size(outShape)), got = new Float32Array(size(outShape)).fill(12345);
  jsBinary(op, a, aShape, b, bShape, want, outShape);
  expect(tryWasmBinary(op, a, aShape, b, bShape, got, outShape)).toBe(true);
  expectSameBits(got, want);
}

describe('wasm binary kernels', () => {
  it('assemble into a valid module and run in this Node', () => {
    expect(WebAssembly.validate(assemble(binaryWat()))).toBe(true);
    expect(wasmBinaryAvailable()).toBe(true);
  });

  it.each(OPS)('%s of same-length operands matches the JS loop bit for bit at awkward lengths', (op) => {
    for (const n of [0, 1, 3, 4, 5, 7, 8, 1023, 4097, 300_001]) check(op, [n], [n], n);
  });

  it.each(OPS)('%s with a scalar on either side matches bit for bit', (op) => {
    for (const n of [0, 1, 3, 5, 8, 1023, 4097]) {
      check(op, [n], [], n);
      check(op, [], [n], n);
      check(op, [n, 1], [1], n + 1); // a one-element operand of rank 1
    }
  });

  it.each(OPS)('%s on the broadcasts the merged walk makes one block of rows matches bit for bit', (op) => {
    const cases: [number[], number[]][] = [
      [[64, 17, 48], [64, 17, 1]], [[64, 17, 1], [64, 17, 48]], // a scalar per row, on either side
      [[64, 17, 48], [48]], [[48], [64, 17, 48]], // a bias row reused for every row
      [[3, 5, 7], [5, 7]], [[2, 3, 1023], [3, 1023]], // [k, N·d] ∘ [N·d]
      [[5, 1], [1, 7]], [[33, 1], [1, 3]], // outer products: a scalar per row against a reused row
      [[4, 9], [4, 1]], [[13, 1], [13, 13]], [[2, 3, 1, 5], [2, 3, 1, 1]], // the last: size-1 axes dropped
      // Three axes after merging: one call per outer index.
      [[11, 64, 17, 48], [64, 17, 1]], [[64, 17, 48], [7, 64, 17, 1]], // a tangent stack against a point's per-row scalar, and back
      [[2, 3, 700], [2, 1, 700]], [[3, 1, 5], [3, 4, 5]], [[5, 4, 3], [1, 4, 1]], [[7, 1, 5], [7, 3, 1]],
    ];
    for (const [aShape, bShape] of cases) check(op, aShape, bShape);
  });

  it('greater and equal agree with JS where the operands tie: ±0, NaN against NaN, ±Inf, denormals', () => {
    for (const n of [1, 3, 4, 5, 127, 128, 129, 4099]) {
      // b is a with every other element kept (ties, including NaN = NaN and Inf = Inf) and 0 ↔ -0 swapped.
      const a = awkward(n, n), b = a.map((v, i) => (i % 2 ? v : Object.is(v, 0) ? -0 : Object.is(v, -0) ? 0 : -v));
      for (const op of ['greater', 'equal'] as const) {
        const want = new Float32Array(n), got = new Float32Array(n).fill(12345);
        jsBinary(op, a, [n], b, [n], want, [n]);
        expect(tryWasmBinary(op, a, [n], b, [n], got, [n])).toBe(true);
        expectSameBits(got, want);
        if (op === 'equal' && n > 1) expect(want.includes(1) && want.includes(0)).toBe(true); // both answers occur
      }
    }
    const z = new Float32Array([0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45, 1]), zNeg = new Float32Array([-0, 0, NaN, Infinity, Infinity, 0, 0, 1]);
    const eq = new Float32Array(8), gt = new Float32Array(8);
    expect(tryWasmBinary('equal', z, [8], zNeg, [8], eq, [8]) && tryWasmBinary('greater', z, [8], zNeg, [8], gt, [8])).toBe(true);
    expect([...eq]).toEqual([1, 1, 0, 1, 0, 0, 0, 1]);
    expect([...gt]).toEqual([0, 0, 0, 0, 0, 1, 0, 0]);
  });

  it('survives memory growth between calls (the old view is detached)', () => {
    check('mul', [16], [16]);
    check('add', [1 << 21], [1 << 21], 5); // 24 MiB of operands and output: grows the memory
    check('div', [17, 33], [17, 1]);
  });

  it('declines what it does not run, leaving out untouched, and wasmBinary still gives the JS result', () => {
    const declined: [BinaryName, Float32Array | Float64Array | Int32Array, number[], number[]][] = [
      ['greater', new Float64Array(4096), [4096], [4096]],
      ['equal', new Int32Array(4096), [4096], [4096]],
      ['add', new Float64Array(4096), [4096], [4096]],
      ['mul', new Int32Array(4096), [4096], [4096]],
      ['add', new Float32Array(2 * 3 * 4 * 50), [2, 3, 4, 50], [2, 1, 4, 1]], // four axes after merging
    ];
    for (const [op, proto, aShape, bShape] of declined) {
      const Ctor = proto.constructor as new (n: number) => typeof proto;
      const outShape = broadcastShapes('test', [aShape, bShape]);
      const a = new Ctor(size(aShape)).map((_, i) => (i % 13) - 6), b = new Ctor(size(bShape)).map((_, i) => (i % 5) + 1);
      const out = new Ctor(size(outShape)).fill(7), want = new Ctor(size(outShape));
      expect(tryWasmBinary(op, a, aShape, b, bShape, out, outShape)).toBe(false);
      expect(out.every((v) => v === 7)).toBe(true);
      jsBinary(op, a, aShape, b, bShape, want, outShape);
      wasmBinary(op, a, aShape, b, bShape, out, outShape);
      expect(out).toEqual(want);
    }
  });

  it('wasmBinary runs JS below WASM_BINARY_MIN and Wasm from it, with the same bits', () => {
    for (const n of [WASM_BINARY_MIN - 1, WASM_BINARY_MIN]) {
      const a = awkward(n, 3), b = awkward(n, 4), want = new Float32Array(n), got = new Float32Array(n);
      jsBinary('sub', a, [n], b, [n], want, [n]);
      const before = wasmBinaryCalls();
      wasmBinary('sub', a, [n], b, [n], got, [n]);
      expect(wasmBinaryCalls() - before).toBe(n >= WASM_BINARY_MIN ? 1 : 0);
      expectSameBits(got, want);
    }
  });

  it('runs in createCpuBackend() and not in the reference new CpuBackend(), with equal results', () => {
    const x = Float32Array.from(awkward(4096, 9)), y = Float32Array.from(awkward(64, 10));
    const run = (backend: CpuBackend) => {
      const prev = hg.getBackend();
      hg.setBackend(backend);
      try {
        const a = hg.tensor(x, [64, 64]), b = hg.tensor(y, [64, 1]);
        return hg.div(hg.mul(a, a), b).dataSync() as Float32Array;
      } finally {
        hg.setBackend(prev);
      }
    };
    const before = wasmBinaryCalls();
    const ref = run(new CpuBackend());
    expect(wasmBinaryCalls()).toBe(before);
    const fast = run(createCpuBackend());
    expect(wasmBinaryCalls()).toBe(before + 2);
    expectSameBits(fast, ref);
  });
});

describe('wasm binary fallback', () => {
  afterEach(() => { vi.restoreAllMocks(); resetWasmBinary(); });

  it('runs the JS loops where the runtime lacks Wasm SIMD, and says so once on stderr', () => {
    expectJsFallback({ reset: resetWasmBinary, available: wasmBinaryAvailable, calls: wasmBinaryCalls }, 'float32 add/sub/mul/div/greater/equal use the JavaScript loops', () => {
      for (const op of OPS) {
        const a = awkward(5000, 1), b = awkward(5000, 2), want = new Float32Array(5000), got = new Float32Array(5000);
        expect(tryWasmBinary(op, a, [5000], b, [5000], got, [5000])).toBe(false);
        jsBinary(op, a, [5000], b, [5000], want, [5000]);
        wasmBinary(op, a, [5000], b, [5000], got, [5000]);
        expectSameBits(got, want);
      }
    });
  });
});
