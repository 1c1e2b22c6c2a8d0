/**
 * safetensors element types and how their little-endian bytes become typed
 * arrays. heterograd holds F32, F64 and I32 exactly; F16 and BF16 (the usual
 * dtypes of published checkpoints) are read by widening to float32, which is
 * exact, and are never written.
 */
import type { AnyTypedArray, DType } from '../tensor/index.js';

/** Every dtype name the format defines, so an unsupported one is told apart from a typo. */
const KNOWN = new Set([
  'BOOL', 'U8', 'I8', 'U16', 'I16', 'F16', 'BF16', 'U32', 'I32', 'F32', 'U64', 'I64', 'F64',
  'F8_E4M3', 'F8_E5M2', 'F8_E8M0', 'F4', 'F6_E2M3', 'F6_E3M2', 'C64',
]);

export type StDtype = 'F32' | 'F64' | 'I32' | 'F16' | 'BF16';
export const READABLE: readonly StDtype[] = ['F32', 'F64', 'I32', 'F16', 'BF16'];

/** Bytes per element. */
export const BYTES: Record<StDtype, number> = { F32: 4, F64: 8, I32: 4, F16: 2, BF16: 2 };

/** The heterograd dtype a safetensors dtype is read into. */
export const READ_AS: Record<StDtype, DType> = { F32: 'float32', F64: 'float64', I32: 'int32', F16: 'float32', BF16: 'float32' };

/** The safetensors dtype a host array is written as. */
export function writeAs(a: AnyTypedArray): StDtype {
  if (a instanceof Float32Array) return 'F32';
  if (a instanceof Float64Array) return 'F64';
  if (a instanceof Int32Array) return 'I32';
  throw new Error(`safetensors: cannot write a ${(a as object).constructor.name} (heterograd writes Float32Array, Float64Array, Int32Array)`);
}

/** Check a header's dtype string; `where` names the tensor in the error. */
export function parseDtype(s: unknown, where: string): StDtype {
  if (typeof s !== 'string') throw new Error(`safetensors: ${where}: dtype must be a string, got ${JSON.stringify(s)}`);
  if ((READABLE as readonly string[]).includes(s)) return s as StDtype;
  if (KNOWN.has(s)) throw new Error(`safetensors: ${where}: dtype ${s} is not supported (heterograd reads ${READABLE.join(', ')})`);
  throw new Error(`safetensors: ${where}: unknown dtype ${JSON.stringify(s)}`);
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The element of a raw little-endian buffer `bytes` (n·BYTES[dtype],) as a typed array of READ_AS[dtype]. */
export function fromBytes(bytes: Uint8Array, dtype: StDtype): AnyTypedArray {
  const n = bytes.length / BYTES[dtype];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F32': return LITTLE_ENDIAN_HOST ? new Float32Array(copy(bytes)) : Float32Array.from({ length: n }, (_, i) => view.getFloat32(4 * i, true));
    case 'F64': return LITTLE_ENDIAN_HOST ? new Float64Array(copy(bytes)) : Float64Array.from({ length: n }, (_, i) => view.getFloat64(8 * i, true));
    case 'I32': return LITTLE_ENDIAN_HOST ? new Int32Array(copy(bytes)) : Int32Array.from({ length: n }, (_, i) => view.getInt32(4 * i, true));
    case 'F16': return Float32Array.from({ length: n }, (_, i) => halfToFloat(view.getUint16(2 * i, true)));
    // bf16 is the top half of a float32: shifting its bits up is the exact widening.
    case 'BF16': return widenBf16(view, n);
  }
}

/** The little-endian bytes of a typed array (written as WRITE_AS of its dtype). */
export function toBytes(a: AnyTypedArray): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
  const out = new Uint8Array(a.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) {
    if (a instanceof Float64Array) view.setFloat64(8 * i, a[i], true);
    else if (a instanceof Int32Array) view.setInt32(4 * i, a[i], true);
    else view.setFloat32(4 * i, a[i], true);
  }
  return out;
}

/**
 * An aligned copy of a byte range (typed arrays need offsets that are multiples
 * of their element size). Not `b.slice()`: on a node Buffer that is a view.
 */
const copy = (b: Uint8Array): ArrayBuffer => new Uint8Array(b).buffer;

function widenBf16(view: DataView, n: number): Float32Array {
  const bits = new Uint32Array(n);
  for (let i = 0; i < n; i++) bits[i] = view.getUint16(2 * i, true) << 16;
  return new Float32Array(bits.buffer);
}

/** IEEE binary16 bits to the number they encode (exact in float32): sign, 5-bit exponent (bias 15), 10-bit fraction. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // zero and subnormals: frac · 2^-14 · 2^-10
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
