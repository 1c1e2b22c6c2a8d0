// CPU matrix multiply for every matmul of the CPU backend (forward, backward,
// HVP). Plain JavaScript: operands are packed into float64 panels, a 3×4
// register-tiled micro-kernel does the arithmetic (see gemm-kernel.ts for why),
// and problems big enough to amortise a wake-up are split into tiles shared
// between the calling thread and a pool of worker_threads (gemm-pool.ts).
import { MB, MR, NB, NR, loadKernel, type GemmJob } from './gemm-kernel.js';
import type { GemmArgs } from './matmul.js';
import { poolThreads, runPooled, scratch, setPoolThreads, shutdownPool, startPoolAndWait, workerTaskCount } from './gemm-pool.js';

export type FloatArray = Float32Array | Float64Array;

export type { GemmArgs } from './matmul.js';

/**
 * Below this many flops (2·batch·M·N·K) a GEMM runs on the calling thread only.
 * Waking a sleeping worker costs a 15–40 µs futex round trip on a 2-vCPU VM, and
 * the caller then waits for the worker's last tile. Measured (2 vCPUs, 1 vs 2
 * threads): 64³ = 0.5 MFLOP is 0–15% faster threaded, inside the noise of a
 * shared machine; 128×64×64 = 1 MFLOP is ~30% faster; 128³ ~35–40%.
 */
export const PARALLEL_FLOPS = 1 << 20;
/** Tiles shrink (48 → 24 → 12 rows) until each thread has this many, to even out the finish. */
const TASKS_PER_THREAD = 4;
/** Tiny matrices (attention heads) are grouped so that one claimed task does at least this much. */
const MIN_TASK_FLOPS = 1 << 16;

const runTask = loadKernel();
const acc = new Float64Array(MB * NB); // the calling thread's tile accumulator

/**
 * C[b] = op(A[b]) · op(B[b]) for b < batch; op(X) = Xᵀ when the trans flag is set.
 * A[b] is (M×K) row-major, or (K×M) when transA; B[b] is (K×N), or (N×K) when transB; C[b] is (M×N).
 * Batch strides are in elements; a stride of 0 broadcasts that operand across the batch. C is overwritten.
 * a, b and c may alias: both operands are packed before C is written.
 */
export function gemm(p: GemmArgs): void {
  const { a, b, c, batch, m, k, n, transA, transB } = p;
  if (a.constructor !== c.constructor || b.constructor !== c.constructor) {
    throw new TypeError('gemm: a, b and c must all be Float32Array or all Float64Array');
  }
  if (batch <= 0 || m <= 0 || n <= 0) return;
  const aCount = p.strideA === 0 ? 1 : batch, bCount = p.strideB === 0 ? 1 : batch;
  checkLength('a', a, aCount, p.strideA, m * k);
  checkLength('b', b, bCount, p.strideB, k * n);
  checkLength('c', c, batch, p.strideC, m * n);

  const paLen = Math.ceil(m / MR) * MR * k, pbLen = Math.ceil(n / NR) * NR * k;
  const threads = poolThreads(), flops = 2 * batch * m * n * k;
  let threaded = threads > 1 && flops >= PARALLEL_FLOPS;
  let mb = MB;
  while (threaded && mb > 4 * MR && batch * Math.ceil(m / mb) * Math.ceil(n / NB) < TASKS_PER_THREAD * threads) mb /= 2;
  const mBlocks = Math.ceil(m / mb), nBlocks = Math.ceil(n / NB);
  const group = Math.max(1, Math.min(batch, Math.floor(MIN_TASK_FLOPS * batch * mBlocks * nBlocks / flops)));
  const nTasks = Math.ceil(batch / group) * mBlocks * nBlocks;
  threaded &&= nTasks > 1;
  const isF64 = c instanceof Float64Array;
  const s = scratch(paLen * aCount, pbLen * bCount, threaded ? batch * m * n * (isF64 ? 8 : 4) : 0);

  // op(A) is M×K with element (i, p) at a[i·K + p], or a[p·M + i] when transposed;
  // op(B)ᵀ is N×K with (j, p) at b[p·N + j], or b[j·K + p] when transposed.
  for (let i = 0; i < aCount; i++) {
    packStrips(a, i * p.strideA, transA ? 1 : k, transA ? m : 1, m, k, MR, s.pa, i * paLen);
  }
  for (let i = 0; i < bCount; i++) {
    packStrips(b, i * p.strideB, transB ? k : 1, transB ? 1 : n, n, k, NR, s.pb, i * pbLen);
  }
  const job: GemmJob = {
    batch, m, k, n, mb, mBlocks, nBlocks, group,
    paStride: aCount > 1 ? paLen : 0, pbStride: bCount > 1 ? pbLen : 0,
    outStride: threaded ? m * n : p.strideC,
  };
  if (!threaded) {
    for (let t = 0; t < nTasks; t++) runTask(t, job, s.pa, s.pb, acc, c);
    return;
  }
  // Workers cannot see c (it may not be shared memory): every thread writes
  // into shared scratch laid out as batch × M × N, copied back below.
  const out = isF64 ? new Float64Array(s.out, 0, batch * m * n) : new Float32Array(s.out, 0, batch * m * n);
  runPooled(job, nTasks, isF64, (t) => runTask(t, job, s.pa, s.pb, acc, out));
  const mn = m * n;
  if (p.strideC === mn) c.set(out);
  else for (let i = 0; i < batch; i++) c.set(out.subarray(i * mn, (i + 1) * mn), i * p.strideC);
}

/**
 * Packs the rows of a rows×k matrix X, element (i, p) at x[off + i·rs + p·cs],
 * into strips of w rows stored k-major: dst[dOff + s·k·w + p·w + r] = X[s·w + r, p],
 * zero for rows past the end so every micro-kernel tile is full.
 */
function packStrips(
  x: FloatArray, off: number, rs: number, cs: number, rows: number, k: number,
  w: number, dst: Float64Array, dOff: number,
): void {
  const strips = Math.ceil(rows / w);
  for (let s = 0; s < strips; s++) {
    const base = dOff + s * k * w;
    for (let r = 0; r < w; r++) {
      const i = s * w + r;
      if (i >= rows) {
        for (let q = 0; q < k; q++) dst[base + q * w + r] = 0;
        continue;
      }
      const src = off + i * rs;
      for (let q = 0; q < k; q++) dst[base + q * w + r] = x[src + q * cs];
    }
  }
}

/** Throws a RangeError naming the operand when it is too short for `count` batches `stride` apart. */
export function checkLength(name: string, x: FloatArray, count: number, stride: number, size: number): void {
  const need = (count - 1) * stride + size;
  if (x.length < need) throw new RangeError(`gemm: ${name} has ${x.length} elements, needs ${need}`);
}

/**
 * Allocates zeroed storage for the CPU backend. Always an ordinary ArrayBuffer:
 * SharedArrayBuffer storage was measured not to pay. gemm packs every operand
 * on the calling thread anyway (packing is what makes the kernel fast), so
 * workers never need to read A or B; sharing C would only save the copy back
 * from scratch, 0.07 ms of 21 ms at 512³ and 0.005 of 0.4 ms at 512×64×64
 * (≤ 1.5%), while each new shared C would have to be posted to the workers.
 * Shared inputs would start to pay if packing moved onto the workers (packing
 * is 2–4% of a 512³ or 1024³ multiply, ~12% of 512×64×64); this is the one
 * place to switch if that is ever done.
 */
export function allocFloat(dtype: 'float32' | 'float64', n: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/** Shut the worker pool down (tests and CLI exit cleanly); the pool restarts lazily on next use. */
export function shutdownGemmPool(): void {
  shutdownPool();
}

/** Threads (caller included) a large GEMM may use; 1 disables the pool. Defaults to the core count. */
export function setGemmThreads(n: number): void {
  setPoolThreads(n);
}

/** Starts the pool now and resolves once its workers are running (so benchmarks exclude start-up). */
export function warmGemmPool(): Promise<void> {
  return startPoolAndWait();
}

/** Diagnostics: tasks run by workers since the pool last started. */
export function gemmWorkerTasks(): number {
  return workerTaskCount();
}

