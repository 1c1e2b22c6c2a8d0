// Float32 add, sub, mul, div, greater and equal on the Wasm SIMD kernels of
// binary-kernel.ts, for the fast CPU backend. The JS loops of ../elementwise.ts
// stay the readable specification, and run everything this path does not
// take: float64 and int32, small outputs, walks that do not reduce to one
// block of rows (see plan.ts), and runtimes without Wasm SIMD.
//
// Operands are JS Float32Arrays, so each call copies a and b into the module's
// linear memory, runs the kernel over all rows, and copies the output back (the
// host plumbing is module.ts). Layout of one call (bytes, each region 16-byte
// aligned): [0, bOff) a, [bOff, outOff) b, [outOff, end) out.
import type { Shape } from '../../../tensor/shapes.js';
import type { AnyTypedArray } from '../../../tensor/dtype.js';
import type { BinaryName } from '../../../tensor/primitives.js';
import { binary as jsBinary } from '../elementwise.js';
import { ROW_FORMS, WASM_BINARY_OPS, type RowForm, type WasmBinaryOp, binaryWat } from './binary-kernel.js';
import { KERNEL_MAX_PAGES, KernelModule } from './module.js';
import { planRows } from './plan.js';

/**
 * Outputs with fewer elements than this run the JS loops: below it the fixed
 * cost of a call (planning the walk, two copies in, one out, the JS → Wasm
 * call, ~0.3 µs: 16 elements cost 16–23 ns each) outweighs the faster arithmetic. Measured crossover
 * (`npx tsx bench/elementwise.ts`, CPU time, Node 20 on a loaded 2-vCPU EPYC):
 * Wasm lost at 64 elements (5.6 JS against 7.3 Wasm ns/element, same shapes)
 * and won at 128 (5.1 against 3.8; rows of 16 against a scalar per row 10.3
 * against 7.7); from ~4096 on it runs 5–11× the JS loops' speed.
 */
export const WASM_BINARY_MIN = 128;

/** (a, aRow, b, bRow, out, rows, n): addresses and row strides in bytes. */
type RowKernel = (a: number, aRow: number, b: number, bRow: number, out: number, rows: number, n: number) => void;

const kernels = new KernelModule<Map<string, RowKernel>>({
  fallback: 'float32 add/sub/mul/div/greater/equal use the JavaScript loops', wat: binaryWat, maxPages: KERNEL_MAX_PAGES,
  bind: (e) => new Map(WASM_BINARY_OPS.flatMap((op) => ROW_FORMS.map((form) => [`${op}_${form}`, e[`${op}_${form}`] as RowKernel]))),
});

/** True when float32 add/sub/mul/div/greater/equal of the fast backend run on Wasm SIMD; false when they fall back to JS. */
export const wasmBinaryAvailable = (): boolean => kernels.load() !== null;
/** Kernel calls made so far (tests check which backend runs the Wasm path). */
export const wasmBinaryCalls = (): number => kernels.calls;
/** Test hook: forget the loaded module so the next call probes the runtime again. */
export const resetWasmBinary = (): void => kernels.reset();

/** The row form of a plan: which of a and b step along a row ('ss' cannot happen: some operand spans the output's last axis). */
const formOf = ([a, b]: boolean[]): RowForm | null => (a && b ? 'vv' : a ? 'vs' : b ? 'sv' : null);

const isWasmOp = (name: BinaryName): name is WasmBinaryOp => (WASM_BINARY_OPS as readonly string[]).includes(name);

/**
 * out = a ∘ b with the contract (and bit-identical results) of the JS
 * `binary` of ../elementwise.ts; float32 add/sub/mul/div/greater/equal of at least
 * WASM_BINARY_MIN outputs run on Wasm SIMD when the runtime has it.
 */
export function wasmBinary(
  name: BinaryName, a: AnyTypedArray, aShape: Shape, b: AnyTypedArray, bShape: Shape,
  out: AnyTypedArray, outShape: Shape,
): void {
  if (out.length >= WASM_BINARY_MIN && tryWasmBinary(name, a, aShape, b, bShape, out, outShape)) return;
  jsBinary(name, a, aShape, b, bShape, out, outShape);
}

/**
 * Runs out = a ∘ b on the Wasm kernel at any size and returns true, or returns
 * false without touching out when this path does not apply (not float32, a walk planRows (plan.ts) declines, no Wasm SIMD, past the memory limit).
 * Exported for the tests and the bench, which time it below WASM_BINARY_MIN.
 */
export function tryWasmBinary(
  name: BinaryName, a: AnyTypedArray, aShape: Shape, b: AnyTypedArray, bShape: Shape,
  out: AnyTypedArray, outShape: Shape,
): boolean {
  if (!isWasmOp(name) || !(a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array)) return false;
  const fns = kernels.load();
  const p = fns && planRows([a.length, b.length], [aShape, bShape], outShape, out.length);
  const form = p && formOf(p.steps);
  if (!fns || !p || !form) return false;
  const f = fns.get(`${name}_${form}`)!;
  const { row, block } = p, size = 4 * p.rows * p.n;
  return kernels.run([a, b], out, ([aAt, bAt], outAt) => {
    for (let t = 0; t < p.outer; t++) f(aAt + 4 * t * block[0], 4 * row[0], bAt + 4 * t * block[1], 4 * row[1], outAt + t * size, p.rows, p.n);
  });
}
