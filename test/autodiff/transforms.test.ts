/** The transformation API: nesting, k tangents in one sweep, block HVPs, lifetime, and errors. */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import { Rng } from '../helpers/rng.js';

const rng = new Rng(11);
const rand = (shape: number[], scale = 1) => hg.tensor(rng.array(shape.reduce((a, b) => a * b, 1), scale), shape, 'float64');
const data = (t: hg.Tensor) => Array.from(t.dataSync());
const expectClose = (a: hg.Tensor, b: hg.Tensor, tol = 1e-12) =>
  data(a).forEach((v, i) => expect(Math.abs(v - data(b)[i])).toBeLessThan(tol * Math.max(1, Math.abs(v))));

const x = rand([7, 4]);
const labels = hg.tensor([0, 1, 2, 0, 1, 2, 1], [7], 'int32');
const params = () => ({ w1: rand([6, 4], 0.5), b1: rand([6], 0.1), w2: rand([3, 6], 0.5) });
type P = ReturnType<typeof params>;
const loss = (p: P) => hg.crossEntropy(hg.linear(hg.gelu(hg.linear(x, p.w1, p.b1)), p.w2), labels);

describe('nesting', () => {
  it('grad of grad: d²/dx² of x³ at scalar points is 6x', () => {
    const f = (v: hg.Tensor) => hg.sum(hg.grad((u: hg.Tensor) => hg.sum(hg.mul(hg.mul(u, u), u)))(v));
    const xs = hg.tensor([0.5, -2, 3], [3], 'float64');
    expect(data(hg.grad(f)(xs))).toEqual([3, -12, 18]);
  });

  it('grad of jvp equals jvp of grad (both give H·v)', () => {
    const p = params();
    const v = { w1: rand([6, 4]), b1: rand([6]), w2: rand([3, 6]) };
    const hv = hg.hvp(loss, p, v);
    // Reverse-over-forward: ∇_p ⟨∇L(p), v⟩ computed as grad of the JVP.
    const dirDeriv = (q: P) => hg.jvp(loss, q, v).tangent;
    const hv2 = hg.grad(dirDeriv)(p);
    for (const k of ['w1', 'b1', 'w2'] as const) expectClose(hv[k], hv2[k], 1e-10);
  });
});

describe('k tangents in one sweep', () => {
  it('hvpMulti equals k separate HVPs', () => {
    const p = params();
    const vs = [0, 1, 2].map(() => ({ w1: rand([6, 4]), b1: rand([6]), w2: rand([3, 6]) }));
    const multi = hg.hvpMulti(loss, p, vs);
    vs.forEach((v, j) => {
      const single = hg.hvp(loss, p, v);
      for (const k of ['w1', 'b1', 'w2'] as const) expectClose(multi[j][k], single[k]);
    });
  });

  it('a block HVP with wrt = the block gives H_bb·v_b (the block of the full H·v)', () => {
    const p = params();
    const vb = rand([3, 6]);
    const full = hg.hvp(loss, p, { w2: vb });
    const block = hg.hvp(loss, p, { w2: vb }, { wrt: [false, false, true] });
    expectClose(block.w2, full.w2);
    // Other blocks are constants under wrt, so their part is zero there.
    expect(data(block.w1).every((v) => v === 0)).toBe(true);
  });
});

describe('blockDiagonal: each direction only on its own block', () => {
  it('gives every block\'s H_bb·v_b in one sweep, equal to separate block HVPs', () => {
    const p = params();
    const vs = [{ w1: rand([6, 4]) }, { b1: rand([6]) }, { w2: rand([3, 6]) }];
    const multi = hg.hvpMulti(loss, p, vs, { blockDiagonal: true });
    const keys = ['w1', 'b1', 'w2'] as const;
    keys.forEach((k, j) => {
      const single = hg.hvp(loss, p, vs[j], { wrt: keys.map((q) => q === k) });
      expectClose(multi[j][k], single[k]);
      for (const other of keys) if (other !== k) expect(data(multi[j][other]).every((v) => v === 0)).toBe(true);
    });
  });
});

describe('memory', () => {
  it('1,000 HVPs leave the live tensor count and backend buffers flat', () => {
    const p = params();
    const v = { w1: rand([6, 4]) };
    hg.dispose(Object.values(hg.hvp(loss, p, v))); // warm caches (scalars, identity)
    const before = hg.liveTensorCount();
    const bufBefore = hg.getBackend().stats();
    for (let i = 0; i < 1000; i++) hg.dispose(Object.values(hg.hvp(loss, p, v)));
    expect(hg.liveTensorCount()).toBe(before);
    expect(hg.getBackend().stats()).toEqual(bufBefore);
  });

  it('tidy frees what it does not return, and a freed tensor gives a clear error', () => {
    hg.tidy(() => hg.mul(hg.add(x, 1), 2)); // warm the scalar cache
    const before = hg.liveTensorCount();
    let inner: hg.Tensor | null = null;
    const kept = hg.tidy(() => {
      inner = hg.add(x, 1);
      return hg.mul(inner, 2);
    });
    expect(hg.liveTensorCount()).toBe(before + 1);
    expect(() => inner!.dataSync()).toThrow(/disposed tensor/);
    hg.dispose(kept);
    expect(hg.liveTensorCount()).toBe(before);
  });
});

describe('clear errors at the call', () => {
  const a = hg.zeros([3, 4]);
  it('matmul names both shapes', () => {
    expect(() => hg.matmul(a, hg.zeros([5, 6]))).toThrow('matmul: cannot multiply (3, 4) by (5, 6): inner dimensions 4 and 5 differ');
  });
  it('broadcasting failure names the op and the shapes', () => {
    expect(() => hg.add(a, hg.zeros([5]))).toThrow(/add: cannot broadcast shapes \(3, 4\) and \(5,\)/);
  });
  it('wrong dtype', () => {
    expect(() => hg.add(a, hg.zeros([3, 4], 'float64'))).toThrow(/add: dtypes differ \(float32 and float64\)/);
    expect(() => hg.exp(hg.tensor([1, 2], [2], 'int32'))).toThrow(/exp: expected a float tensor, got int32/);
  });
  it('out-of-range gather index', () => {
    expect(() => hg.gather(a, hg.tensor([1, 3], [2], 'int32'))).toThrow(/gather: index 3 at position 1 is out of range for a table of 3 rows/);
  });
  it('grad of a non-scalar', () => {
    expect(() => hg.grad((w: hg.Tensor) => hg.mul(w, 2))(a)).toThrow(/grad: the function must return a scalar, got shape \(3, 4\)/);
  });
  it('a failed op leaks nothing', () => {
    const before = hg.getBackend().stats();
    expect(() => hg.gather(a, hg.tensor([9], [1], 'int32'))).toThrow();
    const after = hg.getBackend().stats();
    expect(after.buffers).toBe(before.buffers + 1); // only the index tensor created by the test
  });
});
