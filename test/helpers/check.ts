/**
 * The one numerical check every derivative rule goes through (float64):
 *   1. JVP against central differences:      Jv ≈ (f(x+εv) − f(x−εv)) / 2ε
 *   2. VJP by the adjoint identity:          ⟨u, Jv⟩ = ⟨Jᵀu, v⟩
 *   3. HVP against central differences of the gradient of g(x) = ⟨u, f(x)⟩:
 *                                            Hv ≈ (∇g(x+εv) − ∇g(x−εv)) / 2ε
 *   4. HVP symmetry:                         ⟨w, Hv⟩ = ⟨v, Hw⟩
 * Like HIPS/autograd's check_grads(modes=['fwd','rev'], order=2).
 */
import { expect } from 'vitest';
import {
  type Tensor, add, grad, hvp, jvp, mul, sum, tensor, tidy, vjp,
} from '../../src/index.js';
import { Rng } from './rng.js';

export interface CheckOptions {
  eps?: number;
  /** Relative tolerance for the finite-difference comparisons. */
  rtol?: number;
  /** Absolute floor for the finite-difference comparisons. */
  atol?: number;
  seed?: number;
  /** Skip the second-order checks (for ops whose HVP is identically zero and cheap to state). */
  order?: 1 | 2;
  /** Relative tolerance of the identities that hold exactly up to rounding (adjoint, symmetry). */
  exactTol?: number;
}

const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i], 0);
const data = (t: Tensor): Float64Array => Float64Array.from(t.dataSync());

function randomLike(rng: Rng, x: Tensor): Tensor {
  return tensor(Float64Array.from({ length: x.size }, () => rng.normal()), x.shape, 'float64');
}

function axpy(xs: Tensor[], vs: Tensor[], s: number): Tensor[] {
  return xs.map((x, i) => tensor(data(x).map((xv, j) => xv + s * data(vs[i])[j]), x.shape, 'float64'));
}

function close(actual: number[], expected: number[], rtol: number, atol: number, what: string): void {
  const scale = Math.max(1, ...expected.map(Math.abs));
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= atol + rtol * scale)) {
      expect.fail(`${what}: element ${i}: got ${actual[i]}, expected ${expected[i]} (|err| ${err.toExponential(2)}, tol ${(atol + rtol * scale).toExponential(2)})`);
    }
  }
}

/** Check first and second derivatives of `f` at float64 inputs `xs` (every input is differentiated). */
export function checkDerivatives(f: (xs: Tensor[]) => Tensor, xs: Tensor[], opts: CheckOptions = {}): void {
  const eps = opts.eps ?? 1e-5;
  const rtol = opts.rtol ?? 1e-6;
  const atol = opts.atol ?? 1e-7;
  const exact = opts.exactTol ?? 1e-9;
  const rng = new Rng(opts.seed ?? 1);
  tidy(() => {
    const v = xs.map((x) => randomLike(rng, x));
    const y = f(xs);
    const u = randomLike(rng, y);

    // 1. JVP vs central differences.
    const { tangent } = jvp(f, xs, v);
    const fd = data(f(axpy(xs, v, eps))).map((p, i) => (p - data(f(axpy(xs, v, -eps)))[i]) / (2 * eps));
    close([...data(tangent)], [...fd], rtol, atol, 'JVP vs finite differences');

    // 2. VJP adjoint identity.
    const lin = vjp(f, xs);
    const jtu = lin.backward(u);
    lin.dispose();
    const lhs = dot(data(u), data(tangent));
    const rhs = jtu.reduce((s, g, i) => s + dot(data(g), data(v[i])), 0);
    close([lhs], [rhs], exact, exact, '⟨u, Jv⟩ = ⟨Jᵀu, v⟩');
    if (opts.order === 1) return;

    // 3. HVP of g(x) = ⟨u, f(x)⟩ vs central differences of its gradient.
    const g = (ps: Tensor[]) => sum(mul(f(ps), u));
    const hv = hvp(g, xs, v);
    const gp = grad(g)(axpy(xs, v, eps));
    const gm = grad(g)(axpy(xs, v, -eps));
    hv.forEach((h, i) => {
      const expected = data(gp[i]).map((p, j) => (p - data(gm[i])[j]) / (2 * eps));
      close([...data(h)], [...expected], rtol, atol, `HVP vs finite differences of the gradient (input ${i})`);
    });

    // 4. Symmetry ⟨w, Hv⟩ = ⟨v, Hw⟩.
    const w = xs.map((x) => randomLike(rng, x));
    const hw = hvp(g, xs, w);
    const wHv = hv.reduce((s, h, i) => s + dot(data(h), data(w[i])), 0);
    const vHw = hw.reduce((s, h, i) => s + dot(data(h), data(v[i])), 0);
    close([wHv], [vHw], exact, exact, 'HVP symmetry ⟨w, Hv⟩ = ⟨v, Hw⟩');
    return add(y, 0); // keep y alive to the end of the scope, then drop it
  });
}
