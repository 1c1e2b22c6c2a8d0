/**
 * The error flag: one u32 word on the GPU that a kernel raises instead of
 * failing silently (a kernel cannot throw). A dispatch that may raise it gets
 * a fresh tag; a failing invocation does atomicMax(&flag, tag), and the next
 * read copies the word back with its data and throws the message of that tag.
 */
export class ErrorFlag {
  readonly buffer: GPUBuffer;
  /** Messages of the dispatches since the last read that may raise the flag, by tag. */
  private readonly raisers = new Map<number, string>();
  private nextTag = 1;

  constructor(private readonly device: GPUDevice) {
    this.buffer = device.createBuffer({
      label: 'heterograd error flag', size: 4,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
  }

  /** Whether a dispatch since the last read could have raised the flag (only then is it read back). */
  get pending(): boolean {
    return this.raisers.size > 0;
  }

  /** A fresh tag for a dispatch that may raise the flag (messages of the oldest are dropped past 4096). */
  tag(message: string): number {
    const t = this.nextTag;
    this.nextTag = t >= 0xffffffff ? 1 : t + 1;
    if (this.raisers.size >= 4096) this.raisers.delete(this.raisers.keys().next().value!);
    this.raisers.set(t, message);
    return t;
  }

  /**
   * The flag word read back after every pending dispatch finished: throw the
   * message of the tag it holds, resetting the flag so the runtime stays usable.
   */
  settle(word: number): void {
    const message = word === 0 ? null : this.raisers.get(word) ?? 'a kernel raised the error flag';
    this.raisers.clear();
    if (message === null) return;
    this.device.queue.writeBuffer(this.buffer, 0, new Uint32Array(1));
    throw new Error(`webgpu: ${message}`);
  }

  destroy(): void {
    this.buffer.destroy();
  }
}
