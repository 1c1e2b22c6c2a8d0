/**
 * The closed set of primitive operations. Every backend implements exactly
 * these; every transformation (JVP, VJP) has one rule per primitive, and the
 * rule tables are typed as `{ [K in OpName]: … }` so a missing rule is a
 * compile error. Everything else (GELU, cross-entropy, attention, conv2d, …)
 * composes from these.
 *
 * Shapes: inputs of elementwise ops broadcast NumPy-style; the output shape is
 * decided in `shapes.ts` (`outputShape`), never by a backend.
 */
import type { DType } from './dtype.js';

/** Elementwise functions of one tensor. */
export type UnaryName = 'neg' | 'exp' | 'log' | 'sqrt' | 'tanh' | 'erf';
/**
 * Elementwise functions of two broadcast tensors. `greater` and `equal` give 1
 * or 0 in the input dtype. On int32 every backend computes the same defined
 * result: add, sub and mul wrap modulo 2³² (two's complement), div truncates
 * toward zero, x / 0 is 0 (WGSL would give x, JavaScript ±Infinity), and
 * -2³¹ / -1 wraps to -2³¹.
 */
export type BinaryName = 'add' | 'sub' | 'mul' | 'div' | 'greater' | 'equal';

/** One primitive application: the name plus its static parameters. */
export type Op =
  | { op: UnaryName }
  | { op: BinaryName }
  | { op: 'where' } //                 (cond, a, b) → cond ≠ 0 ? a : b, broadcast
  | { op: 'sum'; axes: number[] } //   reduced axes kept with size 1
  | { op: 'max'; axes: number[] } //   reduced axes kept with size 1
  | { op: 'reshape'; shape: number[] }
  | { op: 'transpose'; perm: number[] } // out.shape[i] = in.shape[perm[i]]
  | { op: 'broadcast'; shape: number[] } // same rank, size-1 axes stretched
  | { op: 'slice'; begin: number[]; end: number[] }
  | { op: 'pad'; before: number[]; after: number[] } // zero padding
  | { op: 'cast'; dtype: DType }
  | { op: 'matmul'; transA: boolean; transB: boolean } // (…, M, K)·(…, K, N), batch dims broadcast
  | { op: 'gather' } //                (table (V, …F), index int32 (…I)) → (…I, …F)
  | { op: 'scatterAdd'; rows: number } // (src (…I, …F), index int32 (…I)) → (rows, …F)
  | { op: 'im2col'; kh: number; kw: number; stride: number; pad: number } // (B, C, H, W) → (B, Ho·Wo, C·kh·kw)
  | { op: 'col2im'; kh: number; kw: number; stride: number; pad: number; h: number; w: number } // its transpose
  | { op: 'softmax' } //               along the last axis (fused: one pass for max, sum and output)
  | { op: 'layernorm'; eps: number }; // (x − mean) / √(var + eps) along the last axis, no affine

export type OpName = Op['op'];
/** The parameter record of one primitive, for typed rule tables. */
export type OpOf<K extends OpName> = Extract<Op, { op: K }>;

/**
 * The `default` branch of a backend's switch over `op.op`: once every case is
 * handled, `op` has type `never` there, so a primitive added without a kernel
 * is a compile error rather than an output buffer nobody wrote.
 */
export function noKernel(backend: string, op: never): never {
  throw new Error(`${backend}: no kernel for primitive '${(op as Op).op}'`);
}

export const UNARY: readonly UnaryName[] = ['neg', 'exp', 'log', 'sqrt', 'tanh', 'erf'];
export const BINARY: readonly BinaryName[] = ['add', 'sub', 'mul', 'div', 'greater', 'equal'];
