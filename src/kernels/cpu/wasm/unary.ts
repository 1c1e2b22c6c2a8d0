// Float32 exp, tanh and erf on the Wasm SIMD kernels of unary-kernel.ts, for
// the fast CPU backend. The JS loops of ../elementwise.ts stay the readable
// specification, and run everything this path does not take: float64, the
// other unary ops, small outputs, and runtimes without Wasm SIMD.
//
// Each call copies x into the module's linear memory, runs the kernel into the
// region after it, and copies the result out (the host plumbing is module.ts).
import type { AnyTypedArray } from '../../../tensor/dtype.js';
import type { UnaryName } from '../../../tensor/primitives.js';
import { unary as jsUnary } from '../elementwise.js';
import { KERNEL_MAX_PAGES, KernelModule } from './module.js';
import { WASM_UNARY_OPS, type WasmUnaryOp, unaryWat } from './unary-kernel.js';

/**
 * Outputs with fewer elements than this run the JS loops: below it the fixed
 * cost of a call (the copy in and out, the JS → Wasm call, ~0.2 µs) outweighs
 * the faster arithmetic. Measured crossover (CPU time, Node 20 on a loaded
 * 2-vCPU EPYC, JS / Wasm ns per element): exp 9.9 / 18.8 at 8 elements,
 * 10.6 / 10.7 at 16, 9.7 / 6.9 at 32; erf 26 / 33 at 8, 31 / 26 at 16,
 * 24 / 11 at 32. At the ViT-small shapes see `npx tsx bench/elementwise.ts`.
 */
export const WASM_UNARY_MIN = 32;

/** (src, dst, n): byte addresses and a count of floats. */
type Kernel1 = (src: number, dst: number, n: number) => void;

const kernels = new KernelModule<Record<WasmUnaryOp, Kernel1>>({
  fallback: 'float32 exp/tanh/erf use the JavaScript loops', wat: unaryWat, maxPages: KERNEL_MAX_PAGES,
  bind: (e) => Object.fromEntries(WASM_UNARY_OPS.map((op) => [op, e[op] as Kernel1])) as Record<WasmUnaryOp, Kernel1>,
});

/** True when float32 exp/tanh/erf of the fast backend run on Wasm SIMD; false when they fall back to JS. */
export const wasmUnaryAvailable = (): boolean => kernels.load() !== null;
/** Kernel calls made so far (tests check which backend runs the Wasm path). */
export const wasmUnaryCalls = (): number => kernels.calls;
/** Test hook: forget the loaded module so the next call probes the runtime again. */
export const resetWasmUnary = (): void => kernels.reset();

const isWasmOp = (name: UnaryName): name is WasmUnaryOp => (WASM_UNARY_OPS as readonly string[]).includes(name);

/**
 * out[i] = f(a[i]) with the contract of the JS `unary` of ../elementwise.ts;
 * float32 exp/tanh/erf of at least WASM_UNARY_MIN elements run on Wasm SIMD
 * when the runtime has it (accuracy in unary-kernel.ts). a, out: same length.
 */
export function wasmUnary(name: UnaryName, a: AnyTypedArray, out: AnyTypedArray): void {
  if (out.length >= WASM_UNARY_MIN && tryWasmUnary(name, a, out)) return;
  jsUnary(name, a, out);
}

/**
 * Runs out = f(a) on the Wasm kernel at any size and returns true, or returns
 * false without touching out when this path does not apply (not float32
 * exp/tanh/erf, no Wasm SIMD, past the memory limit). Exported for the tests
 * and the bench, which time it below WASM_UNARY_MIN.
 */
export function tryWasmUnary(name: UnaryName, a: AnyTypedArray, out: AnyTypedArray): boolean {
  if (!isWasmOp(name) || !(a instanceof Float32Array && out instanceof Float32Array)) return false;
  if (a.length !== out.length) throw new Error(`wasmUnary ${name}: input has ${a.length} elements, output ${out.length}`);
  const fns = kernels.load();
  return !!fns && kernels.run([a], out, ([aAt], outAt) => fns[name](aAt, outAt, a.length));
}
