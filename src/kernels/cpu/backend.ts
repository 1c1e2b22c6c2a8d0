/**
 * The CPU backend: the readable specification of every primitive, and the
 * backend experiments run on where no GPU exists. Storage is a typed array.
 */
import os from 'node:os';
import type { Backend, Storage, TensorInfo } from '../../tensor/backend.js';
import { type AnyTypedArray, type DType, arrayFor, bytesPer, dtypeOf } from '../../tensor/dtype.js';
import { type Op, noKernel } from '../../tensor/primitives.js';
import { type Shape, sizeOf } from '../../tensor/shapes.js';
import { col2im, im2col } from './conv.js';
import { binary, unary, where } from './elementwise.js';
import { gather, scatterAdd } from './gather.js';
import { type Gemm, matmul, matmulReference } from './matmul.js';
import { broadcastTo, cast, pad, slice, transpose } from './movement.js';
import { reduce } from './reduce.js';
import { layernorm, softmax } from './rows.js';

export interface CpuStorage extends Storage {
  readonly data: AnyTypedArray;
  /** Storages sharing `data` (a reshape shares its input's array); the array is recycled when this reaches 0. */
  readonly owners: { count: number };
}

/**
 * Recycles freed arrays by dtype and length. Allocating a fresh large typed
 * array costs about as much as a pass over it (the memory is zeroed outside
 * the JS heap, and large external allocations push V8 into extra garbage
 * collections), and a training step frees and re-creates the same shapes every
 * time, so reuse makes elementwise ops roughly twice as fast. Every primitive
 * writes all of its output, so recycled arrays need no clearing.
 *
 * How much it may hold is set by its owner (`limit`); the CPU backend lets it
 * keep what the program once had live and no longer has: up to the peak of
 * live storage minus what is live now (at least 256 MB, at most a quarter of
 * RAM). A block-Hessian sweep holds its whole tape (0.7 GB on ViT small, 1.4
 * GB with stacked tangents) and frees it at the end; a fixed 256 MB pool
 * dropped most of it, and the next sweep allocated it all again (stacked sweep
 * 0.74–0.76 s CPU against 0.41–0.50 s with the pool following the peak). When
 * the next sweep repeats the shapes, its arrays move from the pool to the tape
 * and the limit falls as fast as the pool empties; when shapes change, each
 * fresh allocation lowers the limit and the arrays freed longest ago go. So
 * live storage plus the pool stay within the peak (or live + 256 MB).
 */
export class ArrayPool {
  private readonly free = new Map<string, AnyTypedArray[]>();
  /** Every pooled array with its key, oldest first (a Map keeps insertion order). */
  private readonly age = new Map<AnyTypedArray, string>();
  private pooledBytes = 0;
  private maxBytes = 0;
  constructor(private readonly minLength: number) {}

  /** Holds at most `bytes` from now on, dropping the arrays freed longest ago to get there. */
  limit(bytes: number): void {
    this.maxBytes = bytes;
    while (this.pooledBytes > bytes) this.evictOldest();
  }

  take(dtype: DType, n: number, alloc: (dtype: DType, n: number) => AnyTypedArray): AnyTypedArray {
    if (n >= this.minLength) {
      const a = this.free.get(`${dtype}:${n}`)?.pop();
      if (a) {
        this.age.delete(a);
        this.pooledBytes -= a.byteLength;
        return a;
      }
    }
    return alloc(dtype, n);
  }

  give(dtype: DType, a: AnyTypedArray): void {
    if (a.length < this.minLength || a.byteLength > this.maxBytes) return;
    while (this.pooledBytes + a.byteLength > this.maxBytes) this.evictOldest();
    const key = `${dtype}:${a.length}`;
    const list = this.free.get(key) ?? [];
    list.push(a);
    this.free.set(key, list);
    this.age.set(a, key);
    this.pooledBytes += a.byteLength;
  }

  private evictOldest(): void {
    const [a, key] = this.age.entries().next().value as [AnyTypedArray, string];
    this.age.delete(a);
    const list = this.free.get(key)!;
    list.splice(list.indexOf(a), 1);
    if (list.length === 0) this.free.delete(key);
    this.pooledBytes -= a.byteLength;
  }
}

export interface CpuBackendOptions {
  /** The matmul kernel; the plain reference loop unless a faster one is supplied. */
  gemm?: Gemm;
  /** How the device line names the gemm (default 'tiled gemm' with a supplied one). */
  gemmName?: string;
  /** The add/sub/mul/div/greater/equal kernel (contract of `binary` in elementwise.ts); the plain loops unless a faster one is supplied. */
  binary?: typeof binary;
  /** The where kernel (contract of `where` in elementwise.ts); the plain loop unless a faster one is supplied. */
  where?: typeof where;
  /** The neg/exp/log/sqrt/tanh/erf kernel (contract of `unary` in elementwise.ts); the plain loops unless a faster one is supplied. */
  unary?: typeof unary;
  /** The sum/max kernel (contract of `reduce` in reduce.ts); the plain loops unless a faster one is supplied. */
  reduce?: typeof reduce;
  /** The softmax and layernorm row kernels (contracts of rows.ts); the plain loops unless faster ones are supplied. */
  rows?: { softmax: typeof softmax; layernorm: typeof layernorm };
  /** Allocator for float storage (for example SharedArrayBuffer-backed arrays the gemm workers can read). */
  alloc?: (dtype: DType, n: number) => AnyTypedArray;
}

export class CpuBackend implements Backend {
  readonly name = 'cpu';
  readonly device: string;
  private live = 0;
  private bytes = 0;
  private readonly gemm: Gemm;
  private readonly binary: typeof binary;
  private readonly unary: typeof unary;
  private readonly where: typeof where;
  private readonly reduce: typeof reduce;
  private readonly rows: { softmax: typeof softmax; layernorm: typeof layernorm };
  private readonly alloc: (dtype: DType, n: number) => AnyTypedArray;
  /** Bytes of the distinct arrays live now (a reshape shares its input's), and the most so far: they set the pool's limit. */
  private held = 0;
  private peak = 0;
  private readonly pool = new ArrayPool(1024);
  private readonly poolMin = 256 * 2 ** 20;
  private readonly poolCap = os.totalmem() / 4;

  constructor(opts: CpuBackendOptions = {}) {
    this.gemm = opts.gemm ?? matmulReference;
    this.binary = opts.binary ?? binary;
    this.unary = opts.unary ?? unary;
    this.where = opts.where ?? where;
    this.reduce = opts.reduce ?? reduce;
    this.rows = opts.rows ?? { softmax, layernorm };
    this.alloc = opts.alloc ?? arrayFor;
    this.device = `CPU (${os.cpus().length} cores, ${opts.gemm ? opts.gemmName ?? 'tiled gemm' : 'reference gemm'})`;
  }

  private make(dtype: DType, n: number): CpuStorage {
    this.live++;
    this.bytes += n * bytesPer(dtype);
    const data = this.pool.take(dtype, n, this.alloc);
    this.held += data.byteLength;
    this.peak = Math.max(this.peak, this.held);
    this.limitPool();
    return { backend: this, data, owners: { count: 1 } };
  }

  /** The pool may keep what was once live and is not now (see ArrayPool). */
  private limitPool(): void {
    this.pool.limit(Math.max(this.poolMin, Math.min(this.poolCap, this.peak) - this.held));
  }

  upload(data: AnyTypedArray, dtype: DType): CpuStorage {
    const s = this.make(dtype, data.length);
    s.data.set(data);
    return s;
  }

  read(s: Storage, dtype: DType, size: number): Promise<AnyTypedArray> {
    return Promise.resolve(this.readSync(s, dtype, size));
  }

  readSync(s: Storage, _dtype: DType, _size: number): AnyTypedArray {
    return (s as CpuStorage).data.slice();
  }

  free(s: Storage): void {
    const { data, owners } = s as CpuStorage;
    this.live--;
    this.bytes -= data.byteLength;
    if (--owners.count > 0) return;
    this.held -= data.byteLength;
    this.limitPool();
    this.pool.give(dtypeOf(data), data);
  }

  stats(): { buffers: number; bytes: number } {
    return { buffers: this.live, bytes: this.bytes };
  }

  run(op: Op, inputs: readonly TensorInfo[], outSpec: { shape: Shape; dtype: DType }): CpuStorage {
    if (op.op === 'reshape') {
      // Storage is never written after an op returns, so a reshape can share its input's array.
      const { data, owners } = inputs[0].storage as CpuStorage;
      owners.count++;
      this.live++;
      this.bytes += data.byteLength;
      return { backend: this, data, owners };
    }
    const outS = this.make(outSpec.dtype, sizeOf(outSpec.shape));
    const out = outS.data;
    const x = inputs.map((t) => (t.storage as CpuStorage).data);
    const sh = inputs.map((t) => t.shape);
    try {
      this.exec(op, x, sh, out, outSpec.shape);
    } catch (e) {
      this.free(outS); // a rejected input (an out-of-range index) must not leak the output
      throw e;
    }
    return outS;
  }

  /** Every primitive but reshape (which `run` answers without a copy): out (outShape) = op(x (sh)). */
  private exec(op: Op, x: AnyTypedArray[], sh: Shape[], out: AnyTypedArray, outShape: Shape): void {
    const lastDim = sh[0][sh[0].length - 1];
    switch (op.op) {
      case 'neg': case 'exp': case 'log': case 'sqrt': case 'tanh': case 'erf':
        this.unary(op.op, x[0], out); break;
      case 'add': case 'sub': case 'mul': case 'div': case 'greater': case 'equal':
        this.binary(op.op, x[0], sh[0], x[1], sh[1], out, outShape); break;
      case 'where': this.where(x[0], sh[0], x[1], sh[1], x[2], sh[2], out, outShape); break;
      case 'sum': case 'max': this.reduce(op.op, x[0], sh[0], out, outShape); break;
      case 'reshape': throw new Error('internal: reshape shares its input (see run)');
      case 'transpose': transpose(x[0], sh[0], op.perm, out); break;
      case 'broadcast': broadcastTo(x[0], sh[0], out, outShape); break;
      case 'slice': slice(x[0], sh[0], op.begin, out, outShape); break;
      case 'pad': pad(x[0], sh[0], op.before, out, outShape); break;
      case 'cast': cast(x[0], out); break;
      case 'matmul': matmul(this.gemm, x[0], sh[0], x[1], sh[1], op.transA, op.transB, out, outShape); break;
      case 'gather': gather(x[0], sh[0][0], x[1] as Int32Array, out); break;
      case 'scatterAdd': scatterAdd(x[0], x[1] as Int32Array, op.rows, out); break;
      case 'im2col': {
        const [b, c, h, w] = sh[0];
        im2col(x[0], { b, c, h, w, kh: op.kh, kw: op.kw, stride: op.stride, pad: op.pad }, out); break;
      }
      case 'col2im': {
        const [b, c] = outShape;
        col2im(x[0], { b, c, h: op.h, w: op.w, kh: op.kh, kw: op.kw, stride: op.stride, pad: op.pad }, out); break;
      }
      case 'softmax': this.rows.softmax(x[0], lastDim, out); break;
      case 'layernorm': this.rows.layernorm(x[0], lastDim, op.eps, out); break;
      default: noKernel('cpu', op);
    }
  }
}
