// The Wasm kernels for the float32 softmax and layernorm rows, emitted as WAT
// text (assembled by wat.ts). Each is the JS loop of ../rows.ts over `rows`
// rows of n floats (x and out byte addresses of dense blocks), with the same
// float64 arithmetic in the same order except where noted, so the results
// agree with JS to within a float32 rounding step (rows.test checks it):
//
//   softmax(x, rows, n, out)         out[r] = exp(x[r] − max x[r]) / Σ exp(x[r] − max x[r])
//   layernorm(x, rows, n, eps, out)  out[r] = (x[r] − mean) / √(var + eps)
//
// softmax: the max in float32 (NaN never taken, as `if (v > m)` in JS), as
// four running maxima in f32x4 lanes folded into one, then the last n mod 4.
// Each exp(x − m) in float64 on f64x2 lanes by unary-kernel.ts's exp (expStmts:
// Cody–Waite reduction, degree-11 Taylor polynomial), stored rounded to float32
// while the unrounded values are summed in row order in float64 (lane 0, then
// lane 1 of each pair), then each stored float times 1/Σ rounded once.
//
// Speed: the exp is a chain of ~15 dependent float64 multiply-adds, so one
// element at a time (the first version: scalar float64, one chain per element)
// left the core mostly waiting, at ~14 ns/element against ~20 for the JS loop.
// Here SOFTMAX_INTERLEAVE pairs go through each step of the main loop with
// their statements interleaved, so four chains of two lanes overlap. Rows are
// short (17 in the ViT attention, 16 in the GPT bench, 65 for a char-level
// vocabulary), so their ends matter: the loop stops while 1..2G+1 floats are
// left and one step of up to G+1 interleaved chains (the last a lone float when
// the count is odd) takes them all; a row of 17 is then one group of 4 pairs and
// one step of 4 pairs and a float, not a lone chain at the end (~10% at 17).
// Measured at [64,4,17,17] by bench/elementwise.ts: 5.6 ns/element against
// 24.6 for the JS loop (a busy 2-core machine; the scalar version, 13.9 against
// 18.9 in a quick run at that shape); alternated with the scalar version in one process,
// 4.7–6.5 against 14–16 ns/element at rows of 16, 17 and 65. Interleaving 2, 3
// or 6 pairs measured within noise of 4 (likely bound by operations, no longer by
// the chains' latency); a
// pairwise sum instead of the in-order one measured no faster, so the order of
// the JS loop stays. The unary exp kernel alone runs at ~3 ns/element; the rest
// is the max, the sum, the scale pass and the copies in and out.
//
// Accuracy: the exp's relative error is ~3e-15 where Math.exp's is under a
// float64 ulp, so a result lands on the other float32 neighbour only when the
// exact value sits within ~3e-15 relative of a float32 rounding boundary. Its
// argument is floored at EXP_FLOOR (f64x2.pmax keeps NaN); x − m ≤ 0 otherwise.
// Of +0 and −0 the lane max may keep the other one, which changes no exp(x − m).
//
// layernorm: mean and variance in float64 two-lane partial sums (the order of
// sum_rows in reduce-kernel.ts, not the JS loop's sequential order), then the
// output pass exactly as JS: ((x − mean) · inv) rounded to float32.

import { KERNEL_MAX_PAGES } from './module.js';
import { rowPass } from './row-pass.js';
import { expStmts, f64 } from './unary-kernel.js';

/**
 * exp(x − m) below this is taken as exp(EXP_FLOOR) ≈ 2e-48: it rounds to float32
 * 0 as the true value does, and n of them add < n·2e-48 to a sum that ends ≥ 1
 * (the max contributes exp(0) = 1), far below its float64 ulp.
 */
const EXP_FLOOR = -110;

/** WAT for the module: softmax and layernorm; it imports a (not shared) memory. */
export function rowsWat(): string {
  return `(module
  (import "env" "memory" (memory 1 ${KERNEL_MAX_PAGES}))
  ${softmaxFunc()}
  ${layernormFunc()})`;
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

/** Pairs of floats whose exp chains interleave in the softmax's main loop (as UNARY_INTERLEAVE in unary-kernel.ts). */
export const SOFTMAX_INTERLEAVE = 4;
const CHAIN_LOCALS = ['a', 't', 'k', 'r', 'p', 's', 'y'];

/**
 * g pairs of the row from byte offset $i (the last one a lone float with `odd`):
 * e = exp(x − m) in float64 lanes, interleaved statement by statement, stored
 * rounded to float32, then added to $sum one lane at a time, in row order.
 */
function expStep(g: number, odd = false): string {
  const last = (j: number) => odd && j === g - 1;
  const chains = Array.from({ length: g }, (_, j) => expStmts((name) => `$${name}${j}`));
  const lines = chains.map((_, j) => `local.get $x local.get $i i32.add ${last(j) ? 'v128.load32_zero' : 'v128.load64_zero'} offset=${8 * j}
          f64x2.promote_low_f32x4 local.get $mm f64x2.sub ${f64(EXP_FLOOR)} f64x2.pmax local.set $a${j}`);
  for (let i = 0; i < chains[0].length; i++) for (const c of chains) lines.push(c[i]);
  chains.forEach((_, j) => lines.push(`${outAt} local.get $y${j} f32x4.demote_f64x2_zero ${last(j) ? 'v128.store32_lane' : 'v128.store64_lane'} offset=${8 * j} 0`));
  chains.forEach((_, j) => lines.push(`local.get $sum local.get $y${j} f64x2.extract_lane 0 f64.add${last(j) ? '' : ` local.get $y${j} f64x2.extract_lane 1 f64.add`} local.set $sum`));
  return lines.join('\n          ');
}

/** A loop running `body` at $i = $i, $i + step, … < `end` (skipped when $i ≥ end already). */
const stepping = (label: string, end: string, step: number, body: string) => `block $${label}Skip
          local.get $i local.get ${end} i32.ge_u br_if $${label}Skip
          loop $${label}
            ${body}
            local.get $i i32.const ${step} i32.add local.tee $i local.get ${end} i32.lt_u br_if $${label}
          end
        end`;

/** The scale pass on the pair of floats at out + $i (a lone float with `odd`): f32(f64(out) · inv). */
const scalePair = (odd: boolean) => `${outAt} ${outAt} ${odd ? 'v128.load32_zero' : 'v128.load64_zero'} f64x2.promote_low_f32x4 local.get $inv f64x2.mul
            f32x4.demote_f64x2_zero ${odd ? 'v128.store32_lane' : 'v128.store64_lane'} 0`;

/** $v into the running max $m unless it is NaN or not larger: JS's `if (v > m) m = v`. */
const takeMax = 'local.tee $v local.get $m local.get $v local.get $m f32.gt select local.set $m';

/**
 * The row's max into $m: four running maxima in f32x4 lanes (each lane keeps
 * v > m, so NaN is never taken), folded into one, then the last n mod 4 floats.
 * Max is associative, so this is JS's max over the non-NaN floats (−∞ if none);
 * of +0 and −0 it may keep the other one, which changes no x − m.
 */
function rowMax(): string {
  const fold = [0, 1, 2, 3].map((l) => `local.get $m4 f32x4.extract_lane ${l} ${takeMax}`).join('\n        ');
  return `i32.const 0xff800000 f32.reinterpret_i32 local.tee $m f32x4.splat local.set $m4  ;; -Infinity
        i32.const 0 local.set $i
        ${stepping('max4', '$quadEnd', 16, `local.get $x local.get $i i32.add v128.load local.tee $m4v local.get $m4 local.get $m4v local.get $m4 f32x4.gt v128.bitselect local.set $m4`)}
        ${fold}
        ${stepping('max1', '$end', 4, `${xAt} ${takeMax}`)}`;
}

function softmaxFunc(): string {
  const G = SOFTMAX_INTERLEAVE;
  const chains = Array.from({ length: G + 1 }, (_, j) => CHAIN_LOCALS.map((l) => `(local $${l}${j} v128)`).join(' ')).join('\n    ');
  return `(func $softmax (export "softmax") (param $x i32) (param $rows i32) (param $n i32) (param $out i32)
    (local $i i32) (local $end i32) (local $pairEnd i32) (local $loopEnd i32) (local $m f32) (local $v f32) (local $sum f64)
    (local $quadEnd i32) (local $m4 v128) (local $m4v v128) (local $mm v128) (local $inv v128)
    ${chains}
    local.get $n i32.const -4 i32.and i32.const 2 i32.shl local.set $quadEnd  ;; after the row's last four floats
    local.get $n i32.const -2 i32.and i32.const 2 i32.shl local.set $pairEnd  ;; bytes: after the row's last pair
    local.get $n i32.const ${2 * G + 1} i32.sub i32.const 2 i32.shl local.set $loopEnd  ;; groups of ${G} pairs while more than ${2 * G + 1} floats remain (negative for short rows: signed compares)
    ${perRow(`${rowMax()}
        local.get $m f64.promote_f32 f64x2.splat local.set $mm
        f64.const 0 local.set $sum
        i32.const 0 local.set $i
        block $groupsSkip
          local.get $loopEnd i32.const 0 i32.le_s br_if $groupsSkip
          loop $groups
            ${expStep(G)}
            local.get $i i32.const ${8 * G} i32.add local.tee $i local.get $loopEnd i32.lt_s br_if $groups
          end
        end
        ;; the last 1..${2 * G + 1} floats in one step, of as many chains as they fill
        ${Array.from({ length: 2 * G + 1 }, (_, k) => k + 1).map((left) => `local.get $end local.get $i i32.sub i32.const ${4 * left} i32.eq if
          ${expStep(Math.ceil(left / 2), left % 2 === 1)}
        end`).join('\n        ')}
        f64.const 1 local.get $sum f64.div f64x2.splat local.set $inv
        i32.const 0 local.set $i
        ${stepping('scale', '$pairEnd', 8, scalePair(false))}
        local.get $i local.get $end i32.lt_u if
          ${scalePair(true)}
        end`)}
  )`;
}

/** Σ over the row of `term` (a v128 of two float64s from the two floats at `addr`) in two two-lane partial sums, then the tail; into $s. */
function pairSum(term: (load: string) => string, scalar: string): string {
  const at = (off: string) => `local.get $x local.get $i i32.add v128.load64_zero${off} f64x2.promote_low_f32x4`;
  return `i32.const 0 i32x4.splat local.tee $lo local.set $hi
        ${rowPass(`local.get $lo ${term(at(''))} f64x2.add local.set $lo
            local.get $hi ${term(at(' offset=8'))} f64x2.add local.set $hi`,
    `local.get $s ${xAt} f64.promote_f32 ${scalar} f64.add local.set $s`,
    `local.get $lo local.get $hi f64x2.add local.tee $lo f64x2.extract_lane 0
        local.get $lo f64x2.extract_lane 1 f64.add local.set $s`)}`;
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
