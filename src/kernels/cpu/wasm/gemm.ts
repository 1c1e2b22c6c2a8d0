// The fast float32 matmul of the CPU backend: the packed, tiled, pooled
// structure of ../gemm.ts with the Wasm SIMD micro-kernel of kernel.ts. Float64
// (and any runtime without Wasm SIMD) runs the JS gemm, which stays the
// readable specification this one is tested against.
//
// Operands are packed by the calling thread into one shared WebAssembly.Memory
// that the pool's workers instantiate the same module on; tasks write C into
// that memory, and the caller copies it out. Memory layout of one call (bytes):
//   [0, pb)        packed A, aCount × paLen floats
//   [pb, out)      packed B, bCount × pbLen floats
//   [out, rawA)    C, dense batch × M × N
//   [rawA, rawB)   A as given (copied in whole, then packed by the Wasm packer)
//   [rawB, end)    B as given
import { PARALLEL_FLOPS, checkLength, gemm as jsGemm, type GemmArgs } from '../gemm.js';
import { poolThreads, runPooledWasm, setPoolWasm } from '../gemm-pool.js';
import { assemble } from './wat.js';
import { KU, MAX_PAGES, MB, MR, NB, NR, NV, WASM_TASK_SRC, type WasmJob, gemmWat } from './kernel.js';

/** What the runtime offers: fused multiply-add (relaxed SIMD), plain f32x4 mul + add, or no Wasm SIMD. */
export type WasmSimd = 'relaxed-simd' | 'simd' | 'none';

type Tile = (pa: number, pb: number, c: number, kp: number, ldc: number, rows: number, cols: number) => void;
/** pack<w>(src, rs, cs, rows, k, kp, dst): addresses in bytes, strides in elements (see kernel.ts). */
type Pack = (src: number, rs: number, cs: number, rows: number, k: number, kp: number, dst: number) => void;
/** packRows<w>(src, cs, strips, k, kp, dst): the same for rs = 1, whole strips only. */
type PackRows = (src: number, cs: number, strips: number, k: number, kp: number, dst: number) => void;
type Packer = (src: number, rs: number, cs: number, rows: number, k: number, kp: number, dst: number) => void;
type RunTask = (t: number, job: WasmJob, tile: Tile) => void;
interface Kernel { memory: WebAssembly.Memory; tile: Tile; packA: Packer; packB: Packer; runTask: RunTask; simd: WasmSimd; f32: Float32Array }

/** Tiles shrink (64 → 32 → 16 rows) until each thread has this many, to even out the finish. */
const TASKS_PER_THREAD = 4;
/** Tiny matrices (attention heads) are grouped so that one claimed task does at least this much. */
const MIN_TASK_FLOPS = 1 << 17;
/**
 * Below this many flops a Wasm GEMM stays on the calling thread. The kernel
 * runs 4–8× the JS one's speed, so the futex wake-up that the JS gemm
 * amortises at 1 MFLOP (PARALLEL_FLOPS) needs at least four times the work
 * here. An estimate from that ratio, not a measured crossover: this machine
 * was too loaded by other jobs to time 1 against 2 threads on small products.
 */
export const WASM_PARALLEL_FLOPS = 4 * PARALLEL_FLOPS;

/** Probes the runtime with two one-instruction modules. */
export function detectWasmSimd(): WasmSimd {
  const probe = (op: string, args: number) => WebAssembly.validate(assemble(`(module (func
    (param v128 v128 v128) (result v128) ${[0, 1, 2].slice(0, args).map((i) => `local.get ${i}`).join(' ')} ${op}))`));
  try {
    if (probe('f32x4.relaxed_madd', 3)) return 'relaxed-simd';
    return probe('f32x4.add', 2) ? 'simd' : 'none';
  } catch {
    return 'none'; // no WebAssembly at all
  }
}

let kernel: Kernel | null | undefined; // undefined: not loaded yet; null: unavailable

/** Compiles the kernel on first use; null (after one line on stderr) where Wasm SIMD is missing. */
function load(): Kernel | null {
  if (kernel !== undefined) return kernel;
  const simd = detectWasmSimd();
  if (simd === 'none') {
    process.stderr.write('heterograd: this runtime has no WebAssembly SIMD; float32 matmul uses the JavaScript gemm\n');
    return (kernel = null);
  }
  const module = new WebAssembly.Module(assemble(gemmWat({ mr: MR, nv: NV, ku: KU, fma: simd === 'relaxed-simd' })));
  const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const packer = (w: number): Packer => {
    const pack = exports[`pack${w}`] as Pack, packRows = exports[`packRows${w}`] as PackRows;
    return (src, rs, cs, rows, k, kp, dst) => {
      if (rs !== 1) return pack(src, rs, cs, rows, k, kp, dst);
      // Whole strips read in order as vectors; a ragged last strip goes element by element (it needs zero rows).
      const full = Math.floor(rows / w);
      packRows(src, cs, full, k, kp, dst);
      if (rows > full * w) pack(src + 4 * full * w, 1, cs, rows - full * w, k, kp, dst + 4 * full * w * kp);
    };
  };
  const [tile, packA, packB] = [exports.tile as Tile, packer(MR), packer(NR)];
  const runTask = new Function(`${WASM_TASK_SRC}\nreturn runWasmTask;`)() as RunTask;
  setPoolWasm(module, memory);
  return (kernel = { memory, tile, packA, packB, runTask, simd, f32: new Float32Array(memory.buffer) });
}

/** Which kernel float32 matmuls run: the Wasm variant, or 'none' when they fall back to JS. */
export function wasmGemmKind(): WasmSimd {
  return load()?.simd ?? 'none';
}

/** Test hook: forget the loaded kernel so the next call probes the runtime again. */
export function resetWasmGemm(): void {
  kernel = undefined;
}

/** Grows the memory to hold `bytes`; false past MAX_PAGES (the caller then uses the JS gemm). */
function reserve(w: Kernel, bytes: number): boolean {
  const pages = Math.ceil(bytes / 65536), have = w.memory.buffer.byteLength / 65536;
  if (pages > MAX_PAGES) return false;
  if (pages > have) w.memory.grow(Math.min(MAX_PAGES, Math.max(pages, Math.ceil(have * 1.5))) - have);
  if (w.f32.length * 4 !== w.memory.buffer.byteLength) w.f32 = new Float32Array(w.memory.buffer);
  return true;
}

/**
 * C[b] = op(A[b]) · op(B[b]) with the contract of the JS gemm (see ../gemm.ts):
 * batch strides in elements, 0 broadcasts; a, b and c may alias. Float32 runs
 * the Wasm kernel; float64, or a runtime without Wasm SIMD, runs the JS gemm.
 */
export function wasmGemm(p: GemmArgs): void {
  const { a, b, c, batch, m, k, n, transA, transB } = p;
  // The JS gemm takes float64, and rejects mixed dtypes.
  if (!(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) return jsGemm(p);
  const w = load();
  if (!w) return jsGemm(p);
  if (batch <= 0 || m <= 0 || n <= 0) return;
  const aCount = p.strideA === 0 ? 1 : batch, bCount = p.strideB === 0 ? 1 : batch;
  checkLength('a', a, aCount, p.strideA, m * k);
  checkLength('b', b, bCount, p.strideB, k * n);
  checkLength('c', c, batch, p.strideC, m * n);

  const kp = Math.max(KU, Math.ceil(k / KU) * KU);
  const paLen = Math.ceil(m / MR) * MR * kp, pbLen = Math.ceil(n / NR) * NR * kp;
  const aSpan = (aCount - 1) * p.strideA + m * k, bSpan = (bCount - 1) * p.strideB + k * n;
  const pb = 4 * aCount * paLen, out = pb + 4 * bCount * pbLen, rawA = out + 4 * batch * m * n, rawB = rawA + 4 * aSpan;
  if (!reserve(w, rawB + 4 * bSpan)) return jsGemm(p);
  w.f32.set(a.subarray(0, aSpan), rawA / 4);
  w.f32.set(b.subarray(0, bSpan), rawB / 4);
  // op(A) is M×K with element (i, q) at a[i·K + q], or a[q·M + i] when transposed;
  // op(B)ᵀ is N×K with (j, q) at b[q·N + j], or b[j·K + q] when transposed.
  for (let i = 0; i < aCount; i++) w.packA(rawA + 4 * i * p.strideA, transA ? 1 : k, transA ? m : 1, m, k, kp, 4 * i * paLen);
  for (let i = 0; i < bCount; i++) w.packB(rawB + 4 * i * p.strideB, transB ? k : 1, transB ? 1 : n, n, k, kp, pb + 4 * i * pbLen);

  const threads = poolThreads(), flops = 2 * batch * m * n * k;
  let threaded = threads > 1 && flops >= WASM_PARALLEL_FLOPS;
  let mb = MB;
  while (threaded && mb > 4 * MR && batch * Math.ceil(m / mb) * Math.ceil(n / NB) < TASKS_PER_THREAD * threads) mb /= 2;
  const mBlocks = Math.ceil(m / mb), nBlocks = Math.ceil(n / NB);
  const group = Math.max(1, Math.min(batch, Math.floor(MIN_TASK_FLOPS * batch * mBlocks * nBlocks / flops)));
  const nTasks = Math.ceil(batch / group) * mBlocks * nBlocks;
  const job: WasmJob = {
    batch, m, n, kp, mb, mBlocks, nBlocks, group,
    paBase: 0, pbBase: pb, paStride: aCount > 1 ? 4 * paLen : 0, pbStride: bCount > 1 ? 4 * pbLen : 0, outBase: out,
  };
  const { tile, runTask } = w;
  if (threaded && nTasks > 1) runPooledWasm(job, nTasks, (t) => runTask(t, job, tile));
  else for (let t = 0; t < nTasks; t++) runTask(t, job, tile);

  const mn = m * n, o = out / 4;
  if (p.strideC === mn) c.set(w.f32.subarray(o, o + batch * mn));
  else for (let i = 0; i < batch; i++) c.set(w.f32.subarray(o + i * mn, o + (i + 1) * mn), i * p.strideC);
}
