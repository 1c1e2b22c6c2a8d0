// GEMM throughput on this machine: `npx tsx bench/gemm.ts` prints a markdown table.
// Shapes are M×K×N (C is M×N); Aᵀ/Bᵀ mark a transposed operand. Medians of ≥5 runs,
// after ≥ 300 ms of warm-up, with the worker pool started beforehand so start-up is not timed.
import { pathToFileURL } from 'node:url';
import { gemm, setGemmThreads, shutdownGemmPool, warmGemmPool, type GemmArgs } from '../src/kernels/cpu/gemm.js';
import { availableParallelism } from 'node:os';
import { median, timeIt } from './timing.js';

export interface GemmBenchRow { shape: string; threads: number; gflops: number; ms: number }

export interface Case { label: string; batch: number; m: number; k: number; n: number; transA?: boolean; transB?: boolean }

/** Square sizes and the Transformer's matmul shapes (d 64, B·T 512, 4 heads of 16). */
export const CASES: Case[] = [
  ...[128, 256, 512, 1024].map((s) => ({ label: `${s}×${s}×${s}`, batch: 1, m: s, k: s, n: s })),
  { label: '512×64×64 (attn out-proj, B·T=512)', batch: 1, m: 512, k: 64, n: 64 },
  { label: '512×64×192 (qkv-proj)', batch: 1, m: 512, k: 64, n: 192 },
  { label: '64×512×192, Aᵀ (qkv weight grad)', batch: 1, m: 64, k: 512, n: 192, transA: true },
  { label: '128 × 16×16×16, Bᵀ (attn scores)', batch: 128, m: 16, k: 16, n: 16, transB: true },
];

function randomArray(n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.random() - 0.5;
  return x;
}

/** Median milliseconds of `runs` calls, after ≥ 3 untimed ones and ≥ `warmMs` of them (JIT tier-up). */
const medianMs = (fn: () => void, runs: number, warmMs: number): number => median(timeIt(fn, runs, 3, warmMs));

/** Enough repetitions that each timed sample lasts ≥ ~2 ms, so timer resolution does not matter. */
function timeCase(c: Case): { ms: number; gflops: number } {
  const p: GemmArgs = {
    a: randomArray(c.batch * c.m * c.k), b: randomArray(c.batch * c.k * c.n), c: new Float32Array(c.batch * c.m * c.n),
    batch: c.batch, m: c.m, k: c.k, n: c.n, transA: !!c.transA, transB: !!c.transB,
    strideA: c.m * c.k, strideB: c.k * c.n, strideC: c.m * c.n,
  };
  const flops = 2 * c.batch * c.m * c.k * c.n;
  const reps = Math.max(1, Math.ceil(2e-3 * 5e9 / flops));
  const ms = medianMs(() => { for (let r = 0; r < reps; r++) gemm(p); }, 7, 300) / reps;
  return { ms, gflops: flops / ms / 1e6 };
}

/** The baseline: C = A·B with the textbook i-j-k loop over Float32Arrays. */
function naiveGemm(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
  }
}

/** Rows for each case on 1 thread and on all cores, plus the naive loop at 256. */
export async function benchGemm(): Promise<GemmBenchRow[]> {
  const rows: GemmBenchRow[] = [];
  const s = 256;
  const a = randomArray(s * s), b = randomArray(s * s), c = new Float32Array(s * s);
  const naiveMs = medianMs(() => naiveGemm(a, b, c, s, s, s), 5, 0);
  rows.push({ shape: `naive i-j-k loop, ${s}×${s}×${s}`, threads: 1, ms: naiveMs, gflops: 2 * s ** 3 / naiveMs / 1e6 });
  const cores = availableParallelism();
  for (const threads of cores > 1 ? [1, cores] : [1]) {
    setGemmThreads(threads);
    await warmGemmPool();
    for (const cs of CASES) rows.push({ shape: cs.label, threads, ...timeCase(cs) });
  }
  setGemmThreads(cores);
  shutdownGemmPool();
  return rows;
}

function printTable(rows: GemmBenchRow[]): void {
  const base = rows[0].gflops;
  console.log('| shape (M×K×N, float32) | threads | GFLOP/s | ms | × naive |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.shape} | ${r.threads} | ${r.gflops.toFixed(2)} | ${r.ms.toFixed(3)} | ${(r.gflops / base).toFixed(1)} |`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printTable(await benchGemm());
}
