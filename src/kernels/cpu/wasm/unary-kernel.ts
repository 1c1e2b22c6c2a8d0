// The Wasm SIMD kernels for float32 exp, tanh and erf, emitted as WAT text
// (assembled by wat.ts). Each takes two floats at a time, widens them to the
// two float64 lanes of a v128, evaluates there, and rounds back to float32.
//
// Why float64 lanes: the JS loops of ../elementwise.ts compute in float64 and
// round once on the store, and so does this kernel. An approximation whose
// float64 error is far below half a float32 ulp (~6e-8 relative) then rounds to
// the same float32 as the JS loop except when the exact value lies within that
// error of a rounding boundary: exp and tanh here are good to ~1e-14 relative,
// so they round differently from Math.exp/Math.tanh about once in 10⁶–10⁷
// elements, and then by one ulp. Overflow, underflow to 0 and denormal results
// need no special code: float64 holds exp(x) for every float32 x we let through
// as a normal number, and the demote to float32 rounds it (to ∞, 0 or a
// denormal) exactly as the JS store does. Half the lanes of f32x4 arithmetic,
// but no extra-precision tricks and no edge-case masks.
//
// exp(a), the core of all three:
//   k = round(a / ln2), r = a − k·ln2, |r| ≤ ln2/2 ≈ 0.347, exp(a) = 2^k · exp(r).
//   Rounding: t = a·log2(e) + 1.5·2⁵² leaves k = round(a·log2 e) in t's low
//   mantissa bits (at that magnitude a float64 step is 1), so t − 1.5·2⁵² is k
//   as a float64 and t's bits are bits(1.5·2⁵²) + k.
//   r in two pieces (Cody–Waite): ln2 = LN2_HI + LN2_LO where LN2_HI has 32
//   significant bits, so k·LN2_HI is exact for |k| < 2²¹ and r's rounding error
//   is ~1e-23, not the 1e-17·|k| of a one-constant reduction.
//   exp(r) − 1 = r + r²/2! + … + r^d/d!, in Horner form: the Taylor remainder
//   is below |r|^(d+1)/(d+1)! ≤ 0.347^(d+1)/(d+1)!, 3e-15 relative for d = 11.
//   Keeping exp(r) − 1 rather than exp(r) gives expm1 for tanh with no
//   cancellation near 0.
//   2^k: (bits(t) + 1023) << 52 keeps only the low 12 bits of bits(t) + 1023,
//   which are k + 1023 for |k| < 1023: the biased exponent of 2^k, mantissa 0.
//   exp's argument is clamped to [−110, 100] (pmin/pmax keep NaN), so |k| ≤ 159:
//   exp(−110) < 2⁻¹⁵⁰ rounds to float32 0 and exp(100) to ∞, as Math.exp's do.
//
// tanh(x) = sign(x) · E / (E + 2), E = expm1(2|x|) = (2^k − 1) + 2^k·(exp(r) − 1).
//   For k = 0 (|x| < 0.17) E is the polynomial itself, so tanh of tiny x is x
//   (no 1 − 2/(e^{2x} + 1) cancellation); 2^k − 1 is exact. |x| is clamped to
//   20, where tanh is 1 to 1e-17.
//
// erf(x) = sign(x) · erf(|x|), the two branches of the WebGPU erf (../../webgpu/wgsl/erf.ts):
//   |x| < 1: the Taylor series 2/√π Σ (−1)ⁿ x^{2n+1} / (n!(2n+1)), 12 terms;
//     the 13th is below 1e-10 at |x| = 1, and in float64 the alternating sum
//     loses nothing that matters.
//   |x| ≥ 1: 1 − erfc(x), erfc(z) ≈ t·exp(−z² + P(t)), t = 1/(1 + z/2), the
//     Chebyshev fit of Numerical Recipes (relative error < 1.2e-7, and
//     erfc(1) < 0.16, so erf's absolute error < 2e-8). exp here needs only
//     ~1e-9 (an error times erfc ≤ 0.16): degree 8, remainder < 2e-10.
//   Both branches run in every lane and a mask picks one (a branch per pair
//   would mispredict on activations that straddle |x| = 1). With float32's
//   final rounding (≤ 3e-8 near 1) the absolute error stays below 6e-8, inside
//   erf32's contract of 1.2e-7, and it is exactly odd with erf(±0) = ±0,
//   where erf32 of ../erf.ts (the erfc form everywhere) gives −3e-8 at 0.
//
// Speed: the polynomials are long dependency chains (a Horner step waits for
// the previous one: ~8 cycles of latency for a mul and an add), so one pair at a
// time left the core mostly idle (exp ~4, erf ~13 ns/element). The main loop
// takes UNARY_INTERLEAVE pairs and interleaves their statements, so the chains
// run side by side: 4 pairs made it ~1.5–2× faster; 2 was slower, 8 no better
// for erf (register spills). Measured with bench/elementwise.ts.
//
// Layout: $n floats at $src, results to $dst (it may equal $src: each group is
// read before it is written). Pairs go through v128.load64_zero and
// store64_lane; then leftover pairs one at a time; an odd last float through
// load32_zero and store32_lane.

import { KERNEL_MAX_PAGES } from './module.js';

/** The float32 ops with a Wasm kernel; neg, log, sqrt and every float64 op stay in JS. */
export const WASM_UNARY_OPS = ['exp', 'tanh', 'erf'] as const;
export type WasmUnaryOp = (typeof WASM_UNARY_OPS)[number];
/** A v128 constant of two equal float64 lanes. */
export const f64 = (v: number) => `v128.const f64x2 ${v} ${v}`;
const SHIFT = 1.5 * 2 ** 52;
const LN2_HI = 0.6931471803691238; // 0x3FE62E42FEE00000: ln 2 rounded to 32 significant bits
const LN2_LO = Math.LN2 - LN2_HI; // the rest, 1.9082149292705877e-10
/** 1/n! for n = 1…d: expm1(r) = r·(1/1! + r·(1/2! + …)). */
const expTaylor = (d: number) => Array.from({ length: d }, (_, i) => 1 / factorial(i + 1));
/** 2/√π · (−1)ⁿ / (n!(2n+1)), n = 0…11: erf(z) = z · Σ cₙ (z²)ⁿ. */
const ERF_TAYLOR = Array.from({ length: 12 }, (_, n) => ((n % 2 ? -1 : 1) * 2) / Math.sqrt(Math.PI) / (factorial(n) * (2 * n + 1)));
/** Numerical Recipes' erfcc: erfc(z) ≈ t·exp(−z² + Σ cᵢ tⁱ). */
const ERFC_FIT = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/**
 * A statement: flat instructions that leave the stack as they found it. Bodies
 * are lists of statements over locals named through `v`, so that several pairs
 * can be interleaved statement by statement (see func).
 */
export type Stmt = string;
/** Names a local of one interleaved chain: v('r') is `$r0` in the first, `$r1` in the second, … */
export type Local = (name: string) => string;

/** acc = Σ c[i]·x^i (Horner, c lowest first): one statement per step, so interleaved chains overlap. */
function horner(c: number[], x: string, acc: string): Stmt[] {
  const out = [`${f64(c[c.length - 1])} local.get ${x} f64x2.mul ${f64(c[c.length - 2])} f64x2.add local.set ${acc}`];
  for (let i = c.length - 3; i >= 0; i--) out.push(`local.get ${acc} local.get ${x} f64x2.mul ${f64(c[i])} f64x2.add local.set ${acc}`);
  return out;
}

/**
 * From v('a') (float64 lanes, already in range) sets v('s') = 2^k and
 * v('p') = exp(r) − 1 with exp(a) = s·(1 + p); degree d polynomial.
 */
export function expCore(v: Local, d: number): Stmt[] {
  return [
    `local.get ${v('a')} ${f64(Math.LOG2E)} f64x2.mul ${f64(SHIFT)} f64x2.add local.set ${v('t')}`, // k in the low bits
    `local.get ${v('t')} ${f64(SHIFT)} f64x2.sub local.set ${v('k')}`, // k, exactly
    `local.get ${v('a')} local.get ${v('k')} ${f64(LN2_HI)} f64x2.mul f64x2.sub local.get ${v('k')} ${f64(LN2_LO)} f64x2.mul f64x2.sub local.set ${v('r')}`, // r = a − k·ln2
    ...horner([0, ...expTaylor(d)], v('r'), v('p')), // exp(r) − 1 (constant term 0)
    `local.get ${v('t')} v128.const i64x2 1023 1023 i64x2.add i32.const 52 i64x2.shl local.set ${v('s')}`, // 2^k
  ];
}

/** Degree of exp's polynomial: remainder 3e-15 relative (see the header). */
export const EXP_DEGREE = 11;

/** From v('a') (float64 lanes, already clamped) sets v('y') = exp(a) = s·(1 + p); locals as expCore's. Softmax (rows-kernel.ts) uses it too. */
export function expStmts(v: Local): Stmt[] {
  return [...expCore(v, EXP_DEGREE), `local.get ${v('s')} local.get ${v('s')} local.get ${v('p')} f64x2.mul f64x2.add local.set ${v('y')}`];
}

const SIGN = 'v128.const i64x2 -9223372036854775808 -9223372036854775808';

/** From v('x') (two float64 lanes) set v('y') to the two results (float64). */
const BODY: Record<WasmUnaryOp, (v: Local) => Stmt[]> = {
  exp: (v) => [
    `local.get ${v('x')} ${f64(-110)} f64x2.pmax ${f64(100)} f64x2.pmin local.set ${v('a')}`,
    ...expStmts(v),
  ],
  tanh: (v) => [
    `local.get ${v('x')} f64x2.abs ${f64(20)} f64x2.pmin local.set ${v('a')}`,
    `local.get ${v('a')} local.get ${v('a')} f64x2.add local.set ${v('a')}`, // 2|x|
    ...expCore(v, EXP_DEGREE),
    `local.get ${v('s')} ${f64(1)} f64x2.sub local.get ${v('s')} local.get ${v('p')} f64x2.mul f64x2.add local.set ${v('e')}`, // E = expm1(2|x|)
    `local.get ${v('e')} local.get ${v('e')} ${f64(2)} f64x2.add f64x2.div local.get ${v('x')} ${SIGN} v128.and v128.or local.set ${v('y')}`,
  ],
  erf: (v) => [
    `local.get ${v('x')} f64x2.abs local.set ${v('z')}`,
    `local.get ${v('z')} local.get ${v('z')} f64x2.mul local.set ${v('z2')}`,
    ...horner(ERF_TAYLOR, v('z2'), v('e')), // the |x| < 1 branch: e·z
    `${f64(1)} ${f64(1)} local.get ${v('z')} ${f64(0.5)} f64x2.mul f64x2.add f64x2.div local.set ${v('u')}`, // t = 1/(1 + z/2)
    ...horner(ERFC_FIT, v('u'), v('a')),
    `local.get ${v('a')} local.get ${v('z2')} f64x2.sub ${f64(-110)} f64x2.pmax local.set ${v('a')}`, // −z² + P(t)
    ...expCore(v, 8),
    `${f64(1)} local.get ${v('u')} local.get ${v('s')} local.get ${v('s')} local.get ${v('p')} f64x2.mul f64x2.add f64x2.mul f64x2.sub local.set ${v('a')}`, // 1 − erfc
    // Taylor where |x| < 1; NaN fails the test and takes 1 − erfc, which is NaN.
    `local.get ${v('e')} local.get ${v('z')} f64x2.mul local.get ${v('a')} local.get ${v('z')} ${f64(1)} f64x2.lt v128.bitselect local.set ${v('y')}`,
    `local.get ${v('y')} local.get ${v('x')} ${SIGN} v128.and v128.or local.set ${v('y')}`,
  ],
};
const LOCALS = ['x', 'y', 'a', 't', 'k', 'r', 'p', 's', 'e', 'z', 'z2', 'u'];

/** Pairs of floats per iteration of the main loop; their statements interleave so the long polynomial chains overlap. */
export const UNARY_INTERLEAVE = 4;

/** WAT for the module: one export per op, (src, dst, n) in bytes / floats; it imports a (not shared) memory. */
export function unaryWat(): string {
  return `(module
  (import "env" "memory" (memory 1 ${KERNEL_MAX_PAGES}))
  ${WASM_UNARY_OPS.map(func).join('\n  ')})`;
}

/** g pairs (or one float with `odd`) from $src to $dst: loads, the interleaved bodies, stores. */
function step(op: WasmUnaryOp, g: number, odd = false): string {
  const groups = Array.from({ length: g }, (_, j) => BODY[op]((name) => `$${name}${j}`));
  const load = odd ? 'v128.load32_zero' : 'v128.load64_zero', store = odd ? 'v128.store32_lane' : 'v128.store64_lane';
  const lines = groups.map((_, j) => `local.get $src ${load} offset=${8 * j} f64x2.promote_low_f32x4 local.set $x${j}`);
  for (let i = 0; i < groups[0].length; i++) for (const body of groups) lines.push(body[i]);
  groups.forEach((_, j) => lines.push(`local.get $dst local.get $y${j} f32x4.demote_f64x2_zero ${store} offset=${8 * j} 0`));
  return lines.join('\n        ');
}

function func(op: WasmUnaryOp): string {
  const G = UNARY_INTERLEAVE;
  const locals = Array.from({ length: G }, (_, j) => LOCALS.map((l) => `(local $${l}${j} v128)`).join(' ')).join('\n    ');
  // A loop body runs once before its test, so each loop sits in a block that skips it when there is no work.
  return `(func $${op} (export "${op}") (param $src i32) (param $dst i32) (param $n i32)
    (local $end i32) (local $tail i32)
    ${locals}
    local.get $src local.get $n i32.const -2 i32.and i32.const 2 i32.shl i32.add local.set $end  ;; after the last pair
    local.get $src local.get $n i32.const ${-2 * G} i32.and i32.const 2 i32.shl i32.add local.set $tail  ;; after the last group of ${G} pairs
    block $groups
      local.get $src local.get $tail i32.ge_u br_if $groups
      loop $group
        ${step(op, G)}
        local.get $dst i32.const ${8 * G} i32.add local.set $dst
        local.get $src i32.const ${8 * G} i32.add local.tee $src local.get $tail i32.lt_u br_if $group
      end
    end
    block $pairs
      local.get $src local.get $end i32.ge_u br_if $pairs
      loop $pair
        ${step(op, 1)}
        local.get $dst i32.const 8 i32.add local.set $dst
        local.get $src i32.const 8 i32.add local.tee $src local.get $end i32.lt_u br_if $pair
      end
    end
    block $odd
      local.get $n i32.const 1 i32.and i32.eqz br_if $odd
      ${step(op, 1, true)}
    end)`;
}
