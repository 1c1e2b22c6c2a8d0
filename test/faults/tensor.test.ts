/**
 * Tensor-level inputs that used to give a silent wrong result: an invalid
 * transpose order that starts like the identity, int32 tensors made from
 * non-integers or out-of-range numbers, and int32 arithmetic that differed
 * between backends (x / 0, products past 2⁵³).
 */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import { CpuBackend } from '../../src/kernels/cpu/backend.js';

const m = () => hg.tensor([1, 2, 3, 4, 5, 6], [2, 3]);

describe('transpose checks its order fully', () => {
  it('rejects orders that start like the identity but are no permutation', () => {
    for (const perm of [[0, 1, 2], [0], []]) {
      expect(() => hg.transpose(m(), perm), `[${perm}]`).toThrow(/transpose: \[.*\] is not a permutation of the axes of \(2, 3\)/);
    }
  });
  it('rejects repeats and out-of-range axes', () => {
    expect(() => hg.transpose(m(), [1, 1])).toThrow(/not a permutation/);
    expect(() => hg.transpose(m(), [0, 2])).toThrow(/not a permutation/);
    expect(() => hg.transpose(m(), [0.5, 1])).toThrow(/not a permutation/);
  });
  it('still accepts the identity, a swap and negative axes', () => {
    expect(hg.transpose(m(), [0, 1]).shape).toEqual([2, 3]);
    expect(hg.transpose(m(), [1, 0]).shape).toEqual([3, 2]);
    expect(Array.from(hg.transpose(m(), [-1, 0]).dataSync())).toEqual([1, 4, 2, 5, 3, 6]);
  });
});

describe('int32 tensors from host numbers', () => {
  it('reject values that would wrap or truncate, naming value and position', () => {
    expect(() => hg.tensor([3e10], [1], 'int32')).toThrow(/tensor: value 30000000000 is not an int32/);
    expect(() => hg.tensor([1, 2.5], [2], 'int32')).toThrow(/tensor: value 2.5 at position 1 is not an int32/);
    expect(() => hg.tensor([NaN], [1], 'int32')).toThrow(/value NaN/);
    expect(() => hg.tensor(new Float32Array([1, 2 ** 31]), [2], 'int32')).toThrow(/value 2147483648 at position 1/);
    expect(() => hg.full([2], 0.5, 'int32')).toThrow(/full: value 0.5/);
    expect(() => hg.scalar(2 ** 40, 'int32')).toThrow(/scalar: value/);
  });
  it('accept the int32 range exactly', () => {
    expect(Array.from(hg.tensor([-(2 ** 31), 2 ** 31 - 1, -0], [3], 'int32').dataSync())).toEqual([-(2 ** 31), 2 ** 31 - 1, 0]);
  });
});

describe('int32 arithmetic has one defined result (primitives.ts)', () => {
  for (const [name, backend] of [['reference', new CpuBackend()], ['default', undefined]] as const) {
    const t = (d: number[]) => hg.fromArray(d, [d.length], 'int32', backend ?? hg.getBackend());
    it(`${name} CPU: x / 0 is 0, division truncates, -2³¹ / -1 wraps`, () => {
      const q = hg.div(t([7, -7, 5, -5, 0, -(2 ** 31)]), t([2, 2, 0, 0, 0, -1]));
      expect(Array.from(q.dataSync())).toEqual([3, -3, 0, 0, 0, -(2 ** 31)]);
    });
    it(`${name} CPU: products wrap modulo 2³² exactly (float64 products past 2⁵³ lost low bits)`, () => {
      const a = [2 ** 30 + 1, 123456789, -(2 ** 31), 65537];
      const b = [2 ** 30 + 3, 987654321, -1, 65537];
      const want = a.map((u, i) => Number(BigInt.asIntN(32, BigInt(u) * BigInt(b[i]))));
      expect(Array.from(hg.mul(t(a), t(b)).dataSync())).toEqual(want);
    });
  }
});
