// Float32 add, sub, mul, div, greater and equal on the Wasm SIMD kernels of
// binary-kernel.ts, for the fast CPU backend. The JS loops of ../elementwise.ts
// stay the readable specification, and run everything this path does not
// take: float64 and int32, small outputs, walks that do not reduce to one
// block of rows (see plan), and runtimes without Wasm SIMD.
//
// Operands are JS Float32Arrays, so each call copies a and b into the module's
// linear memory, runs the kernel over all rows, and copies the output back (the
// host plumbing is module.ts). Layout of one call (bytes, each region 16-byte
// aligned): [0, bOff) a, [bOff, outOff) b, [outOff, end) out.
import { type Shape, broadcastStrides } from '../../../tensor/shapes.js';
import type { AnyTypedArray } from '../../../tensor/dtype.js';
import type { BinaryName } from '../../../tensor/primitives.js';
import { binary as jsBinary, collapseAxes } from '../elementwise.js';
import { ROW_FORMS, WASM_BINARY_OPS, type RowForm, type WasmBinaryOp, binaryWat } from './binary-kernel.js';
import { KERNEL_MAX_PAGES, KernelModule, align16 } from './module.js';

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

/**
 * `outer` kernel calls, each `rows` rows of n; row strides in elements (0
 * repeats a row), and each call's operands start `aOuter`/`bOuter` elements
 * after the last one's.
 */
interface Plan { form: RowForm; rows: number; n: number; aRow: number; bRow: number; outer: number; aOuter: number; bOuter: number }

/**
 * The output as blocks of rows, or null when the broadcast walk needs more
 * than two outer axes (then JS runs it). Same lengths and a scalar operand are
 * one row; otherwise the axes are merged as the JS walk merges them
 * (collapseAxes). Two axes left is one call: [k, N·d] ∘ [N·d] (a row reused),
 * [k·N, d] ∘ [d] (bias), [k·N, d] ∘ [k·N, 1] (a scalar per row). Three is one
 * call per outer index: a stack of tangents [m, N, d] against a point's
 * [N, 1] (layernorm's rule), or [N, d] against a stack's [m, N, 1].
 */
function plan(a: Float32Array, aShape: Shape, b: Float32Array, bShape: Shape, outShape: Shape, len: number): Plan | null {
  const one = { rows: 1, n: len, aRow: 0, bRow: 0, outer: 1, aOuter: 0, bOuter: 0 };
  if (a.length === len && b.length === len) return { form: 'vv', ...one };
  if (b.length === 1 && a.length === len) return { form: 'vs', ...one };
  if (a.length === 1 && b.length === len) return { form: 'sv', ...one };
  const c = collapseAxes(outShape, [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)]);
  const r = c.shape.length;
  if (r !== 2 && r !== 3) return null;
  const [sa, sb] = c.strides;
  const da = sa[r - 1], db = sb[r - 1]; // steps along the row
  const form: RowForm | null = da === 1 && db === 1 ? 'vv' : da === 1 && db === 0 ? 'vs' : da === 0 && db === 1 ? 'sv' : null;
  if (!form) return null;
  const outer = r === 3 ? { outer: c.shape[0], aOuter: sa[0], bOuter: sb[0] } : { outer: 1, aOuter: 0, bOuter: 0 };
  return { form, rows: c.shape[r - 2], n: c.shape[r - 1], aRow: sa[r - 2], bRow: sb[r - 2], ...outer };
}

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
 * false without touching out when this path does not apply (not float32, a walk plan() declines, no Wasm SIMD, past the memory limit).
 * Exported for the tests and the bench, which time it below WASM_BINARY_MIN.
 */
export function tryWasmBinary(
  name: BinaryName, a: AnyTypedArray, aShape: Shape, b: AnyTypedArray, bShape: Shape,
  out: AnyTypedArray, outShape: Shape,
): boolean {
  if (!isWasmOp(name) || !(a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array)) return false;
  const fns = kernels.load();
  const len = out.length;
  const p = fns && plan(a, aShape, b, bShape, outShape, len);
  const bOff = align16(4 * a.length), outOff = bOff + align16(4 * b.length);
  const f32 = p && kernels.reserve(outOff + 4 * len);
  if (!fns || !p || !f32) return false;
  f32.set(a, 0);
  f32.set(b, bOff / 4);
  const f = fns.get(`${name}_${p.form}`)!;
  const block = p.rows * p.n;
  for (let t = 0; t < p.outer; t++) {
    f(4 * t * p.aOuter, 4 * p.aRow, bOff + 4 * t * p.bOuter, 4 * p.bRow, outOff + 4 * t * block, p.rows, p.n);
  }
  kernels.calls++;
  out.set(f32.subarray(outOff / 4, outOff / 4 + len));
  return true;
}
