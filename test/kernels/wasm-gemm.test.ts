import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { availableParallelism } from 'node:os';
import { gemm as jsGemm, gemmWorkerTasks, setGemmThreads, shutdownGemmPool, warmGemmPool, type GemmArgs } from '../../src/kernels/cpu/gemm.js';
import { matmul, matmulReference } from '../../src/kernels/cpu/matmul.js';
import { MR, NB, NR } from '../../src/kernels/cpu/wasm/kernel.js';
import { WASM_PARALLEL_FLOPS, detectWasmSimd, resetWasmGemm, wasmGemm, wasmGemmKind } from '../../src/kernels/cpu/wasm/gemm.js';
import { assemble } from '../../src/kernels/cpu/wasm/wat.js';

/** C in float64 with Σ|a·b| beside it, from the reference triple loop (run twice: on the values and on their magnitudes). */
function reference(p: GemmArgs): { c: Float64Array; abs: Float64Array } {
  const len = p.batch * p.m * p.n;
  const c = new Float64Array(len), abs = new Float64Array(len);
  const a = Float64Array.from(p.a), b = Float64Array.from(p.b);
  const dense = { ...p, strideC: p.m * p.n };
  matmulReference({ ...dense, a, b, c });
  matmulReference({ ...dense, a: a.map(Math.abs), b: b.map(Math.abs), c: abs });
  return { c, abs };
}

function random(len: number): Float32Array {
  return Float32Array.from({ length: len }, () => Math.random() * 2 - 1);
}

interface Shape { batch: number; m: number; k: number; n: number; bcastA?: boolean; bcastB?: boolean; padC?: number }

function makeCase(s: Shape, transA: boolean, transB: boolean): GemmArgs {
  const strideC = s.m * s.n + (s.padC ?? 0);
  return {
    a: random((s.bcastA ? 1 : s.batch) * s.m * s.k), b: random((s.bcastB ? 1 : s.batch) * s.k * s.n),
    c: new Float32Array(s.batch * strideC).fill(NaN), // C must be overwritten, never accumulated into
    batch: s.batch, m: s.m, k: s.k, n: s.n, transA, transB,
    strideA: s.bcastA ? 0 : s.m * s.k, strideB: s.bcastB ? 0 : s.k * s.n, strideC,
  };
}

/**
 * Worst error / bound over C. `unit` is the accumulation's unit roundoff: 2⁻²⁴
 * for the Wasm kernel (float32 sums: a product and k additions round, so the
 * error is ≤ (k+1)·u·Σ|ab|), 2⁻⁵³ for the JS kernel (float64 sums); plus one
 * float32 rounding of the output.
 */
function worstError(p: GemmArgs, unit: number): number {
  const want = reference(p), mn = p.m * p.n;
  let worst = 0;
  for (let b = 0; b < p.batch; b++) {
    for (let e = 0; e < mn; e++) {
      const got = p.c[b * p.strideC + e], ref = want.c[b * mn + e];
      const tol = 2 ** -24 * Math.abs(ref) + (p.k + 1) * unit * want.abs[b * mn + e] + 1e-30;
      const err = Math.abs(got - ref) / tol;
      worst = Number.isNaN(err) ? Infinity : Math.max(worst, err);
    }
  }
  return worst;
}

const TRANS: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
// 1s, primes, non-multiples of the 4×8 register tile and the 64×64 task tile, broadcasts, padded C.
const SMALL: Shape[] = [
  { batch: 1, m: 1, k: 1, n: 1 },
  { batch: 1, m: 7, k: 13, n: 257 },
  { batch: 1, m: 257, k: 7, n: 13 },
  { batch: 1, m: 1, k: 257, n: 13 },
  { batch: 1, m: 13, k: 257, n: 1 },
  { batch: 1, m: MR + 1, k: 3, n: NR - 1 },
  { batch: 1, m: 65, k: 31, n: 67 },
  { batch: 4, m: 5, k: 7, n: 11, bcastA: true },
  { batch: 3, m: 7, k: 13, n: 5, bcastB: true, padC: 3 },
  { batch: 2, m: 9, k: 5, n: 6, bcastA: true, bcastB: true },
  { batch: 128, m: 16, k: 16, n: 16 },
];
// ≥ WASM_PARALLEL_FLOPS, so with 2 threads these are shared with a worker.
const LARGE: Shape[] = [
  { batch: 1, m: 131, k: 127, n: 131 },
  { batch: 5, m: 67, k: 67, n: 97, bcastA: true, padC: 7 },
  { batch: 3, m: 97, k: 131, n: 71, bcastB: true },
  { batch: 1, m: 1, k: 2053, n: 1031 },
  { batch: 1, m: 1031, k: 2053, n: 1 },
];
const label = (s: Shape) => `${s.batch}×(${s.m}×${s.k}×${s.n})${s.bcastA ? ' bcastA' : ''}${s.bcastB ? ' bcastB' : ''}`;

afterAll(() => { setGemmThreads(availableParallelism()); shutdownGemmPool(); });

describe('wat assembler', () => {
  it('assembles loops, locals, memory and f32x4 into a module that runs', () => {
    // Σ_{i<n} x[i] over float32s at address 0, four lanes at a time, then the lanes added.
    const bytes = assemble(`(module
      (import "env" "memory" (memory 1 1 shared))
      (func $sum (export "sum") (param $n i32) (result f32) (local $p i32) (local $s v128)
        loop $l
          local.get $s local.get $p v128.load f32x4.add local.set $s
          local.get $p i32.const 16 i32.add local.tee $p local.get $n i32.const 2 i32.shl i32.lt_u br_if $l
        end
        local.get $s f32x4.extract_lane 0 local.get $s f32x4.extract_lane 1 call $add
        local.get $s f32x4.extract_lane 2 local.get $s f32x4.extract_lane 3 call $add call $add)
      (func $add (param f32 f32) (result f32) local.get 0 local.get 1 call $fadd)
      (func $fadd (param $x f32) (param $y f32) (result f32) local.get $x f32x4.splat local.get $y f32x4.splat f32x4.add f32x4.extract_lane 2))`);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const { sum } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as { sum: (n: number) => number };
    const x = new Float32Array(memory.buffer, 0, 12);
    x.set(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(sum(12)).toBe(78);
    expect(sum(4)).toBe(10);
  });

  it('names what it cannot assemble', () => {
    expect(() => assemble('(module (func f32x4.frobnicate))')).toThrow(/unknown instruction f32x4.frobnicate/);
    expect(() => assemble('(module (func br $nowhere))')).toThrow(/unknown label \$nowhere/);
    expect(() => assemble('(module (func local.get $x))')).toThrow(/unknown local \$x/);
    expect(() => assemble('(module (func loop))')).toThrow(/missing its end/);
    expect(() => assemble('(module (import "env" "memory" (memory 1 shared)))')).toThrow(/needs a maximum/);
  });
});

describe('wasm gemm runtime', () => {
  it('finds Wasm SIMD in this Node and runs float32 on it', () => {
    expect(detectWasmSimd()).not.toBe('none');
    expect(wasmGemmKind()).toBe(detectWasmSimd());
  });
});

describe.each([1, 2])('wasm gemm on %i thread(s)', (threads) => {
  it.each(SMALL.map((s) => [label(s), s] as const))('matches the reference on %s, all transposes', async (_l, s) => {
    setGemmThreads(threads);
    await warmGemmPool();
    for (const [tA, tB] of TRANS) {
      const p = makeCase(s, tA, tB);
      wasmGemm(p);
      expect(worstError(p, 2 ** -24), `tA=${tA} tB=${tB}`).toBeLessThanOrEqual(1);
    }
  });

  it.each(LARGE.map((s) => [label(s), s] as const))('matches the reference above the threading threshold, %s', async (_l, s) => {
    setGemmThreads(threads);
    await warmGemmPool();
    expect(2 * s.batch * s.m * s.k * s.n).toBeGreaterThanOrEqual(WASM_PARALLEL_FLOPS);
    for (const [tA, tB] of TRANS) {
      const p = makeCase(s, tA, tB);
      wasmGemm(p);
      expect(worstError(p, 2 ** -24), `tA=${tA} tB=${tB}`).toBeLessThanOrEqual(1);
    }
  });

  it('follows matmul through broadcast batch dims', () => {
    setGemmThreads(threads);
    // (2, 1, 9, 70) · (3, 70, 37) → (2, 3, 9, 37): the general broadcast path, one gemm per output batch;
    // (4, 67, 33)ᵀ · (67, 65) → (4, 33, 65): B shared by every batch with A transposed.
    const cases: [number[], number[], number[], boolean, boolean][] = [
      [[2, 1, 9, 70], [3, 70, 37], [2, 3, 9, 37], false, false],
      [[4, 67, 33], [67, 65], [4, 33, 65], true, false],
      [[5, 7, 40], [1, 29, 40], [5, 7, 29], false, true],
    ];
    for (const [aShape, bShape, outShape, tA, tB] of cases) {
      const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
      const a = random(size(aShape)), b = random(size(bShape));
      const got = new Float32Array(size(outShape)), want = new Float64Array(size(outShape));
      matmul(wasmGemm, a, aShape, b, bShape, tA, tB, got, outShape);
      matmul(matmulReference, Float64Array.from(a), aShape, Float64Array.from(b), bShape, tA, tB, want, outShape);
      const k = tA ? aShape[aShape.length - 2] : aShape[aShape.length - 1];
      // |a|, |b| < 1: Σ|ab| ≤ k bounds every output.
      const worst = want.reduce((w, v, i) => Math.max(w, Math.abs(got[i] - v)), 0);
      expect(worst, `${aShape} · ${bShape}`).toBeLessThanOrEqual((k + 2) * 2 ** -24 * k);
    }
  });

  it('writes zeros when K = 0, accepts M = 0, lets C alias A', () => {
    setGemmThreads(threads);
    const z = makeCase({ batch: 2, m: 3, k: 0, n: 5 }, false, false);
    wasmGemm(z);
    expect(Array.from(z.c)).toEqual(new Array(30).fill(0));
    expect(() => wasmGemm(makeCase({ batch: 2, m: 0, k: 4, n: 5 }, false, false))).not.toThrow();
    const p = makeCase({ batch: 1, m: NB, k: NB, n: NB }, false, true);
    const want = reference(p).c;
    wasmGemm({ ...p, c: p.a });
    expect(Array.from(p.a).every((v, i) => Math.abs(v - want[i]) <= 1e-5)).toBe(true);
  });
});

describe('wasm gemm dispatch', () => {
  it('shares large products with a worker when there are two threads', async () => {
    if (availableParallelism() < 2) return;
    setGemmThreads(2);
    await warmGemmPool();
    const p = makeCase({ batch: 1, m: 256, k: 256, n: 256 }, false, false);
    const before = gemmWorkerTasks();
    // The worker is woken, not waited for: on a loaded machine it may miss a job, never all of them.
    for (let i = 0; i < 200 && gemmWorkerTasks() === before; i++) wasmGemm(p);
    expect(gemmWorkerTasks()).toBeGreaterThan(before);
    expect(worstError(p, 2 ** -24)).toBeLessThanOrEqual(1);
  });

  it('hands float64 to the JS gemm (float64 accumulation, identical output)', () => {
    const s = { batch: 2, m: 37, k: 129, n: 41 };
    const a = Float64Array.from(random(s.batch * s.m * s.k)), b = Float64Array.from(random(s.batch * s.k * s.n));
    const base = { ...s, a, b, transA: false, transB: true, strideA: s.m * s.k, strideB: s.k * s.n, strideC: s.m * s.n };
    const c1 = new Float64Array(s.batch * s.m * s.n), c2 = new Float64Array(c1.length);
    wasmGemm({ ...base, c: c1 });
    jsGemm({ ...base, c: c2 });
    expect(c1).toEqual(c2);
  });

  it('rejects mixed dtypes and short arrays, naming the operand', () => {
    const p = makeCase({ batch: 1, m: 4, k: 4, n: 4 }, false, false);
    expect(() => wasmGemm({ ...p, b: new Float64Array(16) })).toThrow(TypeError);
    expect(() => wasmGemm({ ...p, batch: 2 })).toThrow(/gemm: a has 16 elements, needs 32/);
  });

  it('restarts the pool after shutdown and gives the new workers the kernel', async () => {
    if (availableParallelism() < 2) return;
    setGemmThreads(2);
    wasmGemm(makeCase({ batch: 1, m: 8, k: 8, n: 8 }, false, false)); // kernel loaded before the pool restarts
    shutdownGemmPool();
    await warmGemmPool();
    const p = makeCase({ batch: 1, m: 256, k: 200, n: 256 }, true, false);
    const before = gemmWorkerTasks();
    for (let i = 0; i < 200 && gemmWorkerTasks() === before; i++) wasmGemm(p);
    expect(gemmWorkerTasks()).toBeGreaterThan(before);
    expect(worstError(p, 2 ** -24)).toBeLessThanOrEqual(1);
  });
});

describe('wasm gemm fallback', () => {
  afterEach(() => { vi.restoreAllMocks(); resetWasmGemm(); });

  it('runs the JS gemm where the runtime lacks Wasm SIMD, and says so once on stderr', () => {
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    resetWasmGemm();
    expect(detectWasmSimd()).toBe('none');
    for (let i = 0; i < 3; i++) {
      const p = makeCase({ batch: 2, m: 33, k: 257, n: 29 }, i === 1, i === 2);
      wasmGemm(p);
      // The float64-accumulation bound: float32 sums (the Wasm kernel) would miss it by orders of magnitude.
      expect(worstError(p, 2 ** -53)).toBeLessThanOrEqual(1);
    }
    expect(wasmGemmKind()).toBe('none');
    const lines = err.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('WebAssembly SIMD'));
    expect(lines).toEqual(['heterograd: this runtime has no WebAssembly SIMD; float32 matmul uses the JavaScript gemm\n']);
  });
});
