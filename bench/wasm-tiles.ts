// Register-tile shapes of the Wasm gemm kernel, side by side on one thread:
// `npx tsx bench/wasm-tiles.ts` prints a markdown table. Each shape runs the
// emitted `tile` over one 256×256 block of C with K = 512 on already-packed
// (random) panels, so only the micro-kernel is timed. Time is this process's
// CPU time (process.cpuUsage), not wall time, so that on a shared machine the
// time the kernel spends descheduled is not counted; rounds are interleaved
// so that cache pressure from other processes hits every shape alike; medians.
import { pathToFileURL } from 'node:url';
import { assemble } from '../src/kernels/cpu/wasm/wat.js';
import { KU, type TileShape, gemmWat } from '../src/kernels/cpu/wasm/kernel.js';
import { detectWasmSimd } from '../src/kernels/cpu/wasm/gemm.js';
import { median } from './timing.js';

type Tile = (pa: number, pb: number, c: number, kp: number, ldc: number, rows: number, cols: number) => void;

const M = 256, N = 256, K = 512;
/** Accumulators + B vectors + A broadcast + product temporary must fit V8's 15 usable XMM registers. */
const SHAPES: [number, number][] = [[2, 2], [3, 2], [4, 2], [5, 2], [6, 2], [2, 3], [3, 3], [4, 3], [8, 1], [4, 1]];

function build(shape: TileShape): Tile {
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 16384, shared: true }); // 4 MiB: A, B, C
  const f32 = new Float32Array(memory.buffer);
  for (let i = 0; i < f32.length; i++) f32[i] = Math.random() - 0.5;
  const { tile } = new WebAssembly.Instance(new WebAssembly.Module(assemble(gemmWat(shape))), { env: { memory } }).exports;
  return tile as Tile;
}

export function benchTiles(rounds = 7): { shape: string; registers: number; gflops: number }[] {
  const fma = detectWasmSimd() === 'relaxed-simd';
  const runs = SHAPES.map(([mr, nv]) => ({ mr, nv, tile: build({ mr, nv, ku: Number(process.env.KU ?? KU), fma }), ms: [] as number[] }));
  // pa at 0 (M·K floats), pb at 1 MiB (N·K floats), C at 2 MiB.
  const call = (t: Tile) => t(0, 1 << 20, 2 << 20, K, 4 * N, M, N);
  for (const r of runs) for (let i = 0; i < 20; i++) call(r.tile); // Liftoff → TurboFan tier-up
  for (let round = 0; round < rounds; round++) {
    for (const r of runs) {
      const t0 = process.cpuUsage();
      for (let i = 0; i < 4; i++) call(r.tile);
      const dt = process.cpuUsage(t0);
      r.ms.push((dt.user + dt.system) / 1e3 / 4);
    }
  }
  return runs.map((r) => ({
    shape: `${r.mr}×${4 * r.nv}${fma ? ' (relaxed madd)' : ' (mul + add)'}`,
    registers: r.mr * r.nv + r.nv + 1 + (fma ? 0 : 1),
    gflops: (2 * M * N * K) / median(r.ms) / 1e6,
  }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log('| register tile MR×NR | XMM registers live | GFLOP/s, 1 thread |');
  console.log('|---|---|---|');
  for (const r of benchTiles()) console.log(`| ${r.shape} | ${r.registers} | ${r.gflops.toFixed(1)} |`);
}
