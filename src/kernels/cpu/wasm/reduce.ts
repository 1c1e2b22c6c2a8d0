// Float32 sums on the Wasm SIMD kernels of reduce-kernel.ts, for the fast CPU
// backend. The JS loops of ../reduce.ts stay the readable specification and
// run everything this path does not take: max, float64 and int32, small
// inputs, reduced axes that do not merge into one block (see plan), and
// runtimes without Wasm SIMD.
//
// As in binary.ts, x is copied into the module's linear memory, one kernel call
// runs, and the output is copied back (module.ts). Layout (bytes, 16-byte
// aligned): [0, outOff) x, [outOff, end) out.
import type { AnyTypedArray } from '../../../tensor/dtype.js';
import { type Shape, broadcastStrides } from '../../../tensor/shapes.js';
import { collapseAxes } from '../elementwise.js';
import { reduce as jsReduce } from '../reduce.js';
import { reduceWat } from './reduce-kernel.js';
import { KERNEL_MAX_PAGES, KernelModule } from './module.js';

/**
 * Inputs with fewer elements than this run the JS loops: below it the fixed
 * cost of a call (planning the walk, the copies, the JS → Wasm call) outweighs
 * the faster loop. Measured (CPU time, Node 20, loaded 2-vCPU EPYC): at 64
 * elements Wasm lost on a last-axis sum (2.3 JS against 5.2 ns/element); at
 * ~200–256 the last-axis sums break even ([16,16] → [16,1] 2.0 against 2.2,
 * [4,3,17] → [4,3,1] 2.7 against 3.0, [256] → [1] 3.2 against 1.6) while
 * leading-axis sums already win ([16,16] → [1,16] 6.8 against 2.1); at the
 * ViT shapes (52k+ elements) Wasm runs 5–20× faster (bench/elementwise.ts).
 */
export const WASM_REDUCE_MIN = 256;

type SumRows = (x: number, rows: number, n: number, out: number) => void;
type SumMid = (x: number, outer: number, rows: number, n: number, out: number) => void;

const kernels = new KernelModule<{ sumRows: SumRows; sumMid: SumMid }>({
  fallback: 'float32 sums use the JavaScript loops', wat: reduceWat, maxPages: KERNEL_MAX_PAGES,
  bind: (e) => ({ sumRows: e.sum_rows as SumRows, sumMid: e.sum_mid as SumMid }),
});

/** True when float32 sums of the fast backend run on Wasm SIMD; false when they fall back to JS. */
export const wasmReduceAvailable = (): boolean => kernels.load() !== null;
/** Kernel calls made so far (tests check which backend runs the Wasm path). */
export const wasmReduceCalls = (): number => kernels.calls;
/** Test hook: forget the loaded module so the next call probes the runtime again. */
export const resetWasmReduce = (): void => kernels.reset();

/** One kernel call: x as [outer, rows, n]; 'rows' sums the last axis (outer = 1), 'mid' the middle one. */
interface Plan { kind: 'rows' | 'mid'; outer: number; rows: number; n: number }

/**
 * x's axes merged as the JS walk merges them (collapseAxes with the output's
 * strides, 0 on reduced axes), or null when more than one block of reduced axes
 * is left. Per merged axis the output stride says what it is: 0 reduced, else kept.
 */
export function planSum(xShape: Shape, outShape: Shape): Plan | null {
  const c = collapseAxes(xShape, [broadcastStrides(outShape, xShape)]);
  const s = c.shape, st = c.strides[0];
  const key = st.map((d) => (d === 0 ? 'r' : 'k')).join('');
  switch (key) {
    case 'r': return { kind: 'rows', outer: 1, rows: 1, n: s[0] }; // everything: one row
    case 'kr': return { kind: 'rows', outer: 1, rows: s[0], n: s[1] }; // the last axes
    case 'k': return { kind: 'mid', outer: 1, rows: 1, n: s[0] }; // only size-1 axes reduced: a copy
    case 'rk': return { kind: 'mid', outer: 1, rows: s[0], n: s[1] }; // the leading axes (a bias gradient)
    case 'krk': return { kind: 'mid', outer: s[0], rows: s[1], n: s[2] };
    default: return null;
  }
}

/**
 * out (outShape, reduced axes of size 1) = reduce over the reduced axes of x,
 * with the contract of the JS `reduce` of ../reduce.ts; float32 sums of at
 * least WASM_REDUCE_MIN elements run on Wasm SIMD when the runtime has it.
 */
export function wasmReduce(kind: 'sum' | 'max', x: AnyTypedArray, xShape: Shape, out: AnyTypedArray, outShape: Shape): void {
  if (x.length >= WASM_REDUCE_MIN && tryWasmSum(kind, x, xShape, out, outShape)) return;
  jsReduce(kind, x, xShape, out, outShape);
}

/**
 * Runs the sum on the Wasm kernel at any (non-empty) size and returns true, or
 * returns false without touching out when this path does not apply (max, not
 * float32, a plan planSum declines, no Wasm SIMD, past the memory limit).
 * Exported for the tests and the bench.
 */
export function tryWasmSum(kind: 'sum' | 'max', x: AnyTypedArray, xShape: Shape, out: AnyTypedArray, outShape: Shape): boolean {
  if (kind !== 'sum' || !(x instanceof Float32Array && out instanceof Float32Array) || x.length === 0) return false;
  const fns = kernels.load();
  const p = fns && planSum(xShape, outShape);
  if (!fns || !p) return false;
  return kernels.run([x], out, ([xAt], outAt) => {
    if (p.kind === 'rows') fns.sumRows(xAt, p.rows, p.n, outAt);
    else fns.sumMid(xAt, p.outer, p.rows, p.n, outAt);
  });
}
