/**
 * The README's API tour, runnable: `npx tsx examples/tour.ts`.
 * test/examples.test.ts runs it, so the README's examples cannot rot.
 */
import * as hg from 'heterograd'; // this package, by name (package.json exports)

export function tour(): Record<string, number[]> {
  // Tensors are float32 by default; float64 runs on the CPU backend.
  const x = hg.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  const w = hg.tensor([0.5, -1, 2], [3, 1]);
  const y = hg.matmul(x, w); // (2, 1)

  // A scalar loss of named parameters, like PyTorch's named_parameters.
  const params = { weight: hg.tensor([0.1, 0.2, 0.3], [1, 3], 'float64'), bias: hg.tensor([0], [1], 'float64') };
  const xs = hg.tensor([1, 2, 3, 4, 5, 6], [2, 3], 'float64');
  const loss = (p: typeof params) => hg.mean(hg.square(hg.tanh(hg.linear(xs, p.weight, p.bias))));

  const g = hg.grad(loss)(params); // same structure as params
  const { value } = hg.valueAndGrad(loss)(params);

  // Forward mode: f(p) and the directional derivative along a tangent (missing leaves are zero).
  const { tangent } = hg.jvp(loss, params, { weight: hg.tensor([1, 0, 0], [1, 3], 'float64') });

  // Hessian-vector product, forward-over-reverse (the JVP of the gradient).
  const v = { weight: hg.tensor([1, 0, 0], [1, 3], 'float64') };
  const hv = hg.hvp(loss, params, v);

  // k directions sharing one forward and backward pass, and a block HVP H_bb·v_b.
  const [h1, h2] = hg.hvpMulti(loss, params, [v, { bias: hg.tensor([1], [1], 'float64') }]);
  const hbb = hg.hvp(loss, params, v, { wrt: [true, false] }); // only `weight` is differentiated

  // Deterministic lifetime: everything created inside tidy is freed, except what it returns.
  const before = hg.liveTensorCount();
  const kept = hg.tidy(() => hg.sum(hg.exp(hg.neg(x))));
  const leaked = hg.liveTensorCount() - before; // 1: only `kept`

  return {
    y: [...y.dataSync()], grad: [...g.weight.dataSync()], value: [value.item()], tangent: [tangent.item()],
    hv: [...hv.weight.dataSync()], h1: [...h1.weight.dataSync()], h2bias: [...h2.bias.dataSync()],
    hbb: [...hbb.weight.dataSync()], kept: [kept.item()], leaked: [leaked],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(tour());
