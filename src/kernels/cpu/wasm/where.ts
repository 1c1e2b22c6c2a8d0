// Float32 where (out = c ≠ 0 ? a : b) on the Wasm SIMD kernel of
// where-kernel.ts, for the fast CPU backend: the ReLU where(x > 0, x, 0) and
// its derivative run it twice per layer per pass, and an HVP four passes. The
// JS `where` of ../elementwise.ts stays the specification and runs everything
// this path does not take: other dtypes (an int32 operand), small outputs,
// walks that do not reduce to one block of rows, runtimes without Wasm SIMD.
//
// Host plumbing as binary.ts (module.ts): each call copies c, a and b into
// linear memory, runs the kernel over all rows and copies out back. Layout
// (bytes, each region 16-byte aligned): c, a, b, out.
import { type Shape, broadcastStrides } from '../../../tensor/shapes.js';
import type { AnyTypedArray } from '../../../tensor/dtype.js';
import { collapseAxes, where as jsWhere } from '../elementwise.js';
import { WASM_BINARY_MIN } from './binary.js';
import { WHERE_FORMS, WHERE_MAX_PAGES, type WhereForm, whereWat } from './where-kernel.js';
import { KernelModule, align16 } from './module.js';

/**
 * Outputs with fewer elements than this run the JS loop. The fixed cost of a
 * call is that of binary.ts plus one more copy in, so its crossover is taken
 * over (WASM_BINARY_MIN); the bench's where rows time the kernel at the MLP's
 * shapes.
 */
export const WASM_WHERE_MIN = WASM_BINARY_MIN;

/** (c, cRow, a, aRow, b, bRow, out, rows, n): addresses and row strides in bytes. */
type RowKernel = (c: number, cRow: number, a: number, aRow: number, b: number, bRow: number, out: number, rows: number, n: number) => void;

const kernels = new KernelModule<Map<WhereForm, RowKernel>>({
  fallback: 'float32 where uses the JavaScript loop', wat: whereWat, maxPages: WHERE_MAX_PAGES,
  bind: (e) => new Map(WHERE_FORMS.map((form) => [form, e[`where_${form}`] as RowKernel])),
});

/** True when float32 where of the fast backend runs on Wasm SIMD; false when it falls back to JS. */
export const wasmWhereAvailable = (): boolean => kernels.load() !== null;
/** Kernel calls made so far (tests check which backend runs the Wasm path). */
export const wasmWhereCalls = (): number => kernels.calls;
/** Test hook: forget the loaded module so the next call probes the runtime again. */
export const resetWasmWhere = (): void => kernels.reset();

/**
 * `outer` kernel calls of `rows` rows of n; per operand (c, a, b) the row
 * stride and the step between calls, in elements.
 */
interface Plan { form: WhereForm; rows: number; n: number; row: number[]; outer: number; step: number[] }

/**
 * The output as blocks of rows, or null when the walk needs more than two
 * outer axes, or an operand steps along the row by neither 0 nor 1. Operands of
 * the output's length or of one element are one row (the ReLU: c and a full, b
 * a scalar); otherwise the axes merged as the JS walk merges them
 * (collapseAxes) give one call for two axes left (a row reused, a scalar per
 * row) and one call per outer index for three.
 */
function plan(ops: Float32Array[], shapes: Shape[], outShape: Shape, len: number): Plan | null {
  if (ops.every((x) => x.length === len || x.length === 1)) {
    const form = ops.map((x) => (x.length === len ? 'v' : 's')).join('') as WhereForm;
    return { form, rows: 1, n: len, row: [0, 0, 0], outer: 1, step: [0, 0, 0] };
  }
  const m = collapseAxes(outShape, shapes.map((s) => broadcastStrides(s, outShape)));
  const r = m.shape.length;
  if (r !== 2 && r !== 3) return null;
  const along = m.strides.map((s) => s[r - 1]);
  if (!along.every((d) => d === 0 || d === 1)) return null;
  const form = along.map((d) => (d === 1 ? 'v' : 's')).join('') as WhereForm;
  return {
    form, rows: m.shape[r - 2], n: m.shape[r - 1], row: m.strides.map((s) => s[r - 2]),
    outer: r === 3 ? m.shape[0] : 1, step: m.strides.map((s) => (r === 3 ? s[0] : 0)),
  };
}

/**
 * out = c ≠ 0 ? a : b with the contract (and bit-identical results) of the JS
 * `where` of ../elementwise.ts; float32 outputs of at least WASM_WHERE_MIN
 * elements run on Wasm SIMD when the runtime has it.
 */
export function wasmWhere(
  c: AnyTypedArray, cShape: Shape, a: AnyTypedArray, aShape: Shape, b: AnyTypedArray, bShape: Shape,
  out: AnyTypedArray, outShape: Shape,
): void {
  if (out.length >= WASM_WHERE_MIN && tryWasmWhere(c, cShape, a, aShape, b, bShape, out, outShape)) return;
  jsWhere(c, cShape, a, aShape, b, bShape, out, outShape);
}

/**
 * Runs where on the Wasm kernel at any size and returns true, or returns false
 * without touching out when this path does not apply (an operand not float32,
 * a walk plan() declines, no Wasm SIMD, past the memory limit). Exported for
 * the tests and the bench.
 */
export function tryWasmWhere(
  c: AnyTypedArray, cShape: Shape, a: AnyTypedArray, aShape: Shape, b: AnyTypedArray, bShape: Shape,
  out: AnyTypedArray, outShape: Shape,
): boolean {
  if (!(c instanceof Float32Array && a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array)) return false;
  const fns = kernels.load();
  const len = out.length;
  const ops = [c, a, b];
  const p = fns && plan(ops, [cShape, aShape, bShape], outShape, len);
  const at = [0]; // byte offsets of c, a, b, out
  for (const x of ops) at.push(at[at.length - 1] + align16(4 * x.length));
  const f32 = p && kernels.reserve(at[3] + 4 * len);
  if (!fns || !p || !f32) return false;
  ops.forEach((x, k) => f32.set(x, at[k] / 4));
  const f = fns.get(p.form)!;
  const block = p.rows * p.n;
  const addr = (k: number, t: number) => at[k] + 4 * t * p.step[k];
  for (let t = 0; t < p.outer; t++) {
    f(addr(0, t), 4 * p.row[0], addr(1, t), 4 * p.row[1], addr(2, t), 4 * p.row[2], at[3] + 4 * t * block, p.rows, p.n);
  }
  kernels.calls++;
  out.set(f32.subarray(at[3] / 4, at[3] / 4 + len));
  return true;
}
