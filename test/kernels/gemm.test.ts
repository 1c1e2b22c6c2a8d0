import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import {
  PARALLEL_FLOPS, allocFloat, gemm, gemmWorkerTasks, shutdownGemmPool, warmGemmPool,
  type FloatArray, type GemmArgs,
} from '../../src/kernels/cpu/gemm.js';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

/**
 * The specification: C[b][i,j] = Σ_q op(A)[b][i,q] · op(B)[b][q,j], in float64,
 * with Σ_q |op(A)[i,q] · op(B)[q,j]| beside it to scale the rounding-error bound.
 */
function reference(p: GemmArgs): { c: Float64Array; abs: Float64Array } {
  const { batch, m, k, n } = p;
  const c = new Float64Array(batch * m * n), abs = new Float64Array(batch * m * n);
  for (let b = 0; b < batch; b++) {
    const ao = b * p.strideA, bo = b * p.strideB;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0, sa = 0;
        for (let q = 0; q < k; q++) {
          const av = p.transA ? p.a[ao + q * m + i] : p.a[ao + i * k + q];
          const bv = p.transB ? p.b[bo + j * k + q] : p.b[bo + q * n + j];
          s += av * bv;
          sa += Math.abs(av * bv);
        }
        c[(b * m + i) * n + j] = s;
        abs[(b * m + i) * n + j] = sa;
      }
    }
  }
  return { c, abs };
}

function random(T: Ctor, len: number): FloatArray {
  const x = new T(len);
  for (let i = 0; i < len; i++) x[i] = Math.random() * 2 - 1;
  return x;
}

interface Shape { batch: number; m: number; k: number; n: number; bcastA?: boolean; bcastB?: boolean; padC?: number }

function makeCase(T: Ctor, s: Shape, transA: boolean, transB: boolean): GemmArgs {
  const strideA = s.bcastA ? 0 : s.m * s.k, strideB = s.bcastB ? 0 : s.k * s.n;
  const strideC = s.m * s.n + (s.padC ?? 0);
  return {
    a: random(T, s.bcastA ? s.m * s.k : s.batch * s.m * s.k),
    b: random(T, s.bcastB ? s.k * s.n : s.batch * s.k * s.n),
    c: new T(s.batch * strideC).fill(NaN), // C must be overwritten, never accumulated into
    batch: s.batch, m: s.m, k: s.k, n: s.n, transA, transB, strideA, strideB, strideC,
  };
}

/**
 * Error bound: float64 accumulation in any order (k·2⁻⁵³·Σ|ab|), plus one
 * rounding of the output to its type (2⁻²⁴ for float32, 2⁻⁵³ for float64).
 */
function expectMatches(p: GemmArgs): void {
  const want = reference(p);
  const out = p.c instanceof Float32Array ? 2 ** -24 : 2 ** -53;
  const mn = p.m * p.n;
  let worst = 0;
  for (let b = 0; b < p.batch; b++) {
    for (let e = 0; e < mn; e++) {
      const got = p.c[b * p.strideC + e], ref = want.c[b * mn + e];
      const tol = out * Math.abs(ref) + (p.k + 1) * 2 ** -53 * want.abs[b * mn + e] + 1e-300;
      const err = Math.abs(got - ref) / tol;
      worst = Number.isNaN(err) ? Infinity : Math.max(worst, err);
    }
  }
  expect(worst, `${p.batch}×(${p.m}×${p.k}×${p.n}) tA=${p.transA} tB=${p.transB}: error / bound`).toBeLessThanOrEqual(1);
}

// Awkward shapes: 1s, primes, non-multiples of the 3×4 register tile and 48×64
// task tile, degenerate M/N/K, broadcasts, padded C batches.
const SMALL: Shape[] = [
  { batch: 1, m: 1, k: 1, n: 1 },
  { batch: 1, m: 7, k: 13, n: 257 },
  { batch: 1, m: 257, k: 7, n: 13 },
  { batch: 1, m: 1, k: 257, n: 13 },
  { batch: 1, m: 13, k: 257, n: 1 },
  { batch: 1, m: 13, k: 1, n: 7 },
  { batch: 1, m: 50, k: 49, n: 67 },
  { batch: 4, m: 5, k: 7, n: 11, bcastA: true },
  { batch: 3, m: 7, k: 13, n: 5, bcastB: true, padC: 3 },
  { batch: 2, m: 9, k: 5, n: 6, bcastA: true, bcastB: true },
  { batch: 128, m: 16, k: 16, n: 16 },
];
// ≥ PARALLEL_FLOPS, so these run on the worker pool as well as the caller.
const LARGE: Shape[] = [
  { batch: 1, m: 131, k: 127, n: 67 },
  { batch: 5, m: 37, k: 61, n: 61, bcastA: true, padC: 7 },
  { batch: 3, m: 97, k: 43, n: 71, bcastB: true },
  { batch: 1, m: 1, k: 1031, n: 577 },
  { batch: 1, m: 577, k: 1031, n: 1 },
];
const TRANS: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
const label = (s: Shape) => `${s.batch}×(${s.m}×${s.k}×${s.n})${s.bcastA ? ' bcastA' : ''}${s.bcastB ? ' bcastB' : ''}`;

beforeAll(() => warmGemmPool());
afterAll(() => shutdownGemmPool());

describe.each([
  ['float32', Float32Array],
  ['float64', Float64Array],
] as [string, Ctor][])('gemm %s', (_name, T) => {
  it.each(SMALL.map((s) => [label(s), s] as const))('matches the reference on %s, all transposes', (_l, s) => {
    for (const [tA, tB] of TRANS) {
      const p = makeCase(T, s, tA, tB);
      gemm(p);
      expectMatches(p);
    }
  });

  it.each(LARGE.map((s) => [label(s), s] as const))('matches the reference on the threaded path, %s', (_l, s) => {
    expect(2 * s.batch * s.m * s.k * s.n).toBeGreaterThanOrEqual(PARALLEL_FLOPS);
    for (const [tA, tB] of TRANS) {
      const p = makeCase(T, s, tA, tB);
      gemm(p);
      expectMatches(p);
    }
  });

  it('writes zeros when K = 0 and accepts M = 0', () => {
    const p = makeCase(T, { batch: 2, m: 3, k: 0, n: 5 }, false, false);
    gemm(p);
    expect(Array.from(p.c)).toEqual(new Array(30).fill(0));
    expect(() => gemm(makeCase(T, { batch: 2, m: 0, k: 4, n: 5 }, false, false))).not.toThrow();
  });

  it('allows C to alias A (operands are packed before C is written)', () => {
    const p = makeCase(T, { batch: 1, m: 64, k: 64, n: 64 }, false, true);
    const want = reference(p).c;
    gemm({ ...p, c: p.a });
    const tol = p.a instanceof Float32Array ? 1e-6 : 1e-13;
    expect(Array.from(p.a).every((v, i) => Math.abs(v - want[i]) <= tol * (Math.abs(want[i]) + 1))).toBe(true);
  });
});

describe('gemm pool and helpers', () => {
  it('really runs tasks on a worker when there is more than one core', () => {
    if (availableParallelism() < 2) return;
    const p = makeCase(Float32Array, { batch: 1, m: 256, k: 256, n: 256 }, false, false);
    const before = gemmWorkerTasks();
    // The worker is woken, not waited for: on a loaded machine it may miss a job, never all of them.
    for (let i = 0; i < 200 && gemmWorkerTasks() === before; i++) gemm(p);
    expect(gemmWorkerTasks()).toBeGreaterThan(before);
    expectMatches(p);
  });

  it('restarts lazily after shutdown', () => {
    shutdownGemmPool();
    const p = makeCase(Float64Array, { batch: 2, m: 100, k: 90, n: 80 }, true, false);
    gemm(p);
    expectMatches(p);
  });

  it('rejects mixed dtypes and short arrays', () => {
    const p = makeCase(Float32Array, { batch: 1, m: 4, k: 4, n: 4 }, false, false);
    expect(() => gemm({ ...p, b: new Float64Array(16) })).toThrow(TypeError);
    expect(() => gemm({ ...p, batch: 2 })).toThrow(RangeError);
  });

  it('allocFloat returns zeroed arrays of the right type', () => {
    for (const n of [0, 5, 1 << 20]) {
      const x = allocFloat('float32', n), y = allocFloat('float64', n);
      expect(x).toBeInstanceOf(Float32Array);
      expect(y).toBeInstanceOf(Float64Array);
      expect(x.length).toBe(n);
      expect(y.every((v) => v === 0)).toBe(true);
    }
  });
});
