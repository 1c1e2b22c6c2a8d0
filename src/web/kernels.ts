/**
 * The kernel page's catalog: each WGSL kernel with its source, how to check
 * it against the CPU backend, and what to time. Runs on any pair of
 * backends (the page's worker uses the browser's WebGPU), like
 * bench/kernels-webgpu.ts but sized for a visitor's patience.
 */
import type { WebGpuBackend } from '../kernels/webgpu/backend.js';
import type { MatmulChoice } from '../kernels/webgpu/launch/matmul.js';
import { pickMatmul } from '../kernels/webgpu/launch/matmul.js';
import { MATMUL_KERNELS } from '../kernels/webgpu/wgsl/matmul/index.js';
import { layernormWgsl } from '../kernels/webgpu/wgsl/layernorm.js';
import { reduceSerialWgsl } from '../kernels/webgpu/wgsl/reduce_serial.js';
import { reduceTreeWgsl } from '../kernels/webgpu/wgsl/reduce_tree.js';
import { softmaxWgsl } from '../kernels/webgpu/wgsl/softmax.js';
import * as hg from '../tensor/index.js';
import { makeRng } from '../util/rng.js';

type Tensor = hg.Tensor;

/** One correctness case: inputs by shape, and the op on them. */
interface Case {
  label: string;
  inputs: number[][];
  f: (xs: Tensor[]) => Tensor;
  /** Matmuls: (M, N, K) as the host sees them (A's batches stacked into rows), to name the kernel that ran. */
  mnk?: [number, number, number];
}

/** One timed shape: the work per run (flops or bytes read + written). */
interface Timed extends Case {
  unit: 'GFLOP/s' | 'GB/s';
  work: number;
}

export interface KernelEntry {
  /** Matmul file name, or softmax / layernorm / reduce_serial / reduce_tree. */
  id: string;
  /** Which README note explains it. */
  note: string;
  source: () => string;
  checks: Case[];
  bench: (test: boolean) => Timed[];
  /** Set the backend up to run this kernel (the matmul choice). */
  select?: (gpu: WebGpuBackend) => void;
}

const mm = (transA = false, transB = false) => (xs: Tensor[]) => hg.matmul(xs[0], xs[1], { transA, transB });

/** Shapes that are multiples of 4 (so 04 and 05 run themselves) but not of any tile: edges are exercised. */
const MATMUL_CHECKS: Case[] = [
  { label: '(68×36)·(36×52)', inputs: [[68, 36], [36, 52]], f: mm(), mnk: [68, 52, 36] },
  { label: '(36×68)ᵀ·(36×52)', inputs: [[36, 68], [36, 52]], f: mm(true), mnk: [68, 52, 36] },
  { label: '(68×36)·(52×36)ᵀ', inputs: [[68, 36], [52, 36]], f: mm(false, true), mnk: [68, 52, 36] },
  { label: '(3, 20×16)·(3, 16×24)', inputs: [[3, 20, 16], [3, 16, 24]], f: mm(), mnk: [20, 24, 16] },
  { label: '(37×29)·(29×45), off multiples of 4', inputs: [[37, 29], [29, 45]], f: mm(), mnk: [37, 45, 29] },
];

const matmulEntry = (name: string): KernelEntry => ({
  id: name,
  note: name,
  source: () => MATMUL_KERNELS.find((k) => k.name === name)!.wgsl(),
  checks: MATMUL_CHECKS,
  bench: (test) => (test ? [64] : [128, 256, 512, 1024]).map((s) => ({
    label: `${s}×${s}·${s}×${s}`, inputs: [[s, s], [s, s]], f: mm(), unit: 'GFLOP/s', work: 2 * s ** 3,
  })),
  select: (gpu) => { gpu.matmulKernel = name as MatmulChoice; },
});

/** (rows, n) row kernels: read once, write once. */
const rowsBench = (f: (x: Tensor) => Tensor) => (test: boolean): Timed[] =>
  (test ? [[64, 64]] : [[2048, 16], [512, 65], [64, 4096], [4096, 1024]]).map(([r, n]) => ({
    label: `(${r}, ${n})`, inputs: [[r, n]], f: (xs: Tensor[]) => f(xs[0]), unit: 'GB/s', work: 8 * r * n,
  }));

export const KERNELS: readonly KernelEntry[] = [
  ...MATMUL_KERNELS.map((k) => matmulEntry(k.name)),
  {
    id: 'softmax', note: 'softmax', source: softmaxWgsl,
    checks: [
      { label: '(37, 53)', inputs: [[37, 53]], f: (xs) => hg.softmax(xs[0]) },
      { label: '(5, 3000)', inputs: [[5, 3000]], f: (xs) => hg.softmax(xs[0]) },
    ],
    bench: rowsBench((x) => hg.softmax(x)),
  },
  {
    id: 'layernorm', note: 'layernorm', source: layernormWgsl,
    checks: [
      { label: '(37, 53)', inputs: [[37, 53]], f: (xs) => hg.layernorm(xs[0]) },
      { label: '(5, 3000)', inputs: [[5, 3000]], f: (xs) => hg.layernorm(xs[0]) },
    ],
    bench: rowsBench((x) => hg.layernorm(x)),
  },
  {
    id: 'reduce_serial', note: 'reduce', source: () => reduceSerialWgsl('sum', 'float32', 1, 1),
    checks: [
      { label: 'sum (300, 7) → (300,)', inputs: [[300, 7]], f: (xs) => hg.sum(xs[0], 1) },
      { label: 'max (9, 11, 13) → (9, 13)', inputs: [[9, 11, 13]], f: (xs) => hg.max(xs[0], 1) },
    ],
    bench: (test) => (test ? [[4096, 16]] : [[65536, 16], [4096, 256]]).map(([r, n]) => ({
      label: `sum (${r}, ${n}) → (${r},)`, inputs: [[r, n]], f: (xs: Tensor[]) => hg.sum(xs[0], 1), unit: 'GB/s', work: 4 * r * n + 4 * r,
    })),
  },
  {
    id: 'reduce_tree', note: 'reduce', source: () => reduceTreeWgsl('sum', 'float32', 0, 1),
    checks: [
      { label: 'sum (100003,) → ()', inputs: [[100003]], f: (xs) => hg.sum(xs[0]) },
      { label: 'max (3, 5000) → (3,)', inputs: [[3, 5000]], f: (xs) => hg.max(xs[0], 1) },
    ],
    bench: (test) => (test ? [1 << 14] : [1 << 18, 1 << 20, 1 << 22]).map((n) => ({
      label: `sum (${n},) → ()`, inputs: [[n]], f: (xs: Tensor[]) => hg.sum(xs[0]), unit: 'GB/s', work: 4 * n,
    })),
  },
];

/** Seeded inputs in [-1, 1), the same on both backends. */
function inputs(shapes: number[][], seed: number): Float32Array[] {
  const rng = makeRng(seed);
  return shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => 2 * rng.uniform() - 1));
}

/** `f` on `data` (with `shapes`) under `backend`; the result read back. */
async function runOn(backend: hg.Backend, shapes: number[][], data: Float32Array[], f: (xs: Tensor[]) => Tensor): Promise<Float32Array> {
  const before = hg.getBackend();
  hg.setBackend(backend);
  try {
    const xs = data.map((d, i) => hg.tensor(d, shapes[i]));
    const y = f(xs);
    const out = Float32Array.from(await y.data());
    hg.dispose([...xs, y]);
    return out;
  } finally {
    hg.setBackend(before);
  }
}

export interface CheckResult {
  kernel: string;
  label: string;
  /** Which kernel actually ran (a matmul that cannot take a shape gives way to 03_register). */
  ran: string;
  /** max |gpu − cpu| / (1 + |cpu|) over the output. */
  error: number;
  tol: number;
  ok: boolean;
}

/** Float32 on both sides, different summation orders: agreement to a few ulps of the sums. */
const TOL = 1e-4;

/** Every check of `k`: the GPU's result against the CPU backend's on the same seeded inputs. */
export async function checkKernel(k: KernelEntry, gpu: WebGpuBackend, cpu: hg.Backend): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const [i, c] of k.checks.entries()) {
    const data = inputs(c.inputs, 1000 + i);
    k.select?.(gpu);
    const got = await runOn(gpu, c.inputs, data, c.f);
    gpu.matmulKernel = 'auto';
    const want = await runOn(cpu, c.inputs, data, c.f);
    let error = got.length === want.length ? 0 : Infinity;
    for (let j = 0; j < want.length && error !== Infinity; j++) {
      const e = Math.abs(got[j] - want[j]) / (1 + Math.abs(want[j]));
      error = Number.isNaN(e) ? Infinity : Math.max(error, e);
    }
    const ran = c.mnk ? pickMatmul(k.id as MatmulChoice, ...c.mnk).name : k.id;
    out.push({ kernel: k.id, label: c.label, ran, error, tol: TOL, ok: error <= TOL });
  }
  return out;
}

export interface BenchRow {
  kernel: string;
  shape: string;
  /** Median ms per run over the samples. */
  ms: number;
  rate: number;
  unit: 'GFLOP/s' | 'GB/s';
  reps: number;
}

export interface BenchOptions {
  /** Timed samples per row (the median is reported). */
  samples: number;
  /** A sample queues runs until it lasts this long, so the wait for the GPU is a small share. */
  sampleMs: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Median ms per run of one timed case on `gpu` (the method of bench/kernels-webgpu.ts's timeGpu). */
export async function benchCase(k: KernelEntry, c: Timed, gpu: WebGpuBackend, o: BenchOptions): Promise<BenchRow> {
  hg.setBackend(gpu);
  k.select?.(gpu);
  const xs = inputs(c.inputs, 7).map((d, i) => hg.keep(hg.tensor(d, c.inputs[i])));
  try {
    const sample = async (reps: number) => {
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) hg.tidy(() => { c.f(xs); });
      await gpu.sync();
      return performance.now() - t0;
    };
    await sample(1); // compiles the pipeline
    let reps = 1;
    let t = await sample(1);
    while (t < o.sampleMs && reps < 1 << 12) {
      reps *= Math.min(64, Math.max(2, Math.ceil(o.sampleMs / Math.max(t, 1e-3))));
      t = await sample(reps);
    }
    const times: number[] = [];
    for (let s = 0; s < o.samples; s++) times.push((await sample(reps)) / reps);
    const ms = median(times);
    return { kernel: k.id, shape: c.label, ms, rate: c.work / ms / 1e6, unit: c.unit, reps };
  } finally {
    hg.dispose(xs);
    gpu.matmulKernel = 'auto';
  }
}
