/**
 * Movement and indexing primitives on WebGPU against the CPU reference:
 * reshape, transpose, broadcast, slice, pad, gather, scatter-add, im2col,
 * col2im. Copies are compared exactly; scatter-add and col2im sum in the
 * CPU's order, so they match bit for bit too.
 */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import { G, Rng, compare, noGpu, pair, randomData } from './gpu.js';

const rng = new Rng(3);
const rand = (shape: number[], dtype: 'float32' | 'int32' = 'float32') =>
  [randomData(rng, shape.reduce((a, b) => a * b, 1), dtype), shape, dtype] as [Float32Array | Int32Array, number[], 'float32' | 'int32'];

describe.skipIf(noGpu)('webgpu movement', () => {
  it('reshape shares the buffer (no copy) and frees it once both are gone', async () => {
    const before = G().stats();
    const [, x] = pair(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    const y = hg.reshape(x, [3, 2]);
    expect(G().stats().buffers - before.buffers).toBe(1);
    expect(G().stats().storages - before.storages).toBe(2);
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4, 5, 6]);
    hg.dispose(x);
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4, 5, 6]);
    hg.dispose(y);
    expect(G().stats().buffers).toBe(before.buffers);
  });

  it('transpose: 2-D, 3-D permutations, size-1 axes, int32', async () => {
    await compare('T (13, 257)', [rand([13, 257])], ([x]) => hg.transpose(x), null);
    for (const perm of [[2, 0, 1], [1, 0, 2], [0, 2, 1], [2, 1, 0]]) {
      await compare(`perm ${perm} (7, 1, 13)`, [rand([7, 1, 13])], ([x]) => hg.transpose(x, perm), null);
      await compare(`perm ${perm} (3, 5, 7) int32`, [rand([3, 5, 7], 'int32')], ([x]) => hg.transpose(x, perm), null);
    }
    await compare('perm 4-D', [rand([2, 3, 4, 5])], ([x]) => hg.transpose(x, [3, 1, 0, 2]), null);
  });

  it('broadcast: stretched middle, leading and trailing axes', async () => {
    await compare('(7,1)→(7,13)', [rand([7, 1])], ([x]) => hg.broadcastTo(x, [7, 13]), null);
    await compare('(1,13)→(257,13)', [rand([1, 13])], ([x]) => hg.broadcastTo(x, [257, 13]), null);
    await compare('(3,1,5)→(2,3,7,5)', [rand([3, 1, 5])], ([x]) => hg.broadcastTo(x, [2, 3, 7, 5]), null);
    await compare('()→(13,)', [rand([])], ([x]) => hg.broadcastTo(x, [13]), null);
  });

  it('slice and pad on every axis', async () => {
    await compare('slice (13,257)', [rand([13, 257])], ([x]) => hg.slice(x, [2, 100], [11, 257]), null);
    await compare('slice (7,5,3) int32', [rand([7, 5, 3], 'int32')], ([x]) => hg.slice(x, [1, 0, 2], [6, 5, 3]), null);
    await compare('slice to empty', [rand([7, 5])], ([x]) => hg.slice(x, [3, 0], [3, 5]), null);
    await compare('pad (7,13)', [rand([7, 13])], ([x]) => hg.pad(x, [1, 0], [2, 5]), null);
    await compare('pad (3,1,5) int32', [rand([3, 1, 5], 'int32')], ([x]) => hg.pad(x, [0, 2, 1], [1, 0, 3]), null);
    await compare('pad an empty axis', [[new Float32Array(0), [0, 3], 'float32']], ([x]) => hg.pad(x, [1, 0], [1, 0]), null);
    await compare('concat (pads + adds)', [rand([2, 3]), rand([5, 3])], ([a, b]) => hg.concat([a, b], 0), null);
  });

  it('gather: float and int32 tables, multi-dim index; out-of-range ids fail at the call, or at the next read when computed on the GPU', async () => {
    const idx = Int32Array.from({ length: 257 }, () => Math.floor(rng.uniform() * 13));
    await compare('gather (13,7)[257]', [rand([13, 7]), [idx, [257], 'int32']], ([t, i]) => hg.gather(t, i), null);
    await compare('gather (13,)[257]', [rand([13]), [idx, [257], 'int32']], ([t, i]) => hg.gather(t, i), null);
    await compare('gather int32 (13,2,3)[(1,257)]', [rand([13, 2, 3], 'int32'), [idx, [1, 257], 'int32']], ([t, i]) => hg.gather(t, i), null);
    const [, table] = pair(new Float32Array([1, 2, 3]), [3]);
    const [, bad] = pair(new Int32Array([0, 3, -1, 2]), [4], 'int32');
    expect(() => hg.gather(table, bad)).toThrow('gather: index -1 at position 2 is out of range for a table of 3 rows');
    // Ids computed on the GPU carry no host-side range; the kernel reads zero rather than out of bounds and raises the error flag.
    delete bad.indexRange;
    await expect(hg.gather(table, bad).data()).rejects.toThrow('gather: an index computed on the device is out of range for a table of 3 rows');
  });

  it('scatterAdd matches the CPU bit for bit (deterministic order), float and int32', async () => {
    const idx = Int32Array.from({ length: 257 }, () => Math.floor(rng.uniform() * 13));
    await compare('scatterAdd (257,7)→13', [rand([257, 7]), [idx, [257], 'int32']], ([s, i]) => hg.scatterAdd(s, i, 13), null);
    await compare('scatterAdd (257,)→20', [rand([257]), [idx, [257], 'int32']], ([s, i]) => hg.scatterAdd(s, i, 20), null);
    await compare('scatterAdd int32 (1,257,3)', [rand([1, 257, 3], 'int32'), [idx, [1, 257], 'int32']], ([s, i]) => hg.scatterAdd(s, i, 13), null);
  });

  it('im2col and col2im with stride, padding, non-square kernels', async () => {
    const geoms = [
      { img: [1, 1, 7, 7], kh: 3, kw: 3, stride: 1, pad: 1 },
      { img: [2, 3, 13, 11], kh: 3, kw: 2, stride: 2, pad: 1 },
      { img: [1, 2, 5, 8], kh: 5, kw: 1, stride: 3, pad: 2 },
      { img: [2, 1, 4, 4], kh: 1, kw: 1, stride: 1, pad: 0 },
    ];
    for (const g of geoms) {
      const p = { kh: g.kh, kw: g.kw, stride: g.stride, pad: g.pad };
      await compare(`im2col ${JSON.stringify(g)}`, [rand(g.img)], ([x]) => hg.im2col(x, p), null);
      const [b, c, h, w] = g.img;
      const ho = Math.floor((h + 2 * g.pad - g.kh) / g.stride) + 1, wo = Math.floor((w + 2 * g.pad - g.kw) / g.stride) + 1;
      await compare(`col2im ${JSON.stringify(g)}`, [rand([b, ho * wo, c * g.kh * g.kw])], ([x]) => hg.col2im(x, { ...p, h, w }), null);
    }
  });
});
