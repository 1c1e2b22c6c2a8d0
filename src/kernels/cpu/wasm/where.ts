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
import type { Shape } from '../../../tensor/shapes.js';
import type { AnyTypedArray } from '../../../tensor/dtype.js';
import { where as jsWhere } from '../elementwise.js';
import { WHERE_FORMS, whereWat } from './where-kernel.js';
import { KERNEL_MAX_PAGES, KernelModule } from './module.js';
import { planRows } from './plan.js';

/**
 * Outputs with fewer elements than this run the JS loop. A call costs ~1 µs
 * before any work (binary.ts's fixed cost plus a third copy in), and the JS
 * loop costs only 2–5 ns/element, so the crossover sits higher than
 * WASM_BINARY_MIN. Measured (`npx tsx bench/elementwise.ts`, crossover table,
 * CPU time, Node 20 on a loaded 2-vCPU EPYC), where(c, a, 0) with a random 0/1
 * condition: 256 elements 4.0 JS against 5.3 Wasm ns/element, 512 4.3 against
 * 3.1, 1024 4.7 against 1.8 (a standalone loop of the same calls: 384 elements
 * 2.2 against 2.6, 512 2.8 against 2.5); at the MLP's [128, 256] 5.0 against 0.9.
 */
export const WASM_WHERE_MIN = 512;

/** (c, cRow, a, aRow, b, bRow, out, rows, n): addresses and row strides in bytes. */
type RowKernel = (c: number, cRow: number, a: number, aRow: number, b: number, bRow: number, out: number, rows: number, n: number) => void;

/** The kernels in WHERE_FORMS order: index bits 4, 2, 1 set where c, a, b is a scalar per row (see formIndex). */
const kernels = new KernelModule<RowKernel[]>({
  fallback: 'float32 where uses the JavaScript loop', wat: whereWat, maxPages: KERNEL_MAX_PAGES,
  bind: (e) => WHERE_FORMS.map((form) => e[`where_${form}`] as RowKernel),
});
/** WHERE_FORMS's index of a form from whether c, a and b step along the row (a number, not a string: this runs every call). */
const formIndex = (cSteps: boolean, aSteps: boolean, bSteps: boolean): number => (cSteps ? 0 : 4) | (aSteps ? 0 : 2) | (bSteps ? 0 : 1);

/** True when float32 where of the fast backend runs on Wasm SIMD; false when it falls back to JS. */
export const wasmWhereAvailable = (): boolean => kernels.load() !== null;
/** Kernel calls made so far (tests check which backend runs the Wasm path). */
export const wasmWhereCalls = (): number => kernels.calls;
/** Test hook: forget the loaded module so the next call probes the runtime again. */
export const resetWasmWhere = (): void => kernels.reset();

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
 * a walk planRows (plan.ts) declines, no Wasm SIMD, past the memory limit). Exported for
 * the tests and the bench.
 */
export function tryWasmWhere(
  c: AnyTypedArray, cShape: Shape, a: AnyTypedArray, aShape: Shape, b: AnyTypedArray, bShape: Shape,
  out: AnyTypedArray, outShape: Shape,
): boolean {
  if (!(c instanceof Float32Array && a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array)) return false;
  const fns = kernels.load();
  const p = fns && planRows([c.length, a.length, b.length], [cShape, aShape, bShape], outShape, out.length);
  if (!fns || !p) return false;
  const f = fns[formIndex(p.steps[0], p.steps[1], p.steps[2])];
  const { row, block } = p, size = 4 * p.rows * p.n;
  return kernels.run([c, a, b], out, ([cAt, aAt, bAt], outAt) => {
    for (let t = 0; t < p.outer; t++) {
      f(cAt + 4 * t * block[0], 4 * row[0], aAt + 4 * t * block[1], 4 * row[1], bAt + 4 * t * block[2], 4 * row[2], outAt + t * size, p.rows, p.n);
    }
  });
}
