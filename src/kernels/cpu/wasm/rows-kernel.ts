// The Wasm kernels for the float32 softmax and layernorm rows, emitted as WAT
// text (assembled by wat.ts). Each is the JS loop of ../rows.ts over `rows`
// rows of n floats (x and out byte addresses of dense blocks), with the same
// float64 arithmetic in the same order except where noted, so the results
// agree with JS to within a float32 rounding step (rows.test checks it):
//
//   softmax(x, rows, n, out)         out[r] = exp(x[r] − max x[r]) / Σ exp(x[r] − max x[r])
//   layernorm(x, rows, n, eps, out)  out[r] = (x[r] − mean) / √(var + eps)
//
// softmax: the max in float32 (NaN never taken, as `if (v > m)` in JS), each
// exp(x − m) in float64 by the routine below, stored rounded to float32 while
// the unrounded values are summed in order in float64, then each stored float
// times 1/Σ rounded once. V8's Math.exp is a C call per element; this exp is
// a dozen float64 multiply-adds, but one dependent chain (Horner) per element,
// so it measured only 1.4× the JS loop (19.7 against 13.8 ns/element at
// [64,4,17,17], bench/elementwise.ts): two elements per f64x2 chain, or Estrin's
// scheme, is the next step. Its relative error is a few float64
// ulps (~1e-15) where Math.exp's is under one, so a result can land on the other
// float32 neighbour only when the exact value sits within ~1e-15 relative of a
// float32 rounding boundary.
//
// layernorm: mean and variance in float64 two-lane partial sums (the order of
// sum_rows in reduce-kernel.ts, not the JS loop's sequential order), then the
// output pass exactly as JS: ((x − mean) · inv) rounded to float32.

/** Pages of 64 KiB the memory may grow to (1 GiB keeps every byte address a positive i32). */
export const ROWS_MAX_PAGES = 16384;

/** WAT for the module: softmax and layernorm; it imports a (not shared) memory. */
export function rowsWat(): string {
  return `(module
  (import "env" "memory" (memory 1 ${ROWS_MAX_PAGES}))
  ${softmaxFunc()}
  ${layernormFunc()})`;
}

/** 1/j! for j = 0..12: Taylor terms of e^r. On |r| ≤ ln2/2 the first term left out, r¹³/13!, is < 2e-16 relative. */
const TAYLOR = Array.from({ length: 13 }, (_, j) => 1 / Array.from({ length: j }, (_, i) => i + 1).reduce((a, b) => a * b, 1));

/**
 * exp of the float64 on the stack, leaving a float64; uses locals $t $k $r.
 * e^t = 2^k · e^r with k = round(t / ln2), r = t − k·ln2 (ln2 in two parts,
 * fdlibm's: the high part has trailing zero bits, so k·LN2_HI is exact for
 * |k| < 2^11). Softmax arguments are ≤ 0 (x − max): t is clamped at −708, where
 * e^t ≈ 3e-308 already rounds to float32 0 and adds nothing to a sum ≥ 1, so 2^k
 * stays a normal float64 built from its bits. NaN stays NaN (f64.max keeps it;
 * the saturating truncation gives k = 0 instead of trapping); exp(0) is exactly 1.
 */
function exp(): string {
  const LOG2E = 1.4426950408889634, LN2_HI = 6.93147180369123816490e-1, LN2_LO = 1.90821492927058770002e-10;
  const horner = TAYLOR.slice(0, -1).reverse().map((c) => `local.get $r f64.mul f64.const ${c} f64.add`).join('\n          ');
  return `f64.const -708 f64.max local.set $t
          local.get $t f64.const ${LOG2E} f64.mul f64.nearest local.set $k
          local.get $t local.get $k f64.const ${LN2_HI} f64.mul f64.sub local.get $k f64.const ${LN2_LO} f64.mul f64.sub local.set $r
          f64.const ${TAYLOR[12]}
          ${horner}
          local.get $k i64.trunc_sat_f64_s i64.const 1023 i64.add i64.const 52 i64.shl f64.reinterpret_i64 f64.mul`;
}

/** A loop over the floats of a row at byte offsets $i = 0, 4, … < $end (n ≥ 1, so the body runs at least once). */
const eachFloat = (label: string, body: string) => `i32.const 0 local.set $i
        loop $${label}
          ${body}
          local.get $i i32.const 4 i32.add local.tee $i local.get $end i32.lt_u br_if $${label}
        end`;
const xAt = 'local.get $x local.get $i i32.add f32.load';
const outAt = 'local.get $out local.get $i i32.add';

/** The row loop shared by both kernels: `body` runs once per row, then x and out step one row on. */
const perRow = (body: string) => `local.get $n i32.const 2 i32.shl local.set $end
    block $done
      local.get $rows i32.eqz br_if $done
      local.get $n i32.eqz br_if $done
      loop $row
        ${body}
        local.get $x local.get $end i32.add local.set $x
        local.get $out local.get $end i32.add local.set $out
        local.get $rows i32.const 1 i32.sub local.tee $rows br_if $row
      end
    end`;

function softmaxFunc(): string {
  return `(func $softmax (export "softmax") (param $x i32) (param $rows i32) (param $n i32) (param $out i32)
    (local $i i32) (local $end i32) (local $m f32) (local $v f32) (local $s f64) (local $e f64) (local $inv f64)
    (local $t f64) (local $k f64) (local $r f64)
    ${perRow(`i32.const 0xff800000 f32.reinterpret_i32 local.set $m  ;; -Infinity
        ${eachFloat('max', `${xAt} local.tee $v local.get $m local.get $v local.get $m f32.gt select local.set $m`)}
        f64.const 0 local.set $s
        ${eachFloat('exp', `${xAt} f64.promote_f32 local.get $m f64.promote_f32 f64.sub
          ${exp()} local.set $e
          ${outAt} local.get $e f32.demote_f64 f32.store
          local.get $s local.get $e f64.add local.set $s`)}
        f64.const 1 local.get $s f64.div local.set $inv
        ${eachFloat('scale', `${outAt} ${outAt} f32.load f64.promote_f32 local.get $inv f64.mul f32.demote_f64 f32.store`)}`)}
  )`;
}

/** Σ over the row of `term` (a v128 of two float64s from the two floats at `addr`) in two two-lane partial sums, then the tail; into $s. */
function pairSum(term: (load: string) => string, scalar: string): string {
  const at = (off: string) => `local.get $x local.get $i i32.add v128.load64_zero${off} f64x2.promote_low_f32x4`;
  return `i32.const 0 local.set $i
        i32.const 0 i32x4.splat local.tee $lo local.set $hi
        block $vectors
          local.get $vecEnd i32.eqz br_if $vectors
          loop $vector
            local.get $lo ${term(at(''))} f64x2.add local.set $lo
            local.get $hi ${term(at(' offset=8'))} f64x2.add local.set $hi
            local.get $i i32.const 16 i32.add local.tee $i local.get $vecEnd i32.lt_u br_if $vector
          end
        end
        local.get $lo local.get $hi f64x2.add local.tee $lo f64x2.extract_lane 0
        local.get $lo f64x2.extract_lane 1 f64.add local.set $s
        block $tail
          local.get $i local.get $end i32.ge_u br_if $tail
          loop $float
            local.get $s ${xAt} f64.promote_f32 ${scalar} f64.add local.set $s
            local.get $i i32.const 4 i32.add local.tee $i local.get $end i32.lt_u br_if $float
          end
        end`;
}

function layernormFunc(): string {
  return `(func $layernorm (export "layernorm") (param $x i32) (param $rows i32) (param $n i32) (param $eps f64) (param $out i32)
    (local $i i32) (local $end i32) (local $vecEnd i32) (local $lo v128) (local $hi v128) (local $d2 v128)
    (local $s f64) (local $mean f64) (local $inv f64) (local $d f64)
    local.get $n i32.const -4 i32.and i32.const 2 i32.shl local.set $vecEnd
    ${perRow(`${pairSum((load) => load, '')}
        local.get $s local.get $n f64.convert_i32_s f64.div local.set $mean
        ;; Σ (x − mean)²: the pair of differences kept in $d2 to square it
        ${pairSum((load) => `${load} local.get $mean f64x2.splat f64x2.sub local.tee $d2 local.get $d2 f64x2.mul`,
          'local.get $mean f64.sub local.tee $d local.get $d f64.mul')}
        f64.const 1 local.get $s local.get $n f64.convert_i32_s f64.div local.get $eps f64.add f64.sqrt f64.div local.set $inv
        ${eachFloat('norm', `${outAt} ${xAt} f64.promote_f32 local.get $mean f64.sub local.get $inv f64.mul f32.demote_f64 f32.store`)}`)}
  )`;
}
