/**
 * The CPU backend's array pool: freed arrays come back for the same dtype and
 * length; past its budget the arrays freed longest ago are dropped first; the
 * budget follows the most storage ever live (allow), up to a cap.
 */
import { describe, expect, it } from 'vitest';
import { ArrayPool } from '../../src/kernels/cpu/backend.js';
import { type DType, arrayFor } from '../../src/tensor/dtype.js';

const fresh = (dtype: DType, n: number) => arrayFor(dtype, n);

describe('ArrayPool', () => {
  it('hands a freed array back for the same dtype and length, and never for another', () => {
    const pool = new ArrayPool(1 << 20, 1 << 30, 16);
    const a = pool.take('float32', 1000, fresh);
    pool.give('float32', a);
    expect(pool.take('float64', 1000, fresh)).not.toBe(a);
    expect(pool.take('float32', 999, fresh)).not.toBe(a);
    expect(pool.take('float32', 1000, fresh)).toBe(a);
    expect(pool.take('float32', 1000, fresh)).not.toBe(a); // taken once only
  });

  it('keeps nothing shorter than its minimum length', () => {
    const pool = new ArrayPool(1 << 20, 1 << 30, 16);
    const a = pool.take('float32', 15, fresh);
    pool.give('float32', a);
    expect(pool.take('float32', 15, fresh)).not.toBe(a);
  });

  it('drops the arrays freed longest ago when a new one does not fit the budget', () => {
    const pool = new ArrayPool(3 * 4000, 1 << 30, 16); // three float32 arrays of 1000
    const [a, b, c, d] = [1000, 1000, 1000, 1000].map((n) => pool.take('float32', n, fresh));
    for (const x of [a, b, c]) pool.give('float32', x);
    pool.give('float32', d); // over budget: a, the oldest, goes
    const back = [1, 2, 3, 4].map(() => pool.take('float32', 1000, fresh));
    expect(back.slice(0, 3)).toEqual(expect.arrayContaining([b, c, d]));
    expect(back).not.toContain(a);
  });

  it('grows its budget to what allow() grants, up to the cap, never shrinking', () => {
    const pool = new ArrayPool(4000, 12000, 16);
    const xs = [0, 1, 2, 3].map(() => pool.take('float32', 1000, fresh));
    for (const x of xs) pool.give('float32', x);
    expect([0, 1].map(() => pool.take('float32', 1000, fresh)).filter((x) => xs.includes(x))).toHaveLength(1); // budget 4000: one kept
    pool.allow(1e9); // capped at 12000: three fit
    for (const x of xs) pool.give('float32', x);
    pool.allow(0); // never shrinks
    const back = [0, 1, 2, 3].map(() => pool.take('float32', 1000, fresh));
    expect(back.filter((x) => xs.includes(x))).toHaveLength(3);
  });

  it('refuses an array larger than the whole budget without evicting the rest', () => {
    const pool = new ArrayPool(8000, 8000, 16);
    const small = pool.take('float32', 1000, fresh);
    pool.give('float32', small);
    pool.give('float32', fresh('float32', 5000)); // 20000 bytes: never fits
    expect(pool.take('float32', 1000, fresh)).toBe(small);
  });
});
