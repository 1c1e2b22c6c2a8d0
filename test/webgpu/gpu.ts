/**
 * Shared setup of the WebGPU test files: one device per file (each file runs
 * in its own process), a visible skip where no adapter exists — and a failure
 * instead when CI=true, where the CI script installs SwiftShader — plus the
 * comparison helpers every file uses against the CPU reference backend.
 */
import { afterAll, expect, it } from 'vitest';
import { CpuBackend } from '../../src/kernels/cpu/backend.js';
import { WebGpuBackend } from '../../src/kernels/webgpu/backend.js';
import { acquireDevice } from '../../src/kernels/webgpu/device.js';
import { type AnyTypedArray, type DType, type Tensor, fromArray } from '../../src/index.js';
import { Rng } from '../helpers/rng.js';

async function open(): Promise<{ gpu: WebGpuBackend | null; reason: string }> {
  try {
    const { device, description } = await acquireDevice({ log: () => {} });
    return { gpu: new WebGpuBackend(device, description), reason: '' };
  } catch (e) {
    return { gpu: null, reason: (e as Error).message };
  }
}

export const { gpu, reason } = await open();
export const cpu = new CpuBackend();
/** True when the WebGPU tests cannot run here (they skip, or fail under CI=true). */
export const noGpu = gpu === null;

if (noGpu) {
  const ci = process.env.CI === 'true';
  console.warn(`[webgpu] tests SKIPPED${ci ? ', and failing because CI=true' : ''}: ${reason}`);
  if (ci) {
    it('has a WebGPU adapter (CI=true requires one)', () => {
      expect.fail(`CI=true but WebGPU is unavailable: ${reason}`);
    });
  }
}

afterAll(() => gpu?.destroy());

/** The GPU backend, for use inside `describe.skipIf(noGpu)` blocks. */
export const G = (): WebGpuBackend => gpu!;

/** `n` random values rounded to float32 (or small ints for int32). */
export function randomData(rng: Rng, n: number, dtype: DType = 'float32', scale = 1): AnyTypedArray {
  if (dtype === 'int32') return Int32Array.from({ length: n }, () => Math.floor(rng.uniform() * 19) - 9);
  return Float32Array.from({ length: n }, () => scale * rng.normal());
}

/** The same data as a tensor on the CPU backend and on the GPU backend. */
export function pair(data: AnyTypedArray, shape: number[], dtype: DType = 'float32'): [Tensor, Tensor] {
  return [fromArray(data, shape, dtype, cpu), fromArray(data, shape, dtype, gpu!)];
}

export interface Tol { rtol: number; atol: number }
/** Float32 tolerance of single-rounding kernels (copies are compared exactly). */
export const F32: Tol = { rtol: 1e-6, atol: 1e-7 };

/** |got − want| ≤ atol + rtol·|want| elementwise (NaN only where the reference is NaN), naming the first miss. */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: Tol | ((i: number) => number), what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (Number.isNaN(w) || Number.isNaN(g)) {
      if (!(Number.isNaN(w) && Number.isNaN(g))) expect.fail(`${what}: element ${i}: got ${g}, expected ${w}`);
      continue;
    }
    if (g === w) continue;
    const bound = typeof tol === 'function' ? tol(i) : tol.atol + tol.rtol * Math.abs(w);
    if (!(Math.abs(g - w) <= bound)) {
      expect.fail(`${what}: element ${i}: got ${g}, expected ${w} (|err| ${Math.abs(g - w).toExponential(2)} > ${bound.toExponential(2)})`);
    }
  }
}

/** Run `f` on CPU and GPU copies of the same inputs and compare. */
export async function compare(
  what: string, inputs: [AnyTypedArray, number[], DType?][], f: (xs: Tensor[]) => Tensor, tol: Tol | null = F32,
): Promise<void> {
  const pairs = inputs.map(([d, s, dt]) => pair(d, s, dt ?? 'float32'));
  const want = f(pairs.map((p) => p[0]));
  const got = f(pairs.map((p) => p[1]));
  expect(got.shape, `${what}: shape`).toEqual(want.shape);
  expect(got.dtype, `${what}: dtype`).toBe(want.dtype);
  const [g, w] = [await got.data(), want.dataSync()];
  if (tol === null) expect(Array.from(g), what).toEqual(Array.from(w));
  else expectClose(g, w, tol, what);
}

export { Rng };
