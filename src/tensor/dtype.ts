/** Element types. float32 is the default; float64 runs on the CPU backend (finite differences, Lanczos). */
export type DType = 'float32' | 'float64' | 'int32';

/** Every dtype, for checking names that arrive at run time. */
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

export type AnyTypedArray = Float32Array | Float64Array | Int32Array;

export function arrayFor(dtype: DType, n: number): AnyTypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
    case 'int32': return new Int32Array(n);
  }
}

export function bytesPer(dtype: DType): number {
  return dtype === 'float64' ? 8 : 4;
}

/** The dtype a typed array holds. */
export function dtypeOf(a: AnyTypedArray): DType {
  return a instanceof Float64Array ? 'float64' : a instanceof Int32Array ? 'int32' : 'float32';
}
