// The host side that the elementwise Wasm kernels (binary, unary, sums, rows)
// share. Each is one module on its own growable memory, compiled on first use
// and instantiated once on the calling thread. A call copies its operands into
// linear memory (TypedArray.set, a memcpy), runs one kernel call and copies the
// result back; the memory grows to the largest call seen (Wasm memory never
// shrinks) up to maxPages, past which the caller runs its JS loops. Where the
// runtime has no Wasm SIMD, load() answers null after one line on stderr, and
// the JS loops run from then on. The gemm (gemm.ts) has its own host: a shared
// memory that the worker pool instantiates too.
import { detectWasmSimd } from './gemm.js';
import { assemble } from './wat.js';

/** Pages of 64 KiB an elementwise module's memory may grow to (1 GiB keeps every byte address a positive i32). */
export const KERNEL_MAX_PAGES = 16384;

export interface KernelModuleSpec<F> {
  /** What falls back, for the stderr line: "float32 exp/tanh/erf use the JavaScript loops". */
  fallback: string;
  /** The module's WAT text; it imports "env" "memory" with this maximum. */
  wat: () => string;
  maxPages: number;
  /** The exported kernels the host calls. */
  bind: (exports: WebAssembly.Exports) => F;
}

interface Loaded<F> { memory: WebAssembly.Memory; f32: Float32Array; fns: F }

/** One elementwise kernel module: lazy compile, memory growth and a call counter for the tests. */
export class KernelModule<F> {
  private loaded: Loaded<F> | null | undefined; // undefined: not loaded yet; null: unavailable
  /** Kernel calls made so far (tests check which backend runs the Wasm path). */
  calls = 0;

  constructor(private readonly spec: KernelModuleSpec<F>) {}

  /** The kernels, compiling the module on first use; null where Wasm SIMD is missing. */
  load(): F | null {
    if (this.loaded === undefined) {
      if (detectWasmSimd() === 'none') {
        process.stderr.write(`heterograd: this runtime has no WebAssembly SIMD; ${this.spec.fallback}\n`);
        this.loaded = null;
      } else {
        const memory = new WebAssembly.Memory({ initial: 1, maximum: this.spec.maxPages });
        const exports = new WebAssembly.Instance(new WebAssembly.Module(assemble(this.spec.wat())), { env: { memory } }).exports;
        this.loaded = { memory, f32: new Float32Array(memory.buffer), fns: this.spec.bind(exports) };
      }
    }
    return this.loaded?.fns ?? null;
  }

  /** Test hook: forget the loaded module so the next call probes the runtime again. */
  reset(): void {
    this.loaded = undefined;
  }

  /**
   * The float32 view of a memory of at least `bytes` (grown by half again at
   * least, so a run of slowly larger calls grows rarely), or null past
   * maxPages or before load(). Growing detaches the old view.
   */
  /**
   * One call: the inputs copied into memory one after another (each region
   * 16-byte aligned), `call` with their byte addresses and out's, and out
   * copied back. False, with out untouched, past maxPages or before load().
   */
  run(inputs: Float32Array[], out: Float32Array, call: (at: number[], outAt: number) => void): boolean {
    const at: number[] = [];
    let end = 0;
    for (const x of inputs) {
      at.push(end);
      end += align16(4 * x.length);
    }
    const f32 = this.reserve(end + 4 * out.length);
    if (!f32) return false;
    inputs.forEach((x, i) => f32.set(x, at[i] / 4));
    call(at, end);
    this.calls++;
    out.set(f32.subarray(end / 4, end / 4 + out.length));
    return true;
  }

  private reserve(bytes: number): Float32Array | null {
    const w = this.loaded;
    if (!w) return null;
    const pages = Math.ceil(bytes / 65536), have = w.memory.buffer.byteLength / 65536;
    if (pages > this.spec.maxPages) return null;
    if (pages > have) w.memory.grow(Math.min(this.spec.maxPages, Math.max(pages, Math.ceil(have * 1.5))) - have);
    if (w.f32.buffer !== w.memory.buffer) w.f32 = new Float32Array(w.memory.buffer);
    return w.f32;
  }
}

/** Byte offsets rounded up to 16, so every region starts v128-aligned. */
const align16 = (bytes: number): number => (bytes + 15) & ~15;
