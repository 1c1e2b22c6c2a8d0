/**
 * The CPU backend's array pool: freed arrays come back for the same dtype and
 * length; it holds at most its limit, and both a new limit and a give past it
 * drop the arrays freed longest ago first.
 */
import { describe, expect, it } from 'vitest';
import { ArrayPool } from '../../src/kernels/cpu/backend.js';
import { type DType, arrayFor } from '../../src/tensor/dtype.js';

const fresh = (dtype: DType, n: number) => arrayFor(dtype, n);
const pooled = (limit: number) => {
  const pool = new ArrayPool(16);
  pool.limit(limit);
  return pool;
};

describe('ArrayPool', () => {
  it('hands a freed array back for the same dtype and length, and never for another', () => {
    const pool = pooled(1 << 20);
    const a = pool.take('float32', 1000, fresh);
    pool.give('float32', a);
    expect(pool.take('float64', 1000, fresh)).not.toBe(a);
    expect(pool.take('float32', 999, fresh)).not.toBe(a);
    expect(pool.take('float32', 1000, fresh)).toBe(a);
    expect(pool.take('float32', 1000, fresh)).not.toBe(a); // taken once only
  });

  it('keeps nothing shorter than its minimum length', () => {
    const pool = pooled(1 << 20);
    const a = pool.take('float32', 15, fresh);
    pool.give('float32', a);
    expect(pool.take('float32', 15, fresh)).not.toBe(a);
  });

  it('drops the arrays freed longest ago when a new one does not fit the limit', () => {
    const pool = pooled(3 * 4000); // three float32 arrays of 1000
    const [a, b, c, d] = [1, 2, 3, 4].map(() => fresh('float32', 1000));
    for (const x of [a, b, c]) pool.give('float32', x);
    pool.give('float32', d); // over the limit: a, the oldest, goes
    const back = [1, 2, 3, 4].map(() => pool.take('float32', 1000, fresh));
    expect(back.slice(0, 3)).toEqual(expect.arrayContaining([b, c, d]));
    expect(back).not.toContain(a);
  });

  it('a lower limit drops the oldest arrays at once; a higher one lets more stay', () => {
    const pool = pooled(4 * 4000);
    const xs = [0, 1, 2, 3].map(() => fresh('float32', 1000));
    for (const x of xs) pool.give('float32', x);
    pool.limit(2 * 4000); // xs[0] and xs[1] go
    const back = [0, 1, 2].map(() => pool.take('float32', 1000, fresh));
    expect(back.filter((x) => xs.includes(x))).toEqual(expect.arrayContaining([xs[2], xs[3]]));
    expect(back).not.toContain(xs[0]);
    expect(back).not.toContain(xs[1]);
    pool.limit(4 * 4000);
    for (const x of xs) pool.give('float32', x);
    expect([0, 1, 2, 3].map(() => pool.take('float32', 1000, fresh)).filter((x) => xs.includes(x))).toHaveLength(4);
  });

  it('refuses an array larger than the whole limit without evicting the rest', () => {
    const pool = pooled(8000);
    const small = fresh('float32', 1000);
    pool.give('float32', small);
    pool.give('float32', fresh('float32', 5000)); // 20000 bytes: never fits
    expect(pool.take('float32', 1000, fresh)).toBe(small);
  });
});
