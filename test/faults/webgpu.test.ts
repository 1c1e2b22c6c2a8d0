/**
 * The WebGPU backend cannot throw inside a kernel, so a gather index computed
 * on the device out of range raises an error flag that the next read turns
 * into an error naming the op (it read as zeros before, while the CPU threw);
 * and int32 division by zero gives the CPU's defined 0 (WGSL gives x).
 */
import { describe, expect, it } from 'vitest';
import { type Tensor, add, div, fromArray, gather, mul } from '../../src/index.js';
import { G, noGpu, pair } from '../webgpu/gpu.js';

/** Indices the host never saw: [1, 2, 3] + shift, computed by a kernel, so no host-side range check applies. */
const deviceIndex = (backend: 'cpu' | 'gpu', shift: number): Tensor => {
  const [c, g] = pair(new Int32Array([1, 2, 3]), [3], 'int32');
  const [sc, sg] = pair(new Int32Array([shift]), [1], 'int32');
  return backend === 'cpu' ? add(c, sc) : add(g, sg);
};

describe.skipIf(noGpu)('webgpu: faults are errors, as on the CPU', () => {
  it('gather with a device-computed index out of range throws at the next read, naming gather', async () => {
    const table = new Float32Array(12).map((_, i) => i + 1);
    const [tc, tg] = pair(table, [4, 3]);
    expect(() => gather(tc, deviceIndex('cpu', 1)).dataSync()).toThrow(/gather: index 4 at position 2 is out of range for a table of 4 rows/);
    const bad = gather(tg, deviceIndex('gpu', 1));
    await expect(bad.data()).rejects.toThrow(/webgpu: gather: an index computed on the device is out of range for a table of 4 rows \(index shape \(3,\)\)/);
    // Negative indices too, and the flag is reset: the runtime stays usable and an in-range gather reads back exactly.
    await expect(gather(tg, deviceIndex('gpu', -2)).data()).rejects.toThrow(/gather: an index computed on the device is out of range/);
    const good = gather(tg, deviceIndex('gpu', 0));
    expect(Array.from(await good.data())).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('an out-of-range gather is reported even when an unrelated tensor is read next', async () => {
    const [, tg] = pair(new Float32Array(6), [2, 3]);
    gather(tg, deviceIndex('gpu', 5));
    const other = mul(fromArray([1, 2], [2], 'float32', G()), fromArray([3, 4], [2], 'float32', G()));
    await expect(other.data()).rejects.toThrow(/gather: an index computed on the device is out of range for a table of 2 rows/);
    expect(Array.from(await other.data())).toEqual([3, 8]);
  });

  it('int32 division matches the CPU: x / 0 is 0, truncation toward zero, -2³¹ / -1 wraps', async () => {
    const a = new Int32Array([7, -7, 5, -5, 0, -(2 ** 31)]);
    const b = new Int32Array([2, 2, 0, 0, 0, -1]);
    const [ac, ag] = pair(a, [6], 'int32');
    const [bc, bg] = pair(b, [6], 'int32');
    const want = Array.from(div(ac, bc).dataSync());
    expect(want).toEqual([3, -3, 0, 0, 0, -(2 ** 31)]);
    expect(Array.from(await div(ag, bg).data())).toEqual(want);
  });

  it('int32 products wrap the same way on both backends', async () => {
    const a = new Int32Array([2 ** 30 + 1, 123456789, -(2 ** 31), 65537]);
    const b = new Int32Array([2 ** 30 + 3, 987654321, -1, 65537]);
    const [ac, ag] = pair(a, [4], 'int32');
    const [bc, bg] = pair(b, [4], 'int32');
    expect(Array.from(await mul(ag, bg).data())).toEqual(Array.from(mul(ac, bc).dataSync()));
  });
});
