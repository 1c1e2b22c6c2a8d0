/**
 * The WebGPU backend: every primitive as a queued kernel dispatch (see
 * runtime.ts for batching, pooling and readback; launch/ for launching; wgsl/
 * for the kernels). Tensors are never modified in place, so reshape and
 * same-dtype casts alias their input's buffer instead of copying it.
 */
import type { Backend, Storage, TensorInfo } from '../../tensor/backend.js';
import type { AnyTypedArray, DType } from '../../tensor/dtype.js';
import { type Op, noKernel } from '../../tensor/primitives.js';
import { type Shape, sizeOf } from '../../tensor/shapes.js';
import { binary, cast, unary, where } from './launch/elementwise.js';
import { col2im, gather, im2col, scatterAdd } from './launch/indexing.js';
import type { Arg } from './launch/layout.js';
import { type MatmulChoice, matmul } from './launch/matmul.js';
import { broadcast, pad, slice, transpose } from './launch/movement.js';
import { reduce } from './launch/reduce.js';
import { layernorm, softmax } from './launch/rows.js';
import { type GpuBuf, GpuRuntime, type RuntimeOptions } from './runtime.js';
import type { GpuDType } from './wgsl/common.js';
import { releaseInstance } from './instance.js';

export interface GpuStorage extends Storage {
  readonly buf: GpuBuf;
  freed: boolean;
}

export interface WebGpuBackendOptions extends RuntimeOptions {
  /** The matmul kernel (default 'auto': the fastest measured on SwiftShader that fits the shape). */
  matmul?: MatmulChoice;
}

function gpuDtype(dtype: DType, what: string): GpuDType {
  if (dtype === 'float64') {
    throw new Error(`webgpu: ${what}: float64 tensors are CPU-only (WGSL has no f64); cast to float32 or use the CPU backend`);
  }
  return dtype;
}

export class WebGpuBackend implements Backend {
  readonly name = 'webgpu';
  readonly rt: GpuRuntime;
  matmulKernel: MatmulChoice;
  private storages = 0;

  /** `device`: a description of the adapter, for reports. */
  constructor(gpuDevice: GPUDevice, readonly device: string, opts: WebGpuBackendOptions = {}) {
    this.rt = new GpuRuntime(gpuDevice, /swiftshader|lavapipe|llvmpipe/i.test(device), opts);
    this.matmulKernel = opts.matmul ?? 'auto';
  }

  private wrap(buf: GpuBuf): GpuStorage {
    this.storages++;
    return { backend: this, buf, freed: false };
  }

  upload(data: AnyTypedArray, dtype: DType): GpuStorage {
    gpuDtype(dtype, 'upload');
    const buf = this.rt.alloc(data.byteLength, true);
    if (data.byteLength > 0) this.rt.upload(buf, data);
    return this.wrap(buf);
  }

  run(op: Op, inputs: readonly TensorInfo[], spec: { shape: Shape; dtype: DType }): GpuStorage {
    const args: Arg[] = inputs.map((t) => ({
      buf: (t.storage as GpuStorage).buf, shape: t.shape, dtype: gpuDtype(t.dtype, op.op),
    }));
    const outDtype = gpuDtype(spec.dtype, op.op);
    if (op.op === 'reshape' || (op.op === 'cast' && args[0].dtype === outDtype)) {
      args[0].buf.refs++;
      return this.wrap(args[0].buf);
    }
    const n = sizeOf(spec.shape);
    const out: Arg = { buf: this.rt.alloc(n * 4), shape: spec.shape, dtype: outDtype };
    if (n > 0) this.encode(op, args, out);
    return this.wrap(out.buf);
  }

  private encode(op: Op, x: Arg[], out: Arg): void {
    const rt = this.rt;
    switch (op.op) {
      case 'neg': case 'exp': case 'log': case 'sqrt': case 'tanh': case 'erf':
        return unary(rt, op.op, x[0], out);
      case 'add': case 'sub': case 'mul': case 'div': case 'greater': case 'equal':
        return binary(rt, op.op, x[0], x[1], out);
      case 'where': return where(rt, x[0], x[1], x[2], out);
      case 'sum': case 'max': return reduce(rt, op.op, x[0], out);
      case 'reshape': throw new Error('internal: reshape aliases its input');
      case 'transpose': return transpose(rt, x[0], op.perm, out);
      case 'broadcast': return broadcast(rt, x[0], out);
      case 'slice': return slice(rt, x[0], op.begin, out);
      case 'pad': return pad(rt, x[0], op.before, out);
      case 'cast': return cast(rt, x[0], out);
      case 'matmul': return matmul(rt, this.matmulKernel, x[0], x[1], op.transA, op.transB, out);
      case 'gather': return gather(rt, x[0], x[1], out);
      case 'scatterAdd': return scatterAdd(rt, x[0], x[1], op.rows, out);
      case 'im2col': return im2col(rt, x[0], op, out);
      case 'col2im': return col2im(rt, x[0], op, out);
      case 'softmax': return softmax(rt, x[0], out);
      case 'layernorm': return layernorm(rt, x[0], op.eps, out);
      default: return noKernel('webgpu', op);
    }
  }

  async read(s: Storage, dtype: DType, size: number): Promise<AnyTypedArray> {
    const st = s as GpuStorage;
    if (st.freed) throw new Error('webgpu: read of a freed storage');
    const bytes = await this.rt.read(st.buf, size * 4);
    return gpuDtype(dtype, 'read') === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes);
  }

  free(s: Storage): void {
    const st = s as GpuStorage;
    if (st.freed) return;
    st.freed = true;
    this.storages--;
    if (--st.buf.refs === 0) this.rt.recycle(st.buf);
  }

  /**
   * Live tensor buffers and their bytes (size classes, as allocated); `storages`
   * counts tensors (reshapes share a buffer); `pooled*` are freed buffers kept for reuse.
   */
  stats(): { buffers: number; bytes: number; storages: number; pooledBuffers: number; pooledBytes: number } {
    const pooled = this.rt.pooled();
    return { ...this.rt.live, storages: this.storages, pooledBuffers: pooled.buffers, pooledBytes: pooled.bytes };
  }

  /** Submit queued work now (reads do this themselves). */
  flush(): void {
    this.rt.flush();
  }

  /** Wait for all queued work to finish on the GPU (for timing). */
  sync(): Promise<void> {
    return this.rt.sync();
  }

  /** Release the device (and Dawn's instance, so Node can exit); the backend is unusable afterwards. */
  destroy(): void {
    this.rt.destroy();
    releaseInstance(this.rt.device);
  }
}
