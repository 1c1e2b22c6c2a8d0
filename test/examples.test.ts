/** The README's API tour runs and its results agree with each other. */
import { expect, it } from 'vitest';
import { tour } from '../examples/tour.js';

it('the API tour runs', () => {
  const r = tour();
  expect(r.y).toEqual([4.5, 9]);
  expect(r.hv).toEqual(r.h1); // hvpMulti's first direction is the single HVP
  expect(r.hbb[0]).toBeCloseTo(r.hv[0], 12); // the weight block of H·v for v on the weight block
  expect(r.leaked).toEqual([1]);
  expect(r.tangent[0]).toBeCloseTo(r.grad[0], 12); // the JVP along e₁ is ∂L/∂w₁
});
