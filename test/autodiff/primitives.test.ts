/**
 * Every primitive through the one check helper (JVP, VJP adjoint, HVP vs
 * finite differences, HVP symmetry), in float64. Each case composes the
 * primitive with a smooth nonlinearity where needed so that its second
 * derivative is not trivially zero.
 */
import { describe, it } from 'vitest';
import * as hg from '../../src/index.js';
import type { OpName } from '../../src/tensor/primitives.js';
import { checkDerivatives } from '../helpers/check.js';
import { Rng } from '../helpers/rng.js';

const rng = new Rng(7);
const t = (shape: number[], f: (r: Rng) => number = (r) => r.normal()) =>
  hg.tensor(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => f(rng)), shape, 'float64');
const pos = (shape: number[]) => t(shape, (r) => 0.5 + r.uniform());
const sq = (x: hg.Tensor) => hg.mul(x, x);

type Case = [string, (xs: hg.Tensor[]) => hg.Tensor, () => hg.Tensor[]];
const cases: Record<OpName, Case[]> = {
  neg: [['neg', ([x]) => sq(hg.neg(x)), () => [t([3, 4])]]],
  exp: [['exp', ([x]) => hg.exp(x), () => [t([5])]]],
  log: [['log', ([x]) => hg.log(x), () => [pos([2, 3])]]],
  sqrt: [['sqrt', ([x]) => hg.sqrt(x), () => [pos([4])]]],
  tanh: [['tanh', ([x]) => hg.tanh(x), () => [t([2, 5])]]],
  erf: [['erf', ([x]) => hg.erf(x), () => [t([7], (r) => 2 * r.normal())]]],
  add: [['add broadcast (3,1)+(4,)', ([a, b]) => sq(hg.add(a, b)), () => [t([3, 1]), t([4])]]],
  sub: [['sub broadcast', ([a, b]) => sq(hg.sub(a, b)), () => [t([2, 3]), t([1, 3])]]],
  mul: [['mul broadcast', ([a, b]) => hg.mul(hg.mul(a, b), a), () => [t([2, 3]), t([3])]]],
  div: [['div broadcast', ([a, b]) => hg.div(a, b), () => [t([3, 2]), pos([3, 1])]]],
  greater: [['greater (zero derivative)', ([a, b]) => hg.mul(hg.greater(a, b), sq(a)), () => [t([6]), t([6])]]],
  equal: [['equal (zero derivative)', ([a]) => hg.mul(hg.add(hg.equal(a, a), 1), sq(a)), () => [t([4])]]],
  where: [['where', ([a, b]) => hg.where(hg.greater(a, 0), sq(a), hg.mul(b, a)), () => [t([5]), t([1])]]],
  sum: [
    ['sum axis 1', ([x]) => sq(hg.sum(x, 1)), () => [t([3, 4, 2])]],
    ['sum axes 0,2 keepdims', ([x]) => hg.exp(hg.sum(x, [0, 2], true)), () => [t([2, 3, 2], (r) => 0.3 * r.normal())]],
  ],
  max: [['max axis -1', ([x]) => sq(hg.max(x, -1)), () => [t([3, 5])]]],
  reshape: [['reshape', ([x]) => sq(hg.reshape(x, [6, -1])), () => [t([2, 3, 4])]]],
  transpose: [['transpose', ([x, w]) => hg.mul(hg.transpose(x, [2, 0, 1]), hg.mul(w, hg.transpose(x, [2, 0, 1]))), () => [t([2, 3, 4]), t([4, 2, 3])]]],
  broadcast: [['broadcast', ([x]) => sq(hg.broadcastTo(x, [2, 3, 4])), () => [t([3, 1])]]],
  slice: [['slice', ([x]) => sq(hg.slice(x, [1, 0], [3, 2])), () => [t([4, 3])]]],
  pad: [['pad', ([x]) => hg.exp(hg.pad(x, [1, 0], [0, 2])), () => [t([2, 3])]]],
  cast: [['cast float64 → float32 → float64', ([x]) => sq(x), () => [t([3])]]],
  matmul: [
    ['matmul (3,4)·(4,5)', ([a, b]) => sq(hg.matmul(a, b)), () => [t([3, 4]), t([4, 5])]],
    ['matmul batched broadcast (2,3,4)·(4,2)', ([a, b]) => sq(hg.matmul(a, b)), () => [t([2, 3, 4]), t([4, 2])]],
    ['matmul transA, transB', ([a, b]) => sq(hg.matmul(a, b, { transA: true, transB: true })), () => [t([4, 3]), t([5, 4])]],
    ['matmul transA batched', ([a, b]) => sq(hg.matmul(a, b, { transA: true })), () => [t([2, 4, 3]), t([2, 4, 5])]],
    ['matmul transB shared B', ([a, b]) => sq(hg.matmul(a, b, { transB: true })), () => [t([2, 3, 4]), t([5, 4])]],
  ],
  gather: [['gather', ([table]) => sq(hg.gather(table, hg.tensor([2, 0, 2, 1], [2, 2], 'int32'))), () => [t([3, 4])]]],
  scatterAdd: [['scatterAdd', ([src]) => sq(hg.scatterAdd(src, hg.tensor([1, 1, 0], [3], 'int32'), 4)), () => [t([3, 2])]]],
  im2col: [['im2col 3×3 stride 2 pad 1', ([x]) => sq(hg.im2col(x, { kh: 3, kw: 3, stride: 2, pad: 1 })), () => [t([2, 2, 5, 4])]]],
  col2im: [['col2im', ([c]) => sq(hg.col2im(c, { kh: 2, kw: 2, stride: 1, pad: 0, h: 3, w: 3 })), () => [t([1, 4, 8])]]],
  softmax: [['softmax', ([x]) => hg.softmax(x), () => [t([3, 7])]]],
  layernorm: [['layernorm', ([x]) => hg.layernorm(x, 1e-5), () => [t([4, 6])]]],
};
// cast needs its own function: float64 → float32 loses precision, so check the float64 → float64 identity path
// plus a float64 → float32 → float64 round trip at a loose tolerance below.
cases.cast = [['cast round trip', ([x]) => sq(hg.cast(x, 'float64')), () => [t([3])]]];

describe('every primitive passes the derivative checks (float64)', () => {
  for (const [name, list] of Object.entries(cases)) {
    for (const [label, f, inputs] of list) {
      it(`${name}: ${label}`, () => checkDerivatives(f, inputs()));
    }
  }
  it('cast float64 → float32 → float64 (float32 tolerance)', () => {
    checkDerivatives(([x]) => sq(hg.cast(hg.cast(x, 'float32'), 'float64')), [t([4])], { eps: 1e-3, rtol: 1e-4, atol: 1e-4, exactTol: 1e-6 });
  });
});
