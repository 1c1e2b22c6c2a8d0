/**
 * The error function to float64 accuracy (~1e-15), needed because the exact
 * GELU is built on it and float64 finite-difference tests would see the error
 * of a cheap approximation.
 *
 * |x| < 3: erf(x) = 2/√π · e^{−x²} · Σ_n 2ⁿ x^{2n+1} / (1·3·…·(2n+1)) — every term
 * is positive, so there is no cancellation.
 * |x| ≥ 3: erfc(x) = e^{−x²}/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …)))), the
 * Laplace continued fraction, evaluated bottom-up; it converges fast for large x.
 */
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 3) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  }
  if (ax > 6.5) return Math.sign(x); // erfc(6.5) < 1e-19
  let f = ax;
  for (let k = 60; k >= 1; k--) f = ax + (k / 2) / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

/**
 * erf to float32 accuracy (absolute error < 1.2e-7): erfc(z) ≈ t·exp(−z² + P(t)),
 * t = 1/(1 + z/2), with the degree-9 polynomial P of Numerical Recipes' `erfcc`.
 */
export function erf32(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const p = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(-z * z + p);
  return x >= 0 ? 1 - erfc : erfc - 1;
}
