/**
 * erf in WGSL, accurate to about 1.6 float32 ulp over the real line (checked
 * against the float64 CPU erf in test/webgpu).
 *
 * |x| < 1: the Taylor series erf(x) = 2/√π Σ (−1)ⁿ x^{2n+1} / (n!(2n+1)),
 * 12 terms in Horner form; at |x| = 1 the 13th term is below 1e-9, and the
 * alternating terms shrink fast enough that float32 cancellation stays small.
 * |x| ≥ 1: 1 − erfc(x), with the Chebyshev-fitted erfc of Numerical Recipes
 * (relative error < 1.2e-7), so erf's absolute error is < 2e-8 there.
 */
const taylor: number[] = [];
for (let n = 0, fact = 1; n < 12; n++, fact *= n) {
  taylor.push(((n % 2 ? -1 : 1) * 2) / Math.sqrt(Math.PI) / (fact * (2 * n + 1)));
}
const erfcFit = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
  0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277,
];

const horner = (c: number[], v: string): string =>
  c.slice(0, -1).reduceRight((acc, k) => `fma(${acc}, ${v}, ${k.toPrecision(9)})`, c[c.length - 1].toPrecision(9));

/** WGSL source of `fn erf32(x: f32) -> f32`. */
export const ERF = /* wgsl */ `
fn erf32(x: f32) -> f32 {
  let a = abs(x);
  if (a < 1.0) {
    let s = a * a;
    return x * (${horner(taylor, 's')});
  }
  let t = 1.0 / (1.0 + 0.5 * a);
  let e = t * exp(-a * a + ${horner(erfcFit, 't')});
  return sign(x) * (1.0 - e);
}`;
