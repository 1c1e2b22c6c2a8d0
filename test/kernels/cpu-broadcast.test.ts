/**
 * The CPU elementwise kernels merge axes before walking them (collapseAxes) and
 * pick a row loop by the operands' steps. Both are checked here against the
 * definition of broadcasting, one output position at a time, on awkward shapes:
 * size-1 axes anywhere, broadcasts on leading, middle and trailing axes, rank 0,
 * and transposes (permuted strides that must not merge).
 */
import { describe, expect, it } from 'vitest';
import { binary, collapseAxes, where } from '../../src/kernels/cpu/elementwise.js';
import { broadcastTo, pad, slice, transpose } from '../../src/kernels/cpu/movement.js';
import { gemm } from '../../src/kernels/cpu/gemm.js';
import { matmul } from '../../src/kernels/cpu/matmul.js';
import { broadcastShapes, sizeOf, stridesOf } from '../../src/tensor/shapes.js';
import { makeRng } from '../../src/util/rng.js';

/** Input offset of output position `flat` under NumPy broadcasting (the definition). */
function offsetOf(flat: number, outShape: number[], inShape: number[]): number {
  const rank = outShape.length;
  const inStrides = stridesOf(inShape);
  let off = 0;
  for (let ax = rank - 1; ax >= 0; ax--) {
    const i = flat % outShape[ax];
    flat = Math.floor(flat / outShape[ax]);
    const j = ax - (rank - inShape.length);
    if (j >= 0 && inShape[j] !== 1) off += i * inStrides[j];
  }
  return off;
}

const OPS = { add: (x: number, y: number) => x + y, sub: (x: number, y: number) => x - y, mul: (x: number, y: number) => x * y, div: (x: number, y: number) => x / y };

/** [a, b] shape pairs: same, scalar, leading, middle, trailing and mixed broadcasts, size-1 axes, rank 0. */
const PAIRS: [number[], number[]][] = [
  [[3, 5, 7], [5, 7]], [[3, 5, 7], [3, 1, 7]], [[3, 5, 7], [3, 5, 1]], [[3, 5, 7], [1, 5, 1]], [[1, 5, 1], [3, 1, 7]],
  [[4, 1, 6, 1], [1, 3, 1, 2]], [[2, 3, 4, 5], [3, 1, 5]], [[7], [1]], [[], [2, 3]], [[2, 1, 3], []],
  [[1, 1, 1], [1]], [[5, 1], [1, 1, 4]], [[2, 3, 1, 1, 4], [3, 2, 1]], [[6, 2, 5], [6, 1, 5]],
];

describe('CPU broadcasting after axis merging', () => {
  const rng = makeRng(3);
  const fill = (n: number) => Float32Array.from({ length: n }, () => rng.normal() + 3);

  for (const [aShape, bShape] of PAIRS) {
    it(`binary ${JSON.stringify(aShape)} ∘ ${JSON.stringify(bShape)} equals the definition for every op`, () => {
      const outShape = broadcastShapes('test', [aShape, bShape]);
      const a = fill(sizeOf(aShape)), b = fill(sizeOf(bShape));
      for (const [name, f] of Object.entries(OPS)) {
        const out = new Float32Array(sizeOf(outShape));
        binary(name as keyof typeof OPS, a, aShape, b, bShape, out, outShape);
        const want = Float32Array.from({ length: out.length }, (_, i) => f(a[offsetOf(i, outShape, aShape)], b[offsetOf(i, outShape, bShape)]));
        expect(out).toEqual(want);
      }
    });
  }

  it('where with three broadcast operands equals the definition', () => {
    const [cShape, aShape, bShape] = [[3, 1, 5], [1, 4, 5], [3, 4, 1]];
    const outShape = broadcastShapes('test', [cShape, aShape, bShape]);
    const c = Float32Array.from({ length: sizeOf(cShape) }, (_, i) => i % 2);
    const a = fill(sizeOf(aShape)), b = fill(sizeOf(bShape));
    const out = new Float32Array(sizeOf(outShape));
    where(c, cShape, a, aShape, b, bShape, out, outShape);
    const want = Float32Array.from({ length: out.length }, (_, i) =>
      (c[offsetOf(i, outShape, cShape)] !== 0 ? a[offsetOf(i, outShape, aShape)] : b[offsetOf(i, outShape, bShape)]));
    expect(out).toEqual(want);
  });

  it('transposes (permuted strides do not merge) equal the definition', () => {
    for (const [shape, perm] of [[[2, 3, 4], [0, 2, 1]], [[2, 3, 4], [2, 0, 1]], [[5, 1, 3, 2], [1, 0, 3, 2]], [[4, 6], [1, 0]], [[2, 3, 4], [0, 1, 2]],
      [[3, 4, 5, 4, 5], [0, 1, 3, 2, 4]], [[2, 3, 2, 3, 2, 3], [5, 4, 3, 2, 1, 0]], [[6, 1, 5, 12], [0, 2, 1, 3]]] as [number[], number[]][]) {
      const x = fill(sizeOf(shape));
      const out = new Float32Array(x.length);
      transpose(x, shape, perm, out);
      const outShape = perm.map((p) => shape[p]);
      const xs = stridesOf(shape);
      const want = Float32Array.from({ length: x.length }, (_, flat) => {
        let off = 0;
        for (let ax = outShape.length - 1; ax >= 0; ax--) { off += (flat % outShape[ax]) * xs[perm[ax]]; flat = Math.floor(flat / outShape[ax]); }
        return x[off];
      });
      expect(out, `${JSON.stringify(shape)} perm ${JSON.stringify(perm)}`).toEqual(want);
    }
  });

  it('slice and broadcastTo equal the definition (inner, outer and scattered axes)', () => {
    // Runs of ≥ 32 contiguous elements are copied by TypedArray.set, shorter ones by a loop: both kinds here.
    for (const [xShape, begin, outShape] of [
      [[4, 5, 6, 3], [1, 0, 2, 0], [2, 5, 3, 3]], [[4, 5, 6, 3], [0, 0, 0, 1], [4, 5, 6, 1]], [[4, 5, 6, 3], [3, 4, 5, 2], [1, 1, 1, 1]],
      [[4, 5, 6, 3], [0, 2, 0, 0], [4, 3, 6, 3]], [[3, 4, 144], [0, 0, 48], [3, 4, 48]], [[13, 2, 40], [1, 0, 0], [12, 2, 40]], [[3, 70], [1, 3], [2, 33]],
    ] as [number[], number[], number[]][]) {
      const x = fill(sizeOf(xShape));
      const xs = stridesOf(xShape);
      const out = new Float32Array(sizeOf(outShape));
      slice(x, xShape, begin, out, outShape);
      const want = Float32Array.from({ length: out.length }, (_, flat) => {
        let off = 0;
        for (let ax = outShape.length - 1; ax >= 0; ax--) { off += ((flat % outShape[ax]) + begin[ax]) * xs[ax]; flat = Math.floor(flat / outShape[ax]); }
        return x[off];
      });
      expect(out, `slice at ${JSON.stringify(begin)}`).toEqual(want);
    }
    for (const [inShape, outShape] of [[[1, 5, 1], [3, 5, 4]], [[3, 1, 4], [3, 5, 4]], [[1, 1, 1], [2, 3, 4]], [[2, 1, 3, 1, 2], [2, 4, 3, 5, 2]]]) {
      const v = fill(sizeOf(inShape));
      const out = new Float32Array(sizeOf(outShape));
      broadcastTo(v, inShape, out, outShape);
      expect(out, `broadcastTo ${JSON.stringify(inShape)}`).toEqual(Float32Array.from({ length: out.length }, (_, i) => v[offsetOf(i, outShape, inShape)]));
    }
  });

  it('pad equals the definition, including size-1 axes whose removal leaves a strided row', () => {
    // [11, 1] → [11, 2] is concat's pad: after the size-1 axis is dropped, the row steps by 2 in out.
    // The last three copy rows of ≥ 32 with TypedArray.set: a slice's backward pad, and a stack's placeRows pad.
    for (const [xShape, before, after] of [
      [[11, 1], [0, 1], [0, 0]], [[11, 1], [0, 0], [0, 1]], [[3, 1, 4], [1, 2, 0], [0, 1, 3]], [[2, 3], [0, 0], [0, 0]], [[1, 5], [2, 0], [1, 0]],
      [[3, 4, 48], [0, 0, 48], [0, 0, 48]], [[5, 2, 33], [1, 0, 0], [2, 0, 0]], [[2, 1, 40], [0, 0, 1], [0, 0, 0]],
    ] as number[][][]) {
      const outShape = xShape.map((d, ax) => d + before[ax] + after[ax]);
      const x = fill(sizeOf(xShape));
      const out = new Float32Array(sizeOf(outShape)).fill(7);
      pad(x, xShape, before, out, outShape);
      const xs = stridesOf(xShape);
      const want = Float32Array.from({ length: out.length }, (_, flat) => {
        let off = 0;
        for (let ax = outShape.length - 1; ax >= 0; ax--) {
          const i = (flat % outShape[ax]) - before[ax];
          if (i < 0 || i >= xShape[ax]) return 0;
          off += i * xs[ax];
          flat = Math.floor(flat / outShape[ax]);
        }
        return x[off];
      });
      expect(out, `pad ${JSON.stringify(xShape)} by ${JSON.stringify([before, after])}`).toEqual(want);
    }
  });

  it('collapseAxes merges only what every operand walks contiguously', () => {
    // [k, N, d] ∘ [N, d]: one row of N·d per k.
    expect(collapseAxes([4, 3, 5], [[15, 5, 1], [0, 5, 1]])).toEqual({ shape: [4, 15], strides: [[15, 1], [0, 1]] });
    // A per-row scalar ([R, d] ∘ [R, 1]) cannot merge: b steps 1 per row and 0 along it.
    expect(collapseAxes([6, 8], [[8, 1], [1, 0]])).toEqual({ shape: [6, 8], strides: [[8, 1], [1, 0]] });
    // Size-1 axes are dropped, then the rest merges into one row.
    expect(collapseAxes([1, 3, 1, 4], [[12, 4, 4, 1]])).toEqual({ shape: [12], strides: [[1]] });
    // A transpose's strides never merge.
    expect(collapseAxes([3, 2], [[1, 3]])).toEqual({ shape: [3, 2], strides: [[1, 3]] });
    // All axes of size 1: rank 0.
    expect(collapseAxes([1, 1], [[1, 1], [0, 0]])).toEqual({ shape: [], strides: [[], []] });
  });
});

describe('CPU batched matmul over broadcast batch dims', () => {
  const rng = makeRng(5);
  // [a batch, b batch]: a stack against a shared batched operand (both sides), mixed broadcasts, rank-mismatched batches.
  const BATCHES: [number[], number[]][] = [
    [[5, 3, 2], [1, 3, 2]], [[1, 3, 2], [4, 3, 2]], [[3, 1, 4], [1, 5, 4]], [[2, 1, 3, 1], [1, 4, 1, 5]], [[6, 2], [2]], [[1, 1], [3, 1]],
  ];
  for (const [ba, bb] of BATCHES) {
    for (const [transA, transB] of [[false, false], [true, false], [false, true]] as [boolean, boolean][]) {
      it(`${JSON.stringify(ba)} · ${JSON.stringify(bb)} transA=${transA} transB=${transB} equals the definition`, () => {
        const [m, k, n] = [3, 5, 4];
        const aShape = [...ba, ...(transA ? [k, m] : [m, k])], bShape = [...bb, ...(transB ? [n, k] : [k, n])];
        const batch = broadcastShapes('test', [ba, bb]);
        const outShape = [...batch, m, n];
        const a = Float64Array.from({ length: sizeOf(aShape) }, () => rng.normal());
        const b = Float64Array.from({ length: sizeOf(bShape) }, () => rng.normal());
        const out = new Float64Array(sizeOf(outShape));
        matmul(gemm, a, aShape, b, bShape, transA, transB, out, outShape);
        const want = new Float64Array(out.length);
        for (let t = 0; t < sizeOf(batch); t++) {
          const oa = offsetOf(t, batch, ba) * m * k, ob = offsetOf(t, batch, bb) * k * n;
          for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
            let s = 0;
            for (let q = 0; q < k; q++) s += a[oa + (transA ? q * m + i : i * k + q)] * b[ob + (transB ? j * k + q : q * n + j)];
            want[t * m * n + i * n + j] = s;
          }
        }
        for (let i = 0; i < out.length; i++) expect(Math.abs(out[i] - want[i])).toBeLessThan(1e-12 * (1 + Math.abs(want[i])));
      });
    }
  }
});
