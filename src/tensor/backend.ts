/**
 * The interface every compute backend implements. It is deliberately small:
 * move data in and out, run one primitive, free storage. The CPU backend is
 * the readable specification; the WebGPU backend queues kernel dispatches.
 */
import type { AnyTypedArray, DType } from './dtype.js';
import type { Op } from './primitives.js';
import type { Shape } from './shapes.js';

/** A backend's handle to the memory of one tensor (a typed array, a GPUBuffer, …). */
export interface Storage {
  readonly backend: Backend;
}

/** What a backend sees of a tensor: contiguous row-major storage plus its shape and dtype. */
export interface TensorInfo {
  readonly storage: Storage;
  readonly shape: Shape;
  readonly dtype: DType;
}

export interface Backend {
  /** 'cpu' or 'webgpu'. */
  readonly name: string;
  /** Human-readable description of the device (adapter name, thread count, …). */
  readonly device: string;
  /** Copy host data into a new storage of `dtype` (data.length elements). */
  upload(data: AnyTypedArray, dtype: DType): Storage;
  /** Run one primitive. `out` is decided by the caller (shapes.ts); inputs were validated there. */
  run(op: Op, inputs: readonly TensorInfo[], out: { shape: Shape; dtype: DType }): Storage;
  /** Copy a storage back to the host. Waits for queued work. */
  read(s: Storage, dtype: DType, size: number): Promise<AnyTypedArray>;
  /** Synchronous read, where the backend can (the CPU backend); undefined elsewhere. */
  readSync?(s: Storage, dtype: DType, size: number): AnyTypedArray;
  /** Release a storage. Safe while queued work still uses it. */
  free(s: Storage): void;
  /** Live storages and their bytes, for leak tests. */
  stats(): { buffers: number; bytes: number };
}
