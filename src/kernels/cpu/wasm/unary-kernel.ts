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
// Layout: $n floats at $x, results to $out (it may equal $x: each pair is read
// before it is written). Pairs go through v128.load64_zero and store64_lane;
// an odd last float through load32_zero and store32_lane.

/** The float32 ops with a Wasm kernel; neg, log, sqrt and every float64 op stay in JS. */
export const WASM_UNARY_OPS = ['exp', 'tanh', 'erf'] as const;
export type WasmUnaryOp = (typeof WASM_UNARY_OPS)[number];
/** Pages of 64 KiB the memory may grow to (1 GiB keeps every byte address a positive i32). */
export const UNARY_MAX_PAGES = 16384;

const f64 = (v: number) => `v128.const f64x2 ${v} ${v}`;
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

/** Leaves Σ c[i]·v^i (Horner, lowest coefficient first in c) on the stack. */
function horner(c: number[], v: string): string {
  let s = f64(c[c.length - 1]);
  for (let i = c.length - 2; i >= 0; i--) s += ` local.get ${v} f64x2.mul ${f64(c[i])} f64x2.add`;
  return s;
}

/**
 * From $a (float64 lanes, already in range) sets $s = 2^k and $p = exp(r) − 1
 * with exp($a) = $s·(1 + $p); degree d polynomial. Uses $t, $k, $r.
 */
function expCore(d: number): string {
  return `
    local.get $a ${f64(Math.LOG2E)} f64x2.mul ${f64(SHIFT)} f64x2.add local.set $t  ;; k in the low bits
    local.get $t ${f64(SHIFT)} f64x2.sub local.set $k                              ;; k, exactly
    local.get $a local.get $k ${f64(LN2_HI)} f64x2.mul f64x2.sub
    local.get $k ${f64(LN2_LO)} f64x2.mul f64x2.sub local.set $r                   ;; r = a − k·ln2
    ${horner(expTaylor(d), '$r')} local.get $r f64x2.mul local.set $p              ;; exp(r) − 1
    local.get $t v128.const i64x2 1023 1023 i64x2.add i32.const 52 i64x2.shl local.set $s  ;; 2^k`;
}

const SIGN = 'v128.const i64x2 -9223372036854775808 -9223372036854775808';
/** Ors the sign bit of $x into the (non-negative) result on the stack. */
const withSignOfX = `local.get $x ${SIGN} v128.and v128.or`;

/** The body: from $x (two float64 lanes) leave the two results (float64) on the stack. */
const BODY: Record<WasmUnaryOp, string> = {
  exp: `
    local.get $x ${f64(-110)} f64x2.pmax ${f64(100)} f64x2.pmin local.set $a
    ${expCore(11)}
    local.get $s local.get $s local.get $p f64x2.mul f64x2.add`,
  tanh: `
    local.get $x f64x2.abs ${f64(20)} f64x2.pmin local.tee $a local.get $a f64x2.add local.set $a  ;; 2|x|
    ${expCore(11)}
    local.get $s ${f64(1)} f64x2.sub local.get $s local.get $p f64x2.mul f64x2.add local.tee $e  ;; E = expm1(2|x|)
    local.get $e ${f64(2)} f64x2.add f64x2.div
    ${withSignOfX}`,
  erf: `
    local.get $x f64x2.abs local.tee $z local.get $z f64x2.mul local.set $z2
    ${horner(ERF_TAYLOR, '$z2')} local.get $z f64x2.mul local.set $e          ;; the |x| < 1 branch
    ${f64(1)} ${f64(1)} local.get $z ${f64(0.5)} f64x2.mul f64x2.add f64x2.div local.set $u  ;; t = 1/(1 + z/2)
    ${horner(ERFC_FIT, '$u')} local.get $z2 f64x2.sub ${f64(-110)} f64x2.pmax local.set $a
    ${expCore(8)}
    ${f64(1)} local.get $u local.get $s local.get $s local.get $p f64x2.mul f64x2.add f64x2.mul f64x2.sub local.set $a  ;; 1 − erfc
    local.get $e local.get $a local.get $z ${f64(1)} f64x2.lt v128.bitselect  ;; Taylor where |x| < 1 (NaN takes 1 − erfc: NaN)
    ${withSignOfX}`,
};

/** WAT for the module: one export per op, (x, out, n) in bytes / floats; it imports a (not shared) memory. */
export function unaryWat(): string {
  return `(module
  (import "env" "memory" (memory 1 ${UNARY_MAX_PAGES}))
  ${WASM_UNARY_OPS.map(func).join('\n  ')})`;
}

function func(op: WasmUnaryOp): string {
  const one = (load: string, store: string) => `
      local.get $src ${load} f64x2.promote_low_f32x4 local.set $x
      ${BODY[op]}
      f32x4.demote_f64x2_zero local.set $y
      local.get $dst local.get $y ${store}`;
  return `(func $${op} (export "${op}") (param $src i32) (param $dst i32) (param $n i32)
    (local $end i32) (local $x v128) (local $y v128) (local $a v128) (local $t v128) (local $k v128) (local $r v128)
    (local $p v128) (local $s v128) (local $e v128) (local $z v128) (local $z2 v128) (local $u v128)
    local.get $src local.get $n i32.const -2 i32.and i32.const 2 i32.shl i32.add local.set $end  ;; after the last pair
    block $pairs
      local.get $src local.get $end i32.ge_u br_if $pairs
      loop $pair
        ${one('v128.load64_zero', 'v128.store64_lane 0')}
        local.get $dst i32.const 8 i32.add local.set $dst
        local.get $src i32.const 8 i32.add local.tee $src local.get $end i32.lt_u br_if $pair
      end
    end
    block $odd
      local.get $n i32.const 1 i32.and i32.eqz br_if $odd
      ${one('v128.load32_zero', 'v128.store32_lane 0')}
    end)`;
}
