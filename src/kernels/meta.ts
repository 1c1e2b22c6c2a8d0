/**
 * A shape-only backend: every primitive "runs" without computing anything,
 * so a model's forward, gradient, HVP sweep or training step can be traced at
 * full size in a few seconds on any machine, recording what a device would
 * have to hold. Reads return zeros; values are meaningless, shapes exact.
 *
 * Storage follows the WebGPU backend (webgpu/backend.ts): reshape and
 * same-dtype casts alias their input, every other op allocates its output,
 * and live bytes are counted in the WebGPU pool's size classes (what
 * `GpuRuntime.alloc` would create). What it does not see: a kernel's private
 * scratch (the tree reduction's partial sums, a few floats per output) and
 * the runtime's pool of freed buffers kept for reuse (up to 1 GiB by default).
 * With `like: 'cpu'` it counts as the CPU backend's `stats()` does instead
 * (exact bytes, a reshape's storage counted again, every cast a copy), which
 * is how the tests check a trace against a backend that really computes.
 */
import type { Backend, Storage, TensorInfo } from '../tensor/backend.js';
import { type AnyTypedArray, type DType, arrayFor, bytesPer } from '../tensor/dtype.js';
import type { Op } from '../tensor/primitives.js';
import { type Shape, sizeOf } from '../tensor/shapes.js';
import { sizeClass } from './webgpu/pool.js';

interface MetaStorage extends Storage {
  /** Bytes of the tensor's data (elements × bytes per element). */
  readonly bytes: number;
  /** Storages sharing one allocation (a reshape shares its input's); freed when this reaches 0. */
  readonly owners: { count: number };
}

/** The largest tensor seen: its bytes, shape, dtype and the op that made it ('upload' for host data). */
export interface LargestTensor { bytes: number; shape: Shape; dtype: DType; op: string }

/** What a traced computation asked of the device. */
export interface MetaRecord {
  /** Largest single tensor (each is one buffer and one storage binding on WebGPU). */
  largest: LargestTensor;
  /** Most bytes live at once, in WebGPU size classes. */
  peakLiveBytes: number;
  /** Largest batch count of a matmul: the z extent of its WebGPU dispatch grid (limit maxComputeWorkgroupsPerDimension). */
  largestMatmulBatch: number;
  /** Primitives run. */
  ops: number;
}

const emptyRecord = (): MetaRecord => ({
  largest: { bytes: 0, shape: [], dtype: 'float32', op: 'none' }, peakLiveBytes: 0, largestMatmulBatch: 0, ops: 0,
});

/** Whose allocation rules to count by. */
export interface MetaOptions { like?: 'webgpu' | 'cpu' }

export class MetaBackend implements Backend {
  readonly name = 'meta';
  readonly device = 'shape-only trace (no compute)';
  private liveCount = 0;
  private liveBytes = 0;
  private rec = emptyRecord();
  private readonly like: 'webgpu' | 'cpu';

  constructor(opts: MetaOptions = {}) {
    this.like = opts.like ?? 'webgpu';
  }

  /** Bytes a storage of `bytes` occupies: the WebGPU size class, or exactly (CPU). */
  private footprint(bytes: number): number {
    return this.like === 'webgpu' ? sizeClass(Math.max(bytes, 4)) : bytes;
  }

  private count(bytes: number): void {
    this.liveCount++;
    this.liveBytes += this.footprint(bytes);
    this.rec.peakLiveBytes = Math.max(this.rec.peakLiveBytes, this.liveBytes);
  }

  /** Starts a new record; live tensors stay live (their bytes count towards the new peak). */
  reset(): void {
    this.rec = emptyRecord();
    this.rec.peakLiveBytes = this.liveBytes;
  }

  /** What was recorded since construction or the last `reset`. */
  record(): MetaRecord {
    return { ...this.rec, largest: { ...this.rec.largest, shape: [...this.rec.largest.shape] } };
  }

  private make(shape: Shape, dtype: DType, op: string): MetaStorage {
    const bytes = sizeOf(shape) * bytesPer(dtype);
    if (bytes > this.rec.largest.bytes) this.rec.largest = { bytes, shape: [...shape], dtype, op };
    this.count(bytes);
    return { backend: this, bytes, owners: { count: 1 } };
  }

  upload(data: AnyTypedArray, dtype: DType): Storage {
    return this.make([data.length], dtype, 'upload');
  }

  run(op: Op, inputs: readonly TensorInfo[], out: { shape: Shape; dtype: DType }): Storage {
    this.rec.ops++;
    const x = inputs[0].storage as MetaStorage;
    const webgpuAlias = this.like === 'webgpu' && op.op === 'cast' && inputs[0].dtype === out.dtype;
    if (op.op === 'reshape' || webgpuAlias) {
      x.owners.count++;
      // The CPU backend counts each sharing storage's bytes again; WebGPU counts the buffer once.
      if (this.like === 'cpu') this.count(x.bytes);
      return { backend: this, bytes: x.bytes, owners: x.owners } as MetaStorage;
    }
    if (op.op === 'matmul') this.rec.largestMatmulBatch = Math.max(this.rec.largestMatmulBatch, sizeOf(out.shape.slice(0, -2)));
    return this.make(out.shape, out.dtype, op.op);
  }

  read(_s: Storage, dtype: DType, size: number): Promise<AnyTypedArray> {
    return Promise.resolve(arrayFor(dtype, size));
  }

  readSync(_s: Storage, dtype: DType, size: number): AnyTypedArray {
    return arrayFor(dtype, size);
  }

  free(s: Storage): void {
    const m = s as MetaStorage;
    const last = --m.owners.count === 0;
    if (!last && this.like === 'webgpu') return;
    this.liveCount--;
    this.liveBytes -= this.footprint(m.bytes);
  }

  stats(): { buffers: number; bytes: number } {
    return { buffers: this.liveCount, bytes: this.liveBytes };
  }
}
