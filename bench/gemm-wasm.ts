// The Wasm SIMD gemm against the JS gemm and @tensorflow/tfjs-backend-wasm
// (XNNPACK; one thread, as its threaded build does not start in Node), on
// the shapes of bench/gemm.ts: `npx tsx bench/gemm-wasm.ts` prints a table.
// The three run interleaved, round by round, in one process, so load from
// other processes falls on all of them alike and the ratios are of one run.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type * as TF from '@tensorflow/tfjs-core';
import { gemm, setGemmThreads, shutdownGemmPool, warmGemmPool, type GemmArgs } from '../src/kernels/cpu/gemm.js';
import { wasmGemm, wasmGemmKind } from '../src/kernels/cpu/wasm/gemm.js';
import { markdownTable } from '../src/report/markdown.js';
import { CASES, type Case } from './gemm.js';
import { median } from './timing.js';
import { loadTfjs } from './tfjs.js';

export interface WasmGemmRow {
  shape: string;
  /** GFLOP/s; js and wasm on `threads` threads, wasm1 on one, tfjsWasm on one (null when it failed to load). */
  js: number; wasm: number; wasm1: number; tfjsWasm: number | null;
}
export interface WasmGemmBench { threads: number; kernel: string; tfjsError: string | null; rows: WasmGemmRow[] }

type TfWasm = typeof TF & { setWasmPaths(prefix: string): void };

/** tfjs-core with the Wasm backend, its .wasm files read from node_modules; null (with the reason) if it will not start. */
async function loadTfjsWasm(): Promise<{ tf: TfWasm | null; error: string | null }> {
  try {
    const tf = await loadTfjs<TfWasm>("export * from '@tensorflow/tfjs-core'; export { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';");
    const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
    tf.setWasmPaths(`${path.join(path.dirname(pkg), 'dist')}/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('setBackend("wasm") failed');
    await tf.ready();
    return { tf, error: null };
  } catch (e) {
    return { tf: null, error: (e as Error).message.split('\n')[0] };
  }
}

const randomArray = (n: number) => Float32Array.from({ length: n }, () => Math.random() - 0.5);

/** Per contender: a call of the product (C read back), run `reps` times per timed sample. */
function contenders(c: Case, tf: TfWasm | null): Record<'js' | 'wasm' | 'tfjsWasm', (() => void) | null> {
  const aRows = c.transA ? c.k : c.m, aCols = c.transA ? c.m : c.k;
  const bRows = c.transB ? c.n : c.k, bCols = c.transB ? c.k : c.n;
  const p: GemmArgs = {
    a: randomArray(c.batch * c.m * c.k), b: randomArray(c.batch * c.k * c.n), c: new Float32Array(c.batch * c.m * c.n),
    batch: c.batch, m: c.m, k: c.k, n: c.n, transA: !!c.transA, transB: !!c.transB,
    strideA: c.m * c.k, strideB: c.k * c.n, strideC: c.m * c.n,
  };
  let tfCall: (() => void) | null = null;
  if (tf) {
    const shape = (r: number, cols: number) => (c.batch > 1 ? [c.batch, r, cols] : [r, cols]);
    const a = tf.tensor(p.a as Float32Array, shape(aRows, aCols)), b = tf.tensor(p.b as Float32Array, shape(bRows, bCols));
    tfCall = () => tf.tidy(() => { tf.matMul(a, b, !!c.transA, !!c.transB).dataSync(); });
  }
  return { js: () => gemm(p), wasm: () => wasmGemm(p), tfjsWasm: tfCall };
}

/** Median GFLOP/s of each contender over `rounds` interleaved rounds, after ≥ 300 ms of warm-up each. */
function race(c: Case, fns: Record<string, (() => void) | null>, rounds: number): Record<string, number> {
  const flops = 2 * c.batch * c.m * c.k * c.n;
  const reps = Math.max(1, Math.ceil(2e-3 * 20e9 / flops)); // samples of ≥ ~2 ms at Wasm speed
  const live = Object.entries(fns).filter((e): e is [string, () => void] => e[1] !== null);
  const ms: Record<string, number[]> = Object.fromEntries(live.map(([k]) => [k, []]));
  for (const [, f] of live) for (let t0 = performance.now(), i = 0; i < 3 || performance.now() - t0 < 300; i++) f();
  for (let r = 0; r < rounds; r++) {
    for (const [key, f] of live) {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) f();
      ms[key].push((performance.now() - t0) / reps);
    }
  }
  return Object.fromEntries(live.map(([k]) => [k, flops / median(ms[k]) / 1e6]));
}

/** One row per shape of bench/gemm.ts; js, wasm and tfjs-backend-wasm race on all cores, then wasm alone on one. */
export async function benchWasmGemm(rounds = 7): Promise<WasmGemmBench> {
  const threads = availableParallelism();
  const { tf, error } = await loadTfjsWasm();
  const rows: WasmGemmRow[] = [];
  setGemmThreads(threads);
  await warmGemmPool();
  for (const c of CASES) {
    const got = race(c, contenders(c, tf), rounds);
    rows.push({ shape: c.label, js: got.js, wasm: got.wasm, wasm1: 0, tfjsWasm: got.tfjsWasm ?? null });
  }
  setGemmThreads(1);
  CASES.forEach((c, i) => { rows[i].wasm1 = race(c, { wasm: contenders(c, null).wasm }, rounds).wasm; });
  setGemmThreads(threads);
  shutdownGemmPool();
  return { threads, kernel: wasmGemmKind(), tfjsError: error, rows };
}

/** Markdown rows: GFLOP/s and the two ratios the issue asks for. */
export function wasmGemmTable(b: WasmGemmBench): { header: string[]; rows: (string | number)[][] } {
  const tfCol = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));
  return {
    header: ['shape (float32)', `JS gemm, ${b.threads} thr`, `Wasm gemm, ${b.threads} thr`, 'Wasm gemm, 1 thr',
      'tfjs-backend-wasm, 1 thr', 'Wasm / JS', 'Wasm / tfjs-wasm'],
    rows: b.rows.map((r) => [r.shape, r.js.toFixed(2), r.wasm.toFixed(2), r.wasm1.toFixed(2), tfCol(r.tfjsWasm),
      `${(r.wasm / r.js).toFixed(1)}×`, r.tfjsWasm === null ? 'n/a' : `${(r.wasm / r.tfjsWasm).toFixed(2)}×`]),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const b = await benchWasmGemm();
  const t = wasmGemmTable(b);
  console.log(`Wasm kernel: ${b.kernel}${b.tfjsError ? `; tfjs-backend-wasm failed: ${b.tfjsError}` : ''}\n`);
  console.log(markdownTable(t.header, t.rows));
}
