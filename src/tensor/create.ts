/**
 * Creating concrete tensors, and the default backend they are created on.
 */
import type { Backend } from './backend.js';
import { type AnyTypedArray, type DType, DTYPES, arrayFor, dtypeOf } from './dtype.js';
import { type Shape, fmt, sizeOf } from './shapes.js';
import { type IndexRange, Tensor, keep, release } from './tensor.js';

let defaultBackend: Backend | null = null;
let backendFactory: (() => Backend) | null = null;

/** Make `b` the backend new tensors are created on. */
export function setBackend(b: Backend): void {
  defaultBackend = b;
  for (const t of scalarCache.values()) release(t);
  scalarCache.clear();
}

/** Register how to build the default backend lazily (the CPU backend, set up in src/index.ts). */
export function setDefaultBackendFactory(f: () => Backend): void {
  backendFactory = f;
}

export function getBackend(): Backend {
  if (!defaultBackend) {
    if (!backendFactory) throw new Error('no backend: call setBackend() or import heterograd from src/index.ts');
    defaultBackend = backendFactory();
  }
  return defaultBackend;
}

/** Wrap storage uploaded from host data. */
export function fromArray(data: AnyTypedArray | number[], shape: Shape, dtype: DType = 'float32', backend = getBackend()): Tensor {
  if (data.length !== sizeOf(shape)) {
    throw new Error(`tensor: ${data.length} values do not fill shape ${fmt(shape)} (${sizeOf(shape)} elements)`);
  }
  if (!DTYPES.includes(dtype)) throw new Error(`tensor: unknown dtype '${String(dtype)}' (expected ${DTYPES.join(', ')})`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`tensor: invalid shape ${fmt(shape)}`);
  }
  if (dtype === 'int32' && !(data instanceof Int32Array)) checkInt32(data, 'tensor');
  // Plain arrays and typed arrays of another dtype are converted (TypedArray.set converts element-wise).
  let typed: AnyTypedArray;
  if (!(data instanceof Array) && dtypeOf(data) === dtype) typed = data;
  else { typed = arrayFor(dtype, data.length); typed.set(data); }
  const storage = backend.upload(typed, dtype);
  const t = new Tensor([...shape], dtype, { kind: 'concrete', storage, backend, refs: 1 });
  if (dtype === 'int32') t.indexRange = rangeOf(typed);
  return t;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Host numbers becoming int32 must be integers in range: the int32 store would
 * otherwise truncate 2.5 to 2 and wrap 3e10 to -64771072 without a word.
 */
function checkInt32(data: ArrayLike<number>, who: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
      const where = data.length === 1 ? '' : ` at position ${i}`;
      throw new Error(`${who}: value ${v}${where} is not an int32 (an integer in [${INT32_MIN}, ${INT32_MAX}])`);
    }
  }
}

function rangeOf(a: AnyTypedArray): IndexRange {
  const r = { min: Infinity, minAt: -1, max: -Infinity, maxAt: -1 };
  for (let i = 0; i < a.length; i++) {
    if (a[i] < r.min) { r.min = a[i]; r.minAt = i; }
    if (a[i] > r.max) { r.max = a[i]; r.maxAt = i; }
  }
  return r;
}

/** A tensor from nested-free data: `tensor([1, 2, 3, 4], [2, 2])`; shape defaults to 1-D. */
export function tensor(data: AnyTypedArray | number[], shape?: Shape, dtype?: DType): Tensor {
  const dt = dtype ?? (data instanceof Array ? 'float32' : dtypeOf(data));
  return fromArray(data, shape ?? [data.length], dt);
}

export function full(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
  if (dtype === 'int32') checkInt32([value], 'full');
  return fromArray(arrayFor(dtype, sizeOf(shape)).fill(value), shape, dtype);
}
export const zeros = (shape: Shape, dtype: DType = 'float32'): Tensor => full(shape, 0, dtype);
export const ones = (shape: Shape, dtype: DType = 'float32'): Tensor => full(shape, 1, dtype);

/**
 * Scalars used as operands (`mul(x, 2)`) are cached per backend, value and dtype,
 * so a training loop does not upload the same constant every step. Cached
 * scalars are kept out of scopes; the cache is bounded.
 */
const scalarCache = new Map<string, Tensor>();
const SCALAR_CACHE_MAX = 512;

export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  if (dtype === 'int32') checkInt32([value], 'scalar');
  const key = `${dtype}:${value}`;
  let t = scalarCache.get(key);
  if (t && !t.isDisposed) return t;
  if (scalarCache.size >= SCALAR_CACHE_MAX) {
    // Values that change every step (bias corrections, schedules) would grow the
    // cache forever; the oldest entry is dropped (a tape that saved it still holds its own reference).
    const [oldKey, old] = scalarCache.entries().next().value as [string, Tensor];
    scalarCache.delete(oldKey);
    release(old);
  }
  t = keep(fromArray(arrayFor(dtype, 1).fill(value), [], dtype));
  scalarCache.set(key, t);
  return t;
}
