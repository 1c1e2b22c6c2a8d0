/**
 * WGSL kernel throughput:
 *   `npx tsx bench/kernels-webgpu.ts [--json] [--write-readme] [--quick] [--max-run-s S] [--only GROUPS] [--from-json FILE]`
 *
 * Every matmul of the progression at 256…4096 (sizes whose single run would
 * exceed --max-run-s are skipped and listed as such; a size is not even tried
 * when the size below, scaled by the cube, predicts that), Transformer-shaped
 * matmuls, the row kernels, elementwise and reduction bandwidth (also at
 * bandwidth scale: 64 MB each way, where dispatch overhead no longer hides
 * the memory system), the
 * fixed cost of one small dispatch with and without a readback, and the fixed
 * latency of `sync()` (waiting for an empty or nearly empty queue). Each row is
 * the median of ≥ 5 timed samples after a warm-up that compiles the pipeline;
 * a sample queues `reps` runs, each in its own `tidy`, and waits for the GPU
 * once (queue.onSubmittedWorkDone). `reps` grows until a sample lasts ≥ 200 ms
 * (never past --max-run-s), so that wait is a small share of per run = sample / reps.
 * `--only g1,g2` runs some groups: matmul, matmulN (one size, e.g. matmul4096),
 * transformer, memory, fixed.
 * `--write-readme` puts the table into src/kernels/README.md between the
 * bench:webgpu markers, one table per device (a run on another device adds
 * its own table and leaves the others); `--from-json` renders rows measured
 * elsewhere (the `--json` output of a run on a GPU machine) instead of measuring.
 */
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import * as hg from '../src/index.js';
import type { Tensor } from '../src/index.js';
import type { WebGpuBackend } from '../src/kernels/webgpu/backend.js';
import { selectBackend } from '../src/kernels/webgpu/device.js';
import type { MatmulChoice } from '../src/kernels/webgpu/launch/matmul.js';
import { MATMUL_KERNELS } from '../src/kernels/webgpu/wgsl/matmul/index.js';
import { median } from './timing.js';

export interface KernelRow {
  kernel: string;
  shape: string;
  /** Median milliseconds per run; null when skipped. */
  ms: number | null;
  /** GFLOP/s for matmuls, GB/s for memory-bound kernels. */
  rate: number | null;
  unit: 'GFLOP/s' | 'GB/s' | '';
  device: string;
  note?: string;
  /** Runs queued per timed sample. */
  reps?: number;
}

export interface BenchOptions {
  /** Timed samples per row (≥ 5). */
  samples?: number;
  /** Skip a case whose single run is estimated above this many seconds. */
  maxRunS?: number;
  /**
   * Groups to run (all when absent): `matmul` (the progression), `matmulN`
   * (the progression at N×N only, e.g. `matmul4096`), `transformer`,
   * `memory`, `fixed` (dispatch and sync costs).
   */
  only?: string[];
  /** Progress lines (stderr by default). */
  log?: (line: string) => void;
}

const rand = (shape: number[]): Tensor => {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = Math.random() - 0.5;
  return hg.keep(hg.tensor(data, shape));
};

/** GPU time one sample should queue, so the fixed wait for completion is a small part of it. */
const SAMPLE_MS = 200;
const MAX_REPS = 1 << 14;

/**
 * Median ms of one run of `f`. Each sample queues `reps` runs, each in its
 * own `tidy` (the output is freed at once and its buffer recycled), then waits
 * for the GPU once; per run = sample time / reps. `reps` is doubled (or scaled
 * up) until one sample lasts ≥ SAMPLE_MS, so the fixed cost of the wait
 * (onSubmittedWorkDone, polled by Dawn in Node) is amortized instead of being
 * most of the number; a sample never grows past `maxRunS` unless one run does.
 */
async function timeGpu(gpu: WebGpuBackend, f: () => Tensor, samples: number, maxRunS: number): Promise<{ ms: number | null; est: number; reps: number }> {
  const sample = async (reps: number) => {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) hg.tidy(() => { f(); });
    await gpu.sync();
    return performance.now() - t0;
  };
  await sample(1); // compiles the pipeline
  const est = await sample(1);
  if (est > maxRunS * 1000) return { ms: null, est, reps: 1 };
  const budget = Math.max(est, maxRunS * 1000);
  let reps = 1;
  let t = est;
  while (t < SAMPLE_MS && reps < MAX_REPS) {
    // t includes the fixed wait, so t / reps overestimates a run: scaling by SAMPLE_MS / t undershoots, never overshoots.
    const next = Math.min(MAX_REPS, reps * Math.min(64, Math.max(2, Math.ceil(SAMPLE_MS / Math.max(t, 1e-3)))));
    if ((t / reps) * next > budget) break;
    reps = next;
    t = await sample(reps);
  }
  const times: number[] = [];
  for (let s = 0; s < samples; s++) times.push((await sample(reps)) / reps);
  return { ms: median(times), est, reps };
}

/** Median ms of `gpu.sync()` alone: after an empty queue, or after one tiny dispatch. */
async function syncLatency(gpu: WebGpuBackend, before: () => void, n = 50): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n + 5; i++) {
    hg.tidy(before);
    const t0 = performance.now();
    await gpu.sync();
    if (i >= 5) times.push(performance.now() - t0);
  }
  return median(times);
}

interface MatmulCase { label: string; a: number[]; b: number[]; transA?: boolean; transB?: boolean }

const flopsOf = (c: MatmulCase): number => {
  const m = c.transA ? c.a[c.a.length - 1] : c.a[c.a.length - 2];
  const k = c.transA ? c.a[c.a.length - 2] : c.a[c.a.length - 1];
  const n = c.transB ? c.b[c.b.length - 2] : c.b[c.b.length - 1];
  const batch = Math.max(c.a.slice(0, -2).reduce((x, y) => x * y, 1), c.b.slice(0, -2).reduce((x, y) => x * y, 1));
  return 2 * batch * m * n * k;
};

/** B = 32, T = 16, d = 64, 4 heads, MLP 4d, vocabulary 65: the reference Transformer's matmuls. */
const TRANSFORMER: MatmulCase[] = [
  { label: 'qkv projection (512×64)·(64×192)', a: [512, 64], b: [64, 192] },
  { label: 'attention scores (128, 16×16)·(16×16)ᵀ', a: [128, 16, 16], b: [128, 16, 16], transB: true },
  { label: 'attention·V (128, 16×16)·(16×16)', a: [128, 16, 16], b: [128, 16, 16] },
  { label: 'MLP up (512×64)·(64×256)', a: [512, 64], b: [64, 256] },
  { label: 'MLP down (512×256)·(256×64)', a: [512, 256], b: [256, 64] },
  { label: 'LM head (512×64)·(64×65)', a: [512, 64], b: [64, 65] },
  { label: 'weight grad (512×64)ᵀ·(512×192)', a: [512, 64], b: [512, 192], transA: true },
];

export async function benchWebGpuKernels(opts: BenchOptions = {}): Promise<KernelRow[]> {
  const samples = Math.max(5, opts.samples ?? 5);
  const maxRunS = opts.maxRunS ?? 4;
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const gpu = (await selectBackend('webgpu', { log })) as WebGpuBackend;
  hg.setBackend(gpu);
  const device = gpu.device;
  const only = opts.only?.length ? opts.only : null;
  const want = (group: string) => !only || only.includes(group);
  const rows: KernelRow[] = [];
  const push = (r: Omit<KernelRow, 'device'>) => {
    rows.push({ ...r, device });
    log(`${r.kernel.padEnd(24)} ${r.shape.padEnd(44)} ${r.ms === null ? r.note : `${r.ms.toFixed(3)} ms  ${r.rate === null ? '' : `${r.rate.toFixed(2)} ${r.unit}`}`}`);
  };

  /** Time `f` and push its row; `work` is flops or bytes per run (either / ms / 1e6 is G…/s). */
  const measure = async (kernel: string, shape: string, unit: 'GFLOP/s' | 'GB/s', work: number, f: () => Tensor) => {
    const { ms, est, reps } = await timeGpu(gpu, f, samples, maxRunS);
    const note = ms === null ? `skipped: one run takes ~${(est / 1000).toFixed(1)} s here` : undefined;
    push({ kernel, shape, ms, rate: ms && work / ms / 1e6, unit, note, reps });
    return ms;
  };

  const matmul = async (kernel: MatmulChoice, c: MatmulCase) => {
    gpu.matmulKernel = kernel;
    const [a, b] = [rand(c.a), rand(c.b)];
    const ms = await measure(`matmul ${kernel}`, c.label, 'GFLOP/s', flopsOf(c), () => hg.matmul(a, b, { transA: c.transA, transB: c.transB }));
    hg.dispose([a, b]);
    return ms;
  };

  for (const k of MATMUL_KERNELS) {
    let prev: number | null = 0; // ms of the size below (0: none yet, null: skipped)
    for (const s of [256, 512, 1024, 2048, 4096]) {
      if (!want('matmul') && !want(`matmul${s}`)) continue;
      const c = { label: `${s}×${s}·${s}×${s}`, a: [s, s], b: [s, s] };
      // Twice the size is eight times the work: do not spend two runs finding that out.
      if (prev === null || prev * 8 > maxRunS * 1000) {
        const note = prev === null ? 'skipped: the size below already exceeded the time limit' : `skipped: predicted ~${(prev * 8 / 1000).toFixed(1)} s per run from the size below`;
        push({ kernel: `matmul ${k.name}`, shape: c.label, ms: null, rate: null, unit: 'GFLOP/s', note });
        prev = null;
        continue;
      }
      prev = await matmul(k.name as MatmulChoice, c);
    }
  }
  if (want('transformer')) for (const c of TRANSFORMER) await matmul('auto', c);
  gpu.matmulKernel = 'auto';

  // Memory-bound kernels: GB/s = bytes read + written per run.
  const mem = async (kernel: string, shape: string, bytes: number, inputs: Tensor[], f: () => Tensor) => {
    try {
      await measure(kernel, shape, 'GB/s', bytes, f);
    } catch (e) { // a buffer past this device's limits
      push({ kernel, shape, ms: null, rate: null, unit: 'GB/s', note: `skipped: ${(e as Error).message.slice(0, 80)}` });
    }
    hg.dispose(inputs);
  };
  const M = 1 << 20;
  if (want('memory')) {
    for (const [r, n] of [[2048, 16], [512, 65], [64, 4096], [16384, 1024], [4096, 4096]]) {
      const x = rand([r, n]);
      await mem('softmax', `(${r}, ${n})`, 8 * r * n, [], () => hg.softmax(x));
      await mem('layernorm', `(${r}, ${n})`, 8 * r * n, [x], () => hg.layernorm(x));
    }
    { const [a, b] = [rand([M]), rand([M])]; await mem('add', '(2²⁰,) + (2²⁰,)', 12 * M, [a, b], () => hg.add(a, b)); }
    { const [a, b] = [rand([64 * M]), rand([64 * M])]; await mem('add', '(2²⁶,) + (2²⁶,)', 12 * 64 * M, [a, b], () => hg.add(a, b)); }
    { const [a, b] = [rand([4096, 256]), rand([256])]; await mem('add (broadcast)', '(4096, 256) + (256,)', 8 * M, [a, b], () => hg.add(a, b)); }
    { const a = rand([M]); await mem('exp', '(2²⁰,)', 8 * M, [a], () => hg.exp(a)); }
    { const a = rand([M]); await mem('sum (tree)', '(2²⁰,) → ()', 4 * M, [a], () => hg.sum(a)); }
    { const a = rand([4096, 256]); await mem('sum axis 0', '(4096, 256) → (256,)', 4 * M, [a], () => hg.sum(a, 0)); }
    { const a = rand([1024, 1024]); await mem('transpose (copy)', '(1024, 1024)', 8 * M, [a], () => hg.transpose(a)); }
  }

  if (want('fixed')) {
    // Fixed costs: one tiny dispatch with a readback each time, and many queued in one submission.
    const tiny = rand([4]);
    const withRead = async () => { await hg.tidy(() => hg.add(tiny, tiny)).data(); };
    for (let i = 0; i < 5; i++) await withRead();
    const readTimes: number[] = [];
    for (let s = 0; s < samples; s++) {
      const t0 = performance.now();
      for (let i = 0; i < 20; i++) await withRead();
      readTimes.push((performance.now() - t0) / 20);
    }
    push({ kernel: 'one dispatch + readback', shape: '(4,) + (4,)', ms: median(readTimes), rate: null, unit: '' });
    const { ms: batched, reps } = await timeGpu(gpu, () => hg.add(tiny, tiny), samples, maxRunS);
    push({ kernel: 'one dispatch, batched', shape: `(4,) + (4,), ${reps} per sample`, ms: batched, rate: null, unit: '', reps });
    // The fixed wait each sample pays once; the per-run figures above carry it divided by reps.
    push({ kernel: 'sync latency', shape: 'sync() on an empty queue', ms: await syncLatency(gpu, () => {}), rate: null, unit: '' });
    push({ kernel: 'sync latency', shape: 'sync() after one (4,) + (4,)', ms: await syncLatency(gpu, () => { hg.add(tiny, tiny); }), rate: null, unit: '' });
    hg.dispose(tiny);
  }
  gpu.destroy();
  return rows;
}

const fmtMs = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));

/** The rows as a markdown table (device and date above it). */
export function renderTable(rows: KernelRow[], date = new Date().toISOString().slice(0, 10), host = ''): string {
  const lines = [
    `**${rows[0]?.device ?? 'no device'}**${host ? ` (${host})` : ''}, ${date}: ` +
    'medians of ≥ 5 samples, ms per run (each sample queues runs for ≥ 200 ms of GPU time, then waits once).',
    '',
    '| kernel | shape | ms | rate |',
    '|---|---|---|---|',
    ...rows.map((r) => r.ms === null
      ? `| ${r.kernel} | ${r.shape} | — | ${r.note ?? 'skipped'} |`
      : `| ${r.kernel} | ${r.shape} | ${fmtMs(r.ms)} | ${r.rate === null ? '' : `${r.rate.toFixed(2)} ${r.unit}`} |`),
  ];
  return lines.join('\n');
}

const START = '<!-- bench:webgpu:start -->';
const END = '<!-- bench:webgpu:end -->';

const DEVICE = (name: string) => `<!-- bench:webgpu:device ${name} -->`;

/**
 * Put `rows`' table between the bench:webgpu markers of `file`, replacing
 * the table of the same device and host (each sits under its own marker)
 * and keeping the others.
 */
export async function writeReadme(rows: KernelRow[], file = 'src/kernels/README.md', host = ''): Promise<void> {
  const text = await readFile(file, 'utf8');
  const [s, e] = [text.indexOf(START), text.indexOf(END)];
  if (s < 0 || e < s) throw new Error(`${file} has no ${START} … ${END} markers`);
  // SwiftShader reports the same device on every host, so the host is part of the key.
  const device = `${rows[0]?.device ?? 'no device'}${host ? ` · ${host}` : ''}`;
  const tables = new Map<string, string>();
  for (const part of text.slice(s + START.length, e).split(/^(?=<!-- bench:webgpu:device )/m)) {
    const m = /^<!-- bench:webgpu:device (.*) -->\n([\s\S]*)$/.exec(part.trim() ? part : '');
    if (m) tables.set(m[1], m[2].trim());
  }
  tables.set(device, renderTable(rows, undefined, host));
  const body = [...tables].map(([d, t]) => `${DEVICE(d)}\n${t}\n`).join('\n');
  await writeFile(file, `${text.slice(0, s)}${START}\n${body}${END}${text.slice(e + END.length)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const host = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}`;
  const measured = arg('--from-json')
    ? JSON.parse(await readFile(arg('--from-json')!, 'utf8')) as { rows: KernelRow[]; host?: string }
    : { rows: await benchWebGpuKernels({ samples: 5, maxRunS: Number(arg('--max-run-s') ?? (args.includes('--quick') ? 0.5 : 4)), only: arg('--only')?.split(',') }), host };
  if (args.includes('--json')) console.log(JSON.stringify(measured, null, 2));
  else console.log(`\n${renderTable(measured.rows, undefined, measured.host)}`);
  if (args.includes('--write-readme')) {
    await writeReadme(measured.rows, undefined, measured.host);
    process.stderr.write('updated src/kernels/README.md\n');
  }
}
