/**
 * Recycling GPU buffers by size class. Creating a GPUBuffer costs far more
 * than a small dispatch, and a training step allocates the same sizes every
 * time, so freed buffers wait here for the next request of their class.
 *
 * Classes have four steps per power of two (≤ 25 % slack), from 256 bytes.
 */

/** The size class (bytes actually allocated) for a request of `bytes`. */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return 256;
  const step = 2 ** Math.floor(Math.log2(bytes)) / 4;
  return Math.ceil(bytes / step) * step;
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private count = 0;
  private bytes = 0;

  /** `maxBytes`: pooled memory beyond this is destroyed instead of kept. */
  constructor(private readonly maxBytes: number) {}

  /** A pooled buffer of exactly `size` bytes (a size class), or undefined. */
  take(size: number): GPUBuffer | undefined {
    const b = this.free.get(size)?.pop();
    if (b) { this.count--; this.bytes -= size; }
    return b;
  }

  give(b: GPUBuffer): void {
    if (this.bytes + b.size > this.maxBytes) { b.destroy(); return; }
    let list = this.free.get(b.size);
    if (!list) this.free.set(b.size, (list = []));
    list.push(b);
    this.count++;
    this.bytes += b.size;
  }

  /** Remove and return every pooled buffer. */
  drain(): GPUBuffer[] {
    const all = [...this.free.values()].flat();
    this.free.clear();
    this.count = 0;
    this.bytes = 0;
    return all;
  }

  /** Destroy every pooled buffer. */
  clear(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.count = 0;
    this.bytes = 0;
  }

  stats(): { buffers: number; bytes: number } {
    return { buffers: this.count, bytes: this.bytes };
  }
}
