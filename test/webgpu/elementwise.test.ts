/**
 * Elementwise primitives on WebGPU against the CPU reference: every unary
 * and binary op, where, cast, on awkward sizes and broadcasts.
 * Tolerance: 1 float32 ulp-ish (rtol 1e-6) for +,−,×,÷; transcendental
 * builtins rtol 4e-6, atol 1e-7 (WGSL allows exp/log a few ulp); erf atol 3e-7.
 */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import { erf as erf64 } from '../../src/kernels/cpu/erf.js';
import { BINARY, UNARY } from '../../src/tensor/primitives.js';
import { F32, G, Rng, compare, expectClose, noGpu, pair, randomData } from './gpu.js';

const rng = new Rng(11);
const sizes = [[1], [7], [13, 257], [3, 1, 5]];
const TRANSCENDENTAL = { rtol: 4e-6, atol: 1e-7 };

describe.skipIf(noGpu)('webgpu elementwise', () => {
  for (const name of UNARY) {
    it(`${name} on ${sizes.map((s) => `(${s})`).join(' ')}`, async () => {
      for (const shape of sizes) {
        const n = shape.reduce((a, b) => a * b, 1);
        let data = randomData(rng, n, 'float32', 3);
        if (name === 'log' || name === 'sqrt') data = data.map(Math.abs).map((v) => v + 1e-3);
        const tol = name === 'neg' ? null : name === 'erf' ? { rtol: 2e-7, atol: 3e-7 } : TRANSCENDENTAL;
        await compare(`${name} (${shape})`, [[data, shape]], ([x]) => hg[name](x), tol);
      }
    });
  }

  it('erf is float32-accurate from −8 to 8 against the float64 erf', async () => {
    const xs = Float32Array.from({ length: 16001 }, (_, i) => -8 + i * 0.001);
    const got = await hg.erf(pair(xs, [xs.length])[1]).data();
    // 2 ulp of float32 relative, plus an absolute 1 ulp at 1 where erf saturates.
    expectClose(got, Array.from(xs, (x) => erf64(x)), (i) => 2.4e-7 * Math.abs(erf64(xs[i])) + 6e-8, 'erf vs float64');
  });

  it('tanh saturates to ±1 without NaN for huge inputs', async () => {
    const got = await hg.tanh(pair(new Float32Array([-1e30, -50, 50, 1e30]), [4])[1]).data();
    expect(Array.from(got)).toEqual([-1, -1, 1, 1]);
  });

  const broadcasts: [number[], number[]][] = [
    [[1], [1]], [[7], [7]], [[13, 257], [257]], [[13, 1], [1, 257]], [[2, 3, 1, 7], [3, 5, 1]], [[], [4, 3]], [[257, 13], [257, 1]],
  ];
  for (const name of BINARY) {
    for (const dtype of ['float32', 'int32'] as const) {
      it(`${name} ${dtype} with broadcasting`, async () => {
        for (const [sa, sb] of broadcasts) {
          const na = sa.reduce((a, b) => a * b, 1), nb = sb.reduce((a, b) => a * b, 1);
          const a = randomData(rng, na, dtype);
          let b = randomData(rng, nb, dtype);
          if (name === 'div') b = b.map((v) => (v === 0 ? 3 : v));
          // Equal needs hits: copy some of a's values into b.
          if (name === 'equal') b = b.map((v, i) => (i % 2 ? a[i % na] : v));
          const tol = dtype === 'int32' || name !== 'div' ? null : F32;
          await compare(`${name} (${sa})∘(${sb}) ${dtype}`, [[a, sa, dtype], [b, sb, dtype]], ([x, y]) => hg[name](x, y), tol);
        }
      });
    }
  }

  it('where with float and int32 conditions, broadcast', async () => {
    const c = randomData(rng, 13, 'int32').map((v) => (v > 0 ? 1 : 0));
    const a = randomData(rng, 7 * 13), b = randomData(rng, 1);
    await compare('where int cond', [[c, [13], 'int32'], [a, [7, 13]], [b, [1, 1]]], ([x, y, z]) => hg.where(x, y, z), null);
    const cf = Float32Array.from({ length: 7 }, (_, i) => (i % 3 ? 0 : Number.NaN));
    await compare('where float cond (NaN counts as true)', [[cf, [7, 1]], [a, [7, 13]], [b, [1]]], ([x, y, z]) => hg.where(x, y, z), null);
  });

  it('cast float32 ↔ int32 truncates toward zero', async () => {
    const f = Float32Array.from([-2.7, -0.5, 0, 0.5, 2.7, 1e6 + 0.5, 13]);
    await compare('cast f32→i32', [[f, [7]]], ([x]) => hg.cast(x, 'int32'), null);
    const i = Int32Array.from([-5, 0, 7, 123456789]);
    await compare('cast i32→f32', [[i, [4], 'int32']], ([x]) => hg.cast(x, 'float32'), null);
  });

  it('float64 is refused with a clear error', () => {
    expect(() => hg.fromArray(new Float64Array(3), [3], 'float64', G())).toThrow(/float64 tensors are CPU-only/);
  });
});
