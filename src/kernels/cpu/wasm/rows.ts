// The float32 softmax and layernorm rows on the Wasm kernels of rows-kernel.ts,
// for the fast CPU backend. The JS loops of ../rows.ts stay the specification
// and run float64, small inputs, and runtimes without Wasm SIMD (the module
// uses SIMD for layernorm's sums, so one probe decides for both).
//
// As in binary.ts, x is copied into the module's linear memory, one kernel call
// runs, and the output is copied back. Layout (bytes, 16-byte aligned):
// [0, outOff) x, [outOff, end) out.
import type { AnyTypedArray } from '../../../tensor/dtype.js';
import { layernorm as jsLayernorm, softmax as jsSoftmax } from '../rows.js';
import { ROWS_MAX_PAGES, rowsWat } from './rows-kernel.js';
import { detectWasmSimd } from './gemm.js';
import { assemble } from './wat.js';

/**
 * Inputs with fewer elements than this run the JS loops (the fixed cost of a
 * call, ~0.3 µs, against a JS softmax at ~20 ns and layernorm at ~4–8 ns an
 * element: the Wasm rows win well below it; see bench/elementwise.ts).
 */
export const WASM_ROWS_MIN = 64;

type Softmax = (x: number, rows: number, n: number, out: number) => void;
type Layernorm = (x: number, rows: number, n: number, eps: number, out: number) => void;
interface Kernel { memory: WebAssembly.Memory; f32: Float32Array; softmax: Softmax; layernorm: Layernorm }

let kernel: Kernel | null | undefined; // undefined: not loaded yet; null: unavailable
let calls = 0;

/** Compiles the module on first use; null (after one line on stderr) where Wasm SIMD is missing. */
function load(): Kernel | null {
  if (kernel !== undefined) return kernel;
  if (detectWasmSimd() === 'none') {
    process.stderr.write('heterograd: this runtime has no WebAssembly SIMD; float32 softmax and layernorm use the JavaScript loops\n');
    return (kernel = null);
  }
  const memory = new WebAssembly.Memory({ initial: 1, maximum: ROWS_MAX_PAGES });
  const e = new WebAssembly.Instance(new WebAssembly.Module(assemble(rowsWat())), { env: { memory } }).exports;
  return (kernel = { memory, f32: new Float32Array(memory.buffer), softmax: e.softmax as Softmax, layernorm: e.layernorm as Layernorm });
}

/** True when the fast backend's float32 softmax and layernorm run on Wasm; false when they fall back to JS. */
export function wasmRowsAvailable(): boolean {
  return load() !== null;
}

/** Kernel calls made so far (tests check which backend runs the Wasm path). */
export function wasmRowsCalls(): number {
  return calls;
}

/** Test hook: forget the loaded module so the next call probes the runtime again. */
export function resetWasmRows(): void {
  kernel = undefined;
}

/** Copies x in, runs `call(outOff)`, copies out back; false (nothing touched) past ROWS_MAX_PAGES. */
function withMemory(w: Kernel, x: Float32Array, out: Float32Array, call: (outOff: number) => void): boolean {
  const outOff = (4 * x.length + 15) & ~15, bytes = outOff + 4 * out.length;
  const pages = Math.ceil(bytes / 65536), have = w.memory.buffer.byteLength / 65536;
  if (pages > ROWS_MAX_PAGES) return false;
  if (pages > have) w.memory.grow(Math.min(ROWS_MAX_PAGES, Math.max(pages, Math.ceil(have * 1.5))) - have);
  if (w.f32.buffer !== w.memory.buffer) w.f32 = new Float32Array(w.memory.buffer); // growing detaches the old view
  w.f32.set(x, 0);
  call(outOff);
  calls++;
  out.set(w.f32.subarray(outOff / 4, outOff / 4 + out.length));
  return true;
}

/** Float32 x and out of the same non-zero length, with the kernel loaded; else null. */
function usable(x: AnyTypedArray, n: number, out: AnyTypedArray): Kernel | null {
  if (!(x instanceof Float32Array && out instanceof Float32Array) || x.length === 0 || n <= 0 || x.length % n !== 0) return null;
  return load();
}

/** Softmax along rows of n on the Wasm kernel, at any size; false (out untouched) when this path does not apply. */
export function tryWasmSoftmax(x: AnyTypedArray, n: number, out: AnyTypedArray): boolean {
  const w = usable(x, n, out);
  return !!w && withMemory(w, x as Float32Array, out as Float32Array, (o) => w.softmax(0, x.length / n, n, o));
}

/** Layernorm along rows of n on the Wasm kernel, at any size; false (out untouched) when this path does not apply. */
export function tryWasmLayernorm(x: AnyTypedArray, n: number, eps: number, out: AnyTypedArray): boolean {
  const w = usable(x, n, out);
  return !!w && withMemory(w, x as Float32Array, out as Float32Array, (o) => w.layernorm(0, x.length / n, n, eps, o));
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
