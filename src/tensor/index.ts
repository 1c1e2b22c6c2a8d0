/** Tensors, primitives, shapes, and creation. */
export { Tensor, tidy, keep, dispose, liveTensorCount, type Params } from './tensor.js';
export { tensor, fromArray, full, zeros, ones, scalar, setBackend, getBackend } from './create.js';
export * from './ops.js';
export type { Op, OpName, UnaryName, BinaryName } from './primitives.js';
export type { DType, AnyTypedArray } from './dtype.js';
export type { Backend, Storage, TensorInfo } from './backend.js';
export { type Shape, fmt as formatShape, sizeOf } from './shapes.js';
export * from './nn.js';
