// The float32 softmax and layernorm rows on the Wasm kernels of rows-kernel.ts,
// for the fast CPU backend. The JS loops of ../rows.ts stay the specification
// and run float64, small inputs, and runtimes without Wasm SIMD (the module
// uses SIMD for layernorm's sums, so one probe decides for both).
//
// As in binary.ts, x is copied into the module's linear memory, one kernel call
// runs, and the output is copied back (module.ts). Layout (bytes, 16-byte aligned):
// [0, outOff) x, [outOff, end) out.
import type { AnyTypedArray } from '../../../tensor/dtype.js';
import { layernorm as jsLayernorm, softmax as jsSoftmax } from '../rows.js';
import { rowsWat } from './rows-kernel.js';
import { KERNEL_MAX_PAGES, KernelModule } from './module.js';

/**
 * Inputs with fewer elements than this run the JS loops (the fixed cost of a
 * call, ~0.3 µs, against a JS softmax at ~20 ns and layernorm at ~4–8 ns an
 * element: the Wasm rows win well below it; see bench/elementwise.ts).
 */
export const WASM_ROWS_MIN = 64;

type Softmax = (x: number, rows: number, n: number, out: number) => void;
type Layernorm = (x: number, rows: number, n: number, eps: number, out: number) => void;
interface Rows { softmax: Softmax; layernorm: Layernorm }

const kernels = new KernelModule<Rows>({
  fallback: 'float32 softmax and layernorm use the JavaScript loops', wat: rowsWat, maxPages: KERNEL_MAX_PAGES,
  bind: (e) => ({ softmax: e.softmax as Softmax, layernorm: e.layernorm as Layernorm }),
});

/** True when the fast backend's float32 softmax and layernorm run on Wasm; false when they fall back to JS. */
export const wasmRowsAvailable = (): boolean => kernels.load() !== null;
/** Kernel calls made so far (tests check which backend runs the Wasm path). */
export const wasmRowsCalls = (): number => kernels.calls;
/** Test hook: forget the loaded module so the next call probes the runtime again. */
export const resetWasmRows = (): void => kernels.reset();

/** Float32 x and out of the same non-zero length, with the kernels loaded; else null. */
function usable(x: AnyTypedArray, n: number, out: AnyTypedArray): Rows | null {
  if (!(x instanceof Float32Array && out instanceof Float32Array) || x.length === 0 || n <= 0 || x.length % n !== 0) return null;
  return kernels.load();
}

/** Softmax along rows of n on the Wasm kernel, at any size; false (out untouched) when this path does not apply. */
export function tryWasmSoftmax(x: AnyTypedArray, n: number, out: AnyTypedArray): boolean {
  const w = usable(x, n, out);
  return !!w && kernels.run([x as Float32Array], out as Float32Array, ([xAt], outAt) => w.softmax(xAt, x.length / n, n, outAt));
}

/** Layernorm along rows of n on the Wasm kernel, at any size; false (out untouched) when this path does not apply. */
export function tryWasmLayernorm(x: AnyTypedArray, n: number, eps: number, out: AnyTypedArray): boolean {
  const w = usable(x, n, out);
  return !!w && kernels.run([x as Float32Array], out as Float32Array, ([xAt], outAt) => w.layernorm(xAt, x.length / n, n, eps, outAt));
}

/** The softmax of ../rows.ts (same contract); float32 inputs of at least WASM_ROWS_MIN elements run on Wasm. */
export function wasmSoftmax(x: AnyTypedArray, n: number, out: AnyTypedArray): void {
  if (x.length >= WASM_ROWS_MIN && tryWasmSoftmax(x, n, out)) return;
  jsSoftmax(x, n, out);
}

/** The layernorm of ../rows.ts (same contract); float32 inputs of at least WASM_ROWS_MIN elements run on Wasm. */
export function wasmLayernorm(x: AnyTypedArray, n: number, eps: number, out: AnyTypedArray): void {
  if (x.length >= WASM_ROWS_MIN && tryWasmLayernorm(x, n, eps, out)) return;
  jsLayernorm(x, n, eps, out);
}
