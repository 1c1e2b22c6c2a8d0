// Float32 elementwise ops: the JS loops of src/kernels/cpu/elementwise.ts
// against the Wasm SIMD paths of src/kernels/cpu/wasm/binary.ts and unary.ts
// (copies in and out included), in CPU nanoseconds per output element. The
// shapes are the ViT-small block-HVP sweep's most frequent binary ops
// (bench/blocks.ts) and the GELU's erf and the softmax's exp at the same
// shapes, the ReLU's greater and where at the MLP's [128, 256] (Wasm where:
// wasm/where.ts), then a ladder of sizes for the crossover that sets WASM_BINARY_MIN;
// then the float32 sums (src/kernels/cpu/reduce.ts against wasm/reduce.ts) at
// the ViT-small training and sweep shapes, the softmax and layernorm rows,
// and a small ladder (WASM_REDUCE_MIN). `npx tsx bench/elementwise.ts` prints the tables.
//
// CPU time (process.cpuUsage, user + system) rather than wall time, so other
// jobs on the machine stretch neither side; JS and Wasm alternate round by
// round and the median round is reported.
import { pathToFileURL } from 'node:url';
import type { BinaryName, UnaryName } from '../src/tensor/primitives.js';
import { binary as jsBinary, unary as jsUnary } from '../src/kernels/cpu/elementwise.js';
import { WASM_BINARY_MIN, tryWasmBinary, wasmBinaryAvailable } from '../src/kernels/cpu/wasm/binary.js';
import { WASM_UNARY_MIN, tryWasmUnary, wasmUnaryAvailable } from '../src/kernels/cpu/wasm/unary.js';
import { where as jsWhere } from '../src/kernels/cpu/elementwise.js';
import { WASM_WHERE_MIN, tryWasmWhere, wasmWhereAvailable } from '../src/kernels/cpu/wasm/where.js';
import { reduce as jsReduce } from '../src/kernels/cpu/reduce.js';
import { WASM_REDUCE_MIN, tryWasmSum, wasmReduceAvailable } from '../src/kernels/cpu/wasm/reduce.js';
import { layernorm as jsLayernorm, softmax as jsSoftmax } from '../src/kernels/cpu/rows.js';
import { tryWasmLayernorm, tryWasmSoftmax } from '../src/kernels/cpu/wasm/rows.js';
import { markdownTable } from '../src/report/markdown.js';
import { broadcastShapes } from '../src/tensor/shapes.js';
import { median } from './timing.js';

export interface ElementwiseRow {
  /** b is absent for a unary or row op; for 'sum', a is the input shape and b the output's (reduced axes kept with size 1). */
  op: string; a: number[]; b?: number[];
  /** where's condition (then a and b are its branches). */
  c?: number[];
  /** CPU ns per output element (per input element for 'sum'), median over rounds. */
  jsNs: number; wasmNs: number;
}
/** threshold, unaryThreshold, whereThreshold: the output sizes from which the binary ops, the unary ops and where take the Wasm path. */
export interface ElementwiseBench {
  wasm: boolean; threshold: number; unaryThreshold: number; whereThreshold: number; shapes: ElementwiseRow[]; ladder: ElementwiseRow[];
  /** Float32 sums (then softmax and layernorm rows) at the ViT shapes, and the sums' crossover ladder (Wasm from sumThreshold input elements). */
  sumThreshold: number; sums: ElementwiseRow[]; sumLadder: ElementwiseRow[];
}

type Case = { op: BinaryName; a: number[]; b: number[] } | { op: UnaryName; a: number[]; b?: undefined }
  | { op: 'where'; c: number[]; a: number[]; b: number[] };

/** The sweep's hot binary ops: same shapes, a scalar per row, a bias row, a scalar. */
const SHAPES: Case[] = [
  { op: 'mul', a: [64, 17, 96], b: [64, 17, 96] },
  { op: 'add', a: [64, 17, 96], b: [64, 17, 96] },
  { op: 'mul', a: [64, 17, 48], b: [64, 17, 48] },
  { op: 'add', a: [64, 17, 48], b: [64, 17, 48] },
  { op: 'mul', a: [64, 4, 17, 17], b: [64, 4, 17, 17] },
  { op: 'mul', a: [64, 17, 48], b: [64, 17, 1] },
  { op: 'sub', a: [64, 17, 48], b: [64, 17, 1] },
  { op: 'div', a: [64, 17, 48], b: [64, 17, 1] },
  { op: 'mul', a: [64, 17, 48], b: [48] },
  { op: 'add', a: [64, 17, 48], b: [48] },
  { op: 'mul', a: [64, 17, 48], b: [] },
  { op: 'erf', a: [64, 17, 96] }, { op: 'erf', a: [64, 17, 48] },
  { op: 'exp', a: [64, 17, 96] }, { op: 'exp', a: [64, 17, 48] },
  { op: 'tanh', a: [64, 17, 96] }, { op: 'tanh', a: [64, 17, 48] },
  // The MLP 784-256-256-10's ReLU, where(x > 0, x, 0), and its derivative where(x > 0, g, 0), at batch 128.
  { op: 'greater', a: [128, 256], b: [] },
  { op: 'where', c: [128, 256], a: [128, 256], b: [] },
];

/** Sizes around the crossover: same shapes, and rows of 16 (shorter than the sweep's 48: the harder case) against one scalar per row. */
const LADDER: Case[] = [16, 32, 64, 128, 256, 1024, 4096, 32768].flatMap((n): Case[] => [
  { op: 'mul', a: [n], b: [n] },
  { op: 'mul', a: [n / 16, 16], b: [n / 16, 1] },
]).concat([256, 512, 1024].map((n): Case => ({ op: 'where', c: [n], a: [n], b: [] }))); // around WASM_WHERE_MIN

/** The profiled sums of a ViT-small step (bias gradients over leading axes, rows of 48) and of the block-HVP sweep (tangents stacked in front). */
const SUMS: [number[], number[]][] = [
  [[64, 17, 48], [1, 1, 48]], [[64, 17, 144], [1, 1, 144]], [[64, 17, 96], [1, 1, 96]],
  [[64, 17, 48], [64, 17, 1]], [[13, 64, 17, 48], [13, 64, 17, 1]], [[13, 64, 17, 48], [13, 1, 1, 48]],
];
/** Around WASM_REDUCE_MIN: rows of 16 summed (the last axis) and 16 columns summed over rows (a leading axis). */
const SUM_LADDER: [number[], number[]][] = [64, 128, 256, 512, 4096].flatMap((n): [number[], number[]][] => [
  [[n / 16, 16], [n / 16, 1]], [[n / 16, 16], [1, 16]],
]);

const sizeOf = (s: number[]) => s.reduce((x, y) => x * y, 1);
const randomArray = (n: number) => Float32Array.from({ length: n }, () => Math.random() + 0.5);

/** CPU ms of `reps` calls of f. */
function cpuMs(f: () => void, reps: number): number {
  const t0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) f();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
}

/** Unary inputs: activations-like values, spread over both erf branches and into exp's and tanh's tails. */
const signedArray = (n: number) => Float32Array.from({ length: n }, () => 6 * (Math.random() - 0.5));

function race(c: Case, rounds: number): ElementwiseRow {
  if (c.op === 'where') return raceWhere(c, rounds);
  const out = c.b === undefined || c.a.length >= c.b.length ? c.a : c.b, len = sizeOf(out);
  const a = c.b === undefined ? signedArray(len) : randomArray(sizeOf(c.a)), o = new Float32Array(len);
  let js: () => void, wasm: () => void;
  if (c.b === undefined) {
    const op = c.op;
    js = () => jsUnary(op, a, o);
    wasm = () => { if (!tryWasmUnary(op, a, o)) throw new Error(`bench: Wasm declined ${op} [${c.a}]`); };
  } else {
    const { op, b: bShape } = c, b = randomArray(sizeOf(bShape));
    js = () => jsBinary(op, a, c.a, b, bShape, o, out);
    wasm = () => { if (!tryWasmBinary(op, a, c.a, b, bShape, o, out)) throw new Error(`bench: Wasm declined ${op} ${c.a} ∘ ${bShape}`); };
  }
  return { op: c.op, a: c.a, b: c.b, ...alternate(js, wasm, len, rounds) };
}

/** A condition of 0s and 1s at random (a ReLU's x > 0 is a coin toss per element, so the JS branch mispredicts as it would). */
function raceWhere(w: { c: number[]; a: number[]; b: number[] }, rounds: number): ElementwiseRow {
  const out = broadcastShapes('bench', [w.c, w.a, w.b]), len = sizeOf(out), o = new Float32Array(len);
  const c = Float32Array.from({ length: sizeOf(w.c) }, () => (Math.random() < 0.5 ? 1 : 0)), a = signedArray(sizeOf(w.a)), b = signedArray(sizeOf(w.b));
  const js = () => jsWhere(c, w.c, a, w.a, b, w.b, o, out);
  const wasm = () => { if (!tryWasmWhere(c, w.c, a, w.a, b, w.b, o, out)) throw new Error(`bench: Wasm declined where [${w.c}] [${w.a}] [${w.b}]`); };
  return { op: 'where', c: w.c, a: w.a, b: w.b, ...alternate(js, wasm, len, rounds) };
}

function raceSum([xShape, outShape]: [number[], number[]], rounds: number): ElementwiseRow {
  const len = sizeOf(xShape), x = randomArray(len), o = new Float32Array(sizeOf(outShape));
  const js = () => jsReduce('sum', x, xShape, o, outShape);
  const wasm = () => { if (!tryWasmSum('sum', x, xShape, o, outShape)) throw new Error(`bench: Wasm declined sum [${xShape}] → [${outShape}]`); };
  return { op: 'sum', a: xShape, b: outShape, ...alternate(js, wasm, len, rounds) };
}

/** The fused rows at the ViT-small shapes: softmax over attention rows of 17, layernorm over rows of 48. */
function raceRows(op: 'softmax' | 'layernorm', shape: number[], rounds: number): ElementwiseRow {
  const len = sizeOf(shape), n = shape[shape.length - 1], x = randomArray(len), o = new Float32Array(len);
  const js = op === 'softmax' ? () => jsSoftmax(x, n, o) : () => jsLayernorm(x, n, 1e-5, o);
  const ok = op === 'softmax' ? () => tryWasmSoftmax(x, n, o) : () => tryWasmLayernorm(x, n, 1e-5, o);
  const wasm = () => { if (!ok()) throw new Error(`bench: Wasm declined ${op} [${shape}]`); };
  return { op, a: shape, ...alternate(js, wasm, len, rounds) };
}

/** Median CPU ns per element of js and wasm, `len` elements a call, alternating round by round. */
function alternate(js: () => void, wasm: () => void, len: number, rounds: number): { jsNs: number; wasmNs: number } {
  const reps = Math.max(1, Math.ceil(4e6 / len)); // ~4M elements a sample: ≥ ~2 ms at Wasm speed, above cpuUsage's resolution
  for (const f of [js, wasm]) cpuMs(f, reps); // warm-up: JIT tier-up, memory growth
  const ns: Record<'js' | 'wasm', number[]> = { js: [], wasm: [] };
  for (let r = 0; r < rounds; r++) {
    ns.js.push(cpuMs(js, reps) * 1e6 / (reps * len));
    ns.wasm.push(cpuMs(wasm, reps) * 1e6 / (reps * len));
  }
  return { jsNs: median(ns.js), wasmNs: median(ns.wasm) };
}

/** The tables; every row throws if the Wasm path is missing or declines a case. */
export function benchElementwise(rounds = 7): ElementwiseBench {
  const wasm = wasmBinaryAvailable() && wasmUnaryAvailable() && wasmReduceAvailable() && wasmWhereAvailable();
  const none = { wasm, threshold: WASM_BINARY_MIN, unaryThreshold: WASM_UNARY_MIN, whereThreshold: WASM_WHERE_MIN, sumThreshold: WASM_REDUCE_MIN, shapes: [], ladder: [], sums: [], sumLadder: [] };
  if (!wasm) return none;
  return {
    ...none, shapes: SHAPES.map((c) => race(c, rounds)), ladder: LADDER.map((c) => race(c, rounds)),
    sums: [...SUMS.map((c) => raceSum(c, rounds)), raceRows('softmax', [64, 4, 17, 17], rounds), raceRows('layernorm', [64, 17, 48], rounds)],
    sumLadder: SUM_LADDER.map((c) => raceSum(c, rounds)),
  };
}

/** Markdown rows: ns per element each way and the speed-up. */
export function elementwiseTable(rows: ElementwiseRow[]): { header: string[]; rows: (string | number)[][] } {
  return {
    header: ['op (float32)', 'elements', 'JS ns/elem', 'Wasm ns/elem', 'JS / Wasm'],
    rows: rows.map((r) => [r.c ? `where [${r.c}] ? [${r.a}] : [${r.b}]` : r.op === 'sum' ? `sum [${r.a}] → [${r.b}]` : r.b === undefined ? `${r.op} [${r.a}]` : `${r.op} [${r.a}] ∘ [${r.b}]`,
      r.c ? sizeOf(broadcastShapes('bench', [r.c, r.a, r.b!])) : r.op === 'sum' || r.b === undefined || r.a.length >= r.b.length ? sizeOf(r.a) : sizeOf(r.b),
      r.jsNs.toFixed(3), r.wasmNs.toFixed(3), `${(r.jsNs / r.wasmNs).toFixed(2)}×`]),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const b = benchElementwise();
  if (!b.wasm) console.log('no WebAssembly SIMD in this runtime: nothing to compare');
  const tables = [['ViT-small sweep shapes', b.shapes], [`crossover (WASM_BINARY_MIN = ${b.threshold}, WASM_WHERE_MIN = ${b.whereThreshold})`, b.ladder],
    ['sums, softmax and layernorm at the ViT-small shapes (ns per input element)', b.sums], [`sum crossover (WASM_REDUCE_MIN = ${b.sumThreshold})`, b.sumLadder]] as const;
  for (const [title, rows] of tables) {
    const t = elementwiseTable(rows);
    console.log(`${title}, CPU time:\n\n${markdownTable(t.header, t.rows)}\n`);
  }
}
