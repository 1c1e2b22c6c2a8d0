/** The CPU backend's storage management: recycled arrays and shared reshapes. */
import { expect, it } from 'vitest';
import * as hg from '../../src/index.js';

it('a reshape that outlives its source keeps its values while recycled arrays are reused', () => {
  const n = 4096; // large enough for the array pool
  const a = hg.tensor(Float32Array.from({ length: n }, (_, i) => i), [n]);
  const b = hg.reshape(a, [64, 64]);
  hg.dispose(a);
  // Allocate and free many tensors of the same size: a wrongly recycled array would be overwritten.
  for (let i = 0; i < 10; i++) hg.dispose(hg.add(hg.full([n], 7), 1));
  const v = b.dataSync();
  expect(v[0]).toBe(0);
  expect(v[n - 1]).toBe(n - 1);
  const before = hg.getBackend().stats();
  hg.dispose(b);
  expect(hg.getBackend().stats().buffers).toBe(before.buffers - 1);
});

it('recycled arrays are fully overwritten by every op that reuses them', () => {
  const n = 2048;
  hg.dispose(hg.full([n], 123)); // leave a dirty array in the pool
  const z = hg.pad(hg.ones([n - 2]), [1], [1]); // pad must zero its border itself
  const v = z.dataSync();
  expect([v[0], v[1], v[n - 1]]).toEqual([0, 1, 0]);
});
