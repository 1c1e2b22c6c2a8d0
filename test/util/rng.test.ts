import { describe, expect, it } from 'vitest';
import { deriveSeed, gaussianVector, makeRng, rademacherVector } from '../../src/util/rng.js';

describe('rng', () => {
  it('is deterministic per seed, and different seeds give different streams', () => {
    const a = makeRng(42);
    const b = makeRng(42);
    const c = makeRng(43);
    const xa = Array.from({ length: 5 }, () => a.uint32());
    expect(Array.from({ length: 5 }, () => b.uint32())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.uint32())).not.toEqual(xa);
    // Seeds beyond 32 bits are not truncated.
    expect(makeRng(2 ** 40).uint32()).not.toBe(makeRng(0).uint32());
    expect(() => makeRng(0.5)).toThrow(/safe integer/);
  });

  it('uniform lies in [0, 1) with the right mean and variance', () => {
    const r = makeRng(1);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      s += u;
      s2 += u * u;
    }
    expect(outside).toBe(0);
    // Standard errors: mean √(1/12/n) ≈ 6.5e-4, E[u²] ≈ 6.7e-4; allow 5 of them.
    expect(Math.abs(s / n - 0.5)).toBeLessThan(5 * 6.5e-4);
    expect(Math.abs(s2 / n - 1 / 3)).toBeLessThan(5 * 6.7e-4);
  });

  it('normal has mean 0, variance 1, kurtosis 3', () => {
    const x = gaussianVector(makeRng(2), 200_000);
    const n = x.length;
    const m1 = x.reduce((s, v) => s + v, 0) / n;
    const m2 = x.reduce((s, v) => s + v * v, 0) / n;
    const m4 = x.reduce((s, v) => s + v ** 4, 0) / n;
    // Standard errors: √(1/n) ≈ 2.2e-3, √(2/n) ≈ 3.2e-3, √(96/n) ≈ 2.2e-2.
    expect(Math.abs(m1)).toBeLessThan(5 * 2.2e-3);
    expect(Math.abs(m2 - 1)).toBeLessThan(5 * 3.2e-3);
    expect(Math.abs(m4 - 3)).toBeLessThan(5 * 2.2e-2);
  });

  it('rademacher gives ±1, balanced', () => {
    const x = rademacherVector(makeRng(3), 100_000);
    expect(x.every((v) => v === 1 || v === -1)).toBe(true);
    expect(Math.abs(x.reduce((s, v) => s + v, 0))).toBeLessThan(5 * Math.sqrt(x.length));
  });

  it('deriveSeed separates streams by index and by seed', () => {
    const seeds = new Set<number>();
    for (let s = 0; s < 10; s++) for (let i = 0; i < 100; i++) seeds.add(deriveSeed(s, i));
    expect(seeds.size).toBe(1000);
    expect(deriveSeed(5, 7)).toBe(deriveSeed(5, 7));
  });
});
