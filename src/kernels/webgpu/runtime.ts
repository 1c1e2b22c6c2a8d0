/**
 * The GPU plumbing under the WebGPU backend: pipelines compiled once and
 * cached, storage buffers recycled through a pool, and dispatches queued —
 * many per command encoder, submitted together on `flush` (a read, or a
 * batch grown to `maxBatch`). Nothing is read back unless asked.
 *
 * Parameters of a dispatch go into a 256-byte slot of one host array per
 * batch; the whole array is written to one parameter buffer just before the
 * batch is submitted. Queue order makes reusing that buffer for the next
 * batch safe: the write is ordered after the previous submission.
 */
import { PARAM_BYTES, PARAM_WORDS } from './wgsl/common.js';
import { ErrorFlag } from './flag.js';
import { BufferPool, sizeClass } from './pool.js';

/** One GPU buffer that holds tensor data, shared by the storages that alias it (reshape). */
export interface GpuBuf {
  readonly buffer: GPUBuffer;
  /** Bytes allocated (a size class). */
  readonly size: number;
  refs: number;
  /** The batch that last used it; a buffer freed while its batch is unsubmitted waits for the flush. */
  lastUse: number;
}

export interface Dispatch {
  /** Cache key of the WGSL source (kernel name + dtypes + compile-time choices). */
  kernel: string;
  /** Builds the WGSL source; called once per `kernel`. */
  wgsl: () => string;
  /** Override constants; part of the pipeline key. */
  constants?: Record<string, number | boolean>;
  inputs: GpuBuf[];
  output: GpuBuf;
  /** At most 64 u32 words (floats as bits). */
  params: ArrayLike<number>;
  /** Workgroup counts [x, y, z]. */
  groups: [number, number, number];
  /**
   * What went wrong if the kernel raises the error flag (an index computed on
   * the device out of range). The runtime then binds the flag word after the
   * params and appends this dispatch's tag as the last parameter word; the
   * next read throws this message.
   */
  raises?: string;
}

/** Launch choices that depend on the device (see kernels/README.md for the measurements). */
export interface Tuning {
  /**
   * Row kernels (softmax, layernorm) give each invocation about this many
   * elements of a row. Workgroup barriers are expensive on SwiftShader, so
   * there a row is best left to one invocation up to ~512 elements; a GPU
   * wants many invocations per row.
   */
  rowElementsPerInvocation: number;
  /** Reductions with at least this many outputs use one invocation per output (no barriers). */
  reduceSerialMinOutputs: number;
  /** Workgroup size of the tree reduction, and the elements one workgroup takes on. */
  reduceTreeWG: number;
  reduceChunk: number;
  /** Workgroup size of the elementwise, copy and indexing kernels. */
  elementwiseWG: number;
  /**
   * 'auto' matmul runs 05_wgtile when M·N·K reaches this (measured faster on
   * an H100 from 2048³; 04_vec4 below, and everywhere on SwiftShader).
   */
  matmulWgTileMinWork: number;
}

/**
 * Tuning for a software implementation (SwiftShader: barriers cost like
 * hundreds of flops, and two CPU cores need little parallelism) or a GPU.
 */
export const tuningFor = (software: boolean): Tuning => software
  ? { rowElementsPerInvocation: 512, reduceSerialMinOutputs: 16, reduceTreeWG: 64, reduceChunk: 65536, elementwiseWG: 256, matmulWgTileMinWork: Infinity }
  : { rowElementsPerInvocation: 8, reduceSerialMinOutputs: 1024, reduceTreeWG: 256, reduceChunk: 8192, elementwiseWG: 256, matmulWgTileMinWork: 2048 ** 3 };

export interface RuntimeOptions {
  /** Overrides of the device-dependent launch choices. */
  tuning?: Partial<Tuning>;
  /** Dispatches per submission before a flush is forced. */
  maxBatch?: number;
  /** Pooled (freed, kept for reuse) bytes beyond which freed buffers are destroyed. */
  maxPooledBytes?: number;
  /** How long a read may wait for the GPU before it fails instead of hanging. */
  readTimeoutMs?: number;
}

interface Layout { group: GPUBindGroupLayout; pipeline: GPUPipelineLayout }

export class GpuRuntime {
  readonly maxBatch: number;
  private readonly pool: BufferPool;
  private readonly staging = new BufferPool(64 << 20);
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  /**
   * Every kernel binds (inputs…, output, params) in that order, so one layout
   * per input count serves all; the params slot is a dynamic offset, which
   * lets a bind group be reused across dispatches on the same buffers
   * (creating one costs about as much as the dispatch itself).
   */
  private readonly layouts = new Map<number, Layout>();
  private readonly groups = new Map<string, GPUBindGroup>();
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private nextBufferId = 1;
  private readonly readTimeoutMs: number;
  /** Device limits checked on every alloc / dispatch (Dawn's `limits` getter builds a new object per read). */
  private readonly maxBinding: number;
  private readonly maxGroups: number;
  private readonly params: GPUBuffer;
  private readonly hostParams: Uint32Array;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private batch = 1;
  private queued = 0;
  /**
   * Buffers freed while the unsubmitted batch may still use them. A later
   * dispatch of the same batch may write them (dispatches run in order, with
   * barriers between them), but an upload may not: queue.writeBuffer lands
   * before the batch runs. They join the main pool at the flush.
   */
  private recent = new BufferPool(Infinity);
  private failure: string | null = null;
  /** The word a kernel raises instead of failing silently; checked by the next read. */
  private readonly flag: ErrorFlag;
  /** Compile checks of new shader modules, awaited by the next read so their message wins. */
  private compiling: Promise<void>[] = [];
  live = { buffers: 0, bytes: 0 };
  /** Dispatches, submissions and compiled pipelines so far (for benchmarks and tests). */
  counters = { dispatches: 0, submits: 0, pipelines: 0 };

  readonly tuning: Tuning;

  /** `software`: the adapter is a CPU implementation (SwiftShader), which changes the tuning. */
  constructor(readonly device: GPUDevice, software: boolean, opts: RuntimeOptions = {}) {
    this.tuning = { ...tuningFor(software), ...opts.tuning };
    if (device.limits.minStorageBufferOffsetAlignment > PARAM_BYTES) {
      throw new Error(`webgpu: this device aligns storage bindings to ${device.limits.minStorageBufferOffsetAlignment} bytes; parameter slots are ${PARAM_BYTES}`);
    }
    this.maxBatch = opts.maxBatch ?? 512;
    this.pool = new BufferPool(opts.maxPooledBytes ?? 1 << 30);
    this.readTimeoutMs = opts.readTimeoutMs ?? 120_000;
    this.maxBinding = device.limits.maxStorageBufferBindingSize;
    this.maxGroups = device.limits.maxComputeWorkgroupsPerDimension;
    this.hostParams = new Uint32Array(this.maxBatch * PARAM_WORDS);
    this.params = device.createBuffer({
      label: 'heterograd params', size: this.maxBatch * PARAM_BYTES,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    this.flag = new ErrorFlag(device);
    device.addEventListener('uncapturederror', (e) => {
      this.failure ??= `WebGPU error: ${(e as GPUUncapturedErrorEvent).error.message}`;
    });
    void device.lost.then((info) => {
      this.failure ??= `WebGPU device lost (${info.reason}): ${info.message}`;
    });
  }

  /** Throw the first asynchronous GPU error seen so far, if any. */
  check(): void {
    if (this.failure) throw new Error(`webgpu: ${this.failure}`);
  }

  /**
   * A buffer for `bytes` of tensor data (pooled when possible), holding one
   * reference. `forUpload`: it will be written by the host, not by a kernel.
   */
  alloc(bytes: number, forUpload = false): GpuBuf {
    this.check();
    const size = sizeClass(Math.max(bytes, 4));
    if (size > this.maxBinding) {
      throw new Error(`webgpu: a tensor of ${bytes} bytes exceeds this device's largest storage binding (${this.maxBinding} bytes)`);
    }
    let buffer = (forUpload ? undefined : this.recent.take(size)) ?? this.pool.take(size);
    if (!buffer) {
      this.device.pushErrorScope('out-of-memory');
      buffer = this.device.createBuffer({
        label: `tensor ${size}B`, size,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
      void this.device.popErrorScope().then((e) => {
        if (e) this.failure ??= `out of GPU memory allocating ${size} bytes (${e.message})`;
      });
    }
    this.live.buffers++;
    this.live.bytes += size;
    return { buffer, size, refs: 1, lastUse: 0 };
  }

  /** Give a buffer whose last reference is gone back to the pool — after the flush if queued work uses it. */
  recycle(b: GpuBuf): void {
    this.live.buffers--;
    this.live.bytes -= b.size;
    if (b.lastUse === this.batch && this.encoder) this.recent.give(b.buffer);
    else this.pool.give(b.buffer);
  }

  upload(b: GpuBuf, data: ArrayBufferView): void {
    this.device.queue.writeBuffer(b.buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  }

  private layout(inputs: number, flag: boolean): Layout {
    const key = flag ? -1 - inputs : inputs;
    let l = this.layouts.get(key);
    if (!l) {
      const entries: GPUBindGroupLayoutEntry[] = [];
      for (let i = 0; i < inputs; i++) entries.push({ binding: i, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } });
      entries.push({ binding: inputs, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } });
      entries.push({ binding: inputs + 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage', hasDynamicOffset: true } });
      if (flag) entries.push({ binding: inputs + 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } });
      const label = `${inputs} inputs${flag ? ' + flag' : ''}`;
      const group = this.device.createBindGroupLayout({ label, entries });
      l = { group, pipeline: this.device.createPipelineLayout({ label, bindGroupLayouts: [group] }) };
      this.layouts.set(key, l);
    }
    return l;
  }

  private pipeline(d: Dispatch): GPUComputePipeline {
    const constants = d.constants ?? {};
    // Built on every dispatch, so a plain loop: Object.entries/map/join cost 4× as much.
    let key = d.kernel;
    for (const k in constants) key += `|${k}=${constants[k]}`;
    let pipeline = this.pipelines.get(key);
    if (pipeline) return pipeline;
    let module = this.modules.get(d.kernel);
    if (!module) {
      const code = d.wgsl();
      module = this.device.createShaderModule({ label: d.kernel, code });
      const m = module;
      this.compiling.push(m.getCompilationInfo().then((info) => {
        const errors = info.messages.filter((msg) => msg.type === 'error');
        if (errors.length === 0) return;
        const lines = code.split('\n');
        const where = errors.map((msg) => `line ${msg.lineNum}: ${msg.message}\n    ${lines[msg.lineNum - 1]?.trim() ?? ''}`);
        // A compile error explains the invalid-pipeline errors that follow it, so it replaces them.
        this.failure = `kernel ${d.kernel} failed to compile:\n  ${where.join('\n  ')}`;
      }));
      this.modules.set(d.kernel, module);
    }
    const numeric = Object.fromEntries(Object.entries(constants).map(([k, v]) => [k, Number(v)]));
    pipeline = this.device.createComputePipeline({
      label: key, layout: this.layout(d.inputs.length, d.raises !== undefined).pipeline, compute: { module, entryPoint: 'main', constants: numeric },
    });
    this.pipelines.set(key, pipeline);
    this.counters.pipelines++;
    return pipeline;
  }

  private bufferId(b: GPUBuffer): number {
    let id = this.bufferIds.get(b);
    if (id === undefined) this.bufferIds.set(b, (id = this.nextBufferId++));
    return id;
  }

  /** The bind group of these buffers (cached, least recently used dropped past 4096). */
  private bindGroup(bufs: GpuBuf[], flag: boolean): GPUBindGroup {
    const key = bufs.map((b) => this.bufferId(b.buffer)).join(',') + (flag ? ',flag' : '');
    let group = this.groups.get(key);
    if (group) {
      this.groups.delete(key); // re-inserted below: Map order is the recency order
    } else {
      const entries: GPUBindGroupEntry[] = bufs.map((b, i) => ({ binding: i, resource: { buffer: b.buffer } }));
      entries.push({ binding: bufs.length, resource: { buffer: this.params, offset: 0, size: PARAM_BYTES } });
      if (flag) entries.push({ binding: bufs.length + 1, resource: { buffer: this.flag.buffer } });
      group = this.device.createBindGroup({ label: `bind ${key}`, layout: this.layout(bufs.length - 1, flag).group, entries });
      if (this.groups.size >= 4096) this.groups.delete(this.groups.keys().next().value!);
    }
    this.groups.set(key, group);
    return group;
  }

  /** Queue one dispatch. */
  dispatch(d: Dispatch): void {
    this.check();
    const words = d.params.length + (d.raises === undefined ? 0 : 1);
    if (words > PARAM_WORDS) throw new Error(`webgpu: ${d.kernel} needs ${words} parameter words (max ${PARAM_WORDS})`);
    if (d.groups.some((g) => g > this.maxGroups)) throw new Error(`webgpu: ${d.kernel} needs a grid of [${d.groups}] workgroups (max ${this.maxGroups} per dimension)`);
    const pipeline = this.pipeline(d);
    if (!this.encoder) {
      this.encoder = this.device.createCommandEncoder({ label: `batch ${this.batch}` });
      this.pass = this.encoder.beginComputePass({ label: `batch ${this.batch}` });
    }
    const slot = this.queued++;
    this.hostParams.fill(0, slot * PARAM_WORDS, (slot + 1) * PARAM_WORDS);
    this.hostParams.set(d.params, slot * PARAM_WORDS);
    if (d.raises !== undefined) this.hostParams[slot * PARAM_WORDS + d.params.length] = this.flag.tag(d.raises);
    const bufs = [...d.inputs, d.output];
    for (const b of bufs) b.lastUse = this.batch;
    this.pass!.setPipeline(pipeline);
    this.pass!.setBindGroup(0, this.bindGroup(bufs, d.raises !== undefined), [slot * PARAM_BYTES]);
    this.pass!.dispatchWorkgroups(...d.groups);
    this.counters.dispatches++;
    if (this.queued >= this.maxBatch) this.flush();
  }

  /** Submit the queued dispatches. */
  flush(): void {
    if (!this.encoder) return;
    this.pass!.end();
    const commands = this.encoder.finish({ label: `batch ${this.batch}` });
    this.device.queue.writeBuffer(this.params, 0, this.hostParams.buffer, 0, this.queued * PARAM_BYTES);
    this.device.queue.submit([commands]);
    this.counters.submits++;
    this.encoder = null;
    this.pass = null;
    this.queued = 0;
    this.batch++;
    // Later submissions run after this one, so these buffers may now be reused by anyone.
    for (const b of this.recent.drain()) this.pool.give(b);
  }

  /** Wait until the GPU has finished everything submitted (flushes first). */
  async sync(): Promise<void> {
    this.flush();
    await this.withTimeout(this.device.queue.onSubmittedWorkDone(), 'waiting for queued work');
    await this.settle();
  }

  /** Wait for the compile checks of new kernels, then throw any error seen. */
  private async settle(): Promise<void> {
    if (this.compiling.length) {
      const pending = this.compiling;
      this.compiling = [];
      await Promise.all(pending);
    }
    this.check();
  }

  /** Copy the first `bytes` of a buffer to the host. */
  async read(b: GpuBuf, bytes: number): Promise<ArrayBuffer> {
    this.flush();
    await this.settle();
    const n = Math.max(4, Math.ceil(bytes / 4) * 4);
    // The flag word rides along after the data when a kernel since the last read could raise it.
    const checkFlag = this.flag.pending;
    const size = sizeClass(n + 4);
    const staging = this.staging.take(size) ?? this.device.createBuffer({
      label: `readback ${size}B`, size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const enc = this.device.createCommandEncoder({ label: 'readback' });
    enc.copyBufferToBuffer(b.buffer, 0, staging, 0, n);
    if (checkFlag) enc.copyBufferToBuffer(this.flag.buffer, 0, staging, n, 4);
    this.device.queue.submit([enc.finish({ label: 'readback' })]);
    this.counters.submits++;
    try {
      await this.withTimeout(staging.mapAsync(GPUMapMode.READ, 0, n + 4), 'reading a tensor back');
    } catch (e) {
      this.check();
      throw e;
    }
    const mapped = staging.getMappedRange(0, n + 4);
    const out = mapped.slice(0, bytes);
    const raised = checkFlag ? new Uint32Array(mapped, n, 1)[0] : 0;
    staging.unmap();
    this.staging.give(staging);
    if (checkFlag) this.flag.settle(raised);
    return out;
  }

  private async withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(
        `webgpu: timed out after ${this.readTimeoutMs} ms ${what}${this.failure ? ` (${this.failure})` : ''}`)), this.readTimeoutMs);
    });
    try {
      return await Promise.race([p, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Freed buffers kept for reuse (both pools). */
  pooled(): { buffers: number; bytes: number } {
    const [a, b] = [this.pool.stats(), this.recent.stats()];
    return { buffers: a.buffers + b.buffers, bytes: a.bytes + b.bytes };
  }

  /** Release every GPU resource; the runtime is unusable afterwards. */
  destroy(): void {
    this.flush();
    this.pool.clear();
    this.recent.clear();
    this.staging.clear();
    this.params.destroy();
    this.flag.destroy();
    this.device.destroy();
  }
}
