// The Wasm SIMD kernels for float32 sums, emitted as WAT text (assembled by
// wat.ts). After the walk has merged axes (reduce.ts plans it), a float32 sum
// over any set of adjacent axes is one of two loops:
//
//   sum_rows(x, rows, n, out)         out[r] = Σ_i x[r, i]        (the reduced axes are last)
//   sum_mid(x, outer, rows, n, out)   out[o, i] = Σ_r x[o, r, i]  (leading axes: outer = 1)
//
// x and out are byte addresses of dense float32 blocks; sum_rows writes one
// float per row, sum_mid one row of n per outer index.
//
// sum_rows accumulates in float64, as the JS loop of ../reduce.ts does in a JS
// number, and rounds once on the store. It reads four floats a step into two
// f64x2 partial sums (lanes take elements 4k, 4k+1 and 4k+2, 4k+3), adds the
// four lanes, then the n mod 4 tail in order. The order differs from the JS
// loop's, so the two may round to neighbouring float32s: each float64 sum is
// within (n−1)·2⁻⁵³·Σ|x| of the exact sum, far below a float32 rounding step
// unless the terms cancel, so both are the float32 rounding of nearly the same
// number (reduce.test bounds the difference).
//
// sum_mid adds row onto row in float32 in the JS loop's order (out starts at
// +0, then out += x[o, 0, :], x[o, 1, :], ...). f32x4.add is the correctly
// rounded float32 sum, which is what JS's float64 add rounded on the store
// gives for two float32s, so the results are bit-identical (NaN payloads aside).
//
// Vector loads need no alignment in Wasm; the n mod 4 tail of each row goes one
// float at a time, so nothing reads or writes past a row.

import { KERNEL_MAX_PAGES } from './module.js';
import { ROW_BOUNDS, rowPass } from './row-pass.js';

/** WAT for the module: sum_rows and sum_mid; it imports a (not shared) memory. */
export function reduceWat(): string {
  return `(module
  (import "env" "memory" (memory 1 ${KERNEL_MAX_PAGES}))
  ${sumRows()}
  ${sumMid()})`;
}

function sumRows(): string {
  return `(func $sum_rows (export "sum_rows") (param $x i32) (param $rows i32) (param $n i32) (param $out i32)
    (local $i i32) (local $end i32) (local $vecEnd i32) (local $lo v128) (local $hi v128) (local $s f64)
    ${ROW_BOUNDS}
    block $done
      local.get $rows i32.eqz br_if $done
      loop $row
        i32.const 0 i32x4.splat local.tee $lo local.set $hi
        ;; two floats into each float64 pair (8-byte loads, widened exactly); the four lanes added; then the tail in order
        ${rowPass(`local.get $lo local.get $x local.get $i i32.add v128.load64_zero f64x2.promote_low_f32x4 f64x2.add local.set $lo
            local.get $hi local.get $x local.get $i i32.add v128.load64_zero offset=8 f64x2.promote_low_f32x4 f64x2.add local.set $hi`,
    'local.get $s local.get $x local.get $i i32.add f32.load f64.promote_f32 f64.add local.set $s',
    `local.get $lo local.get $hi f64x2.add local.tee $lo f64x2.extract_lane 0
        local.get $lo f64x2.extract_lane 1 f64.add local.set $s`)}
        local.get $out local.get $s f32.demote_f64 f32.store
        local.get $x local.get $end i32.add local.set $x
        local.get $out i32.const 4 i32.add local.set $out
        local.get $rows i32.const 1 i32.sub local.tee $rows br_if $row
      end
    end)`;
}

function sumMid(): string {
  // One pass over a row of out; `vec` and `one` compute the value stored at out + i.
  const overRow = (vec: string, one: string) => rowPass(`local.get $out local.get $i i32.add ${vec} v128.store`, `local.get $out local.get $i i32.add ${one} f32.store`);
  const outVec = 'local.get $out local.get $i i32.add v128.load', xVec = 'local.get $x local.get $i i32.add v128.load';
  const outOne = 'local.get $out local.get $i i32.add f32.load', xOne = 'local.get $x local.get $i i32.add f32.load';
  return `(func $sum_mid (export "sum_mid") (param $x i32) (param $outer i32) (param $rows i32) (param $n i32) (param $out i32)
    (local $i i32) (local $end i32) (local $vecEnd i32) (local $r i32) (local $zero v128)
    ${ROW_BOUNDS}
    i32.const 0 i32x4.splat local.set $zero
    block $done
      local.get $outer i32.eqz br_if $done
      loop $outerLoop
        ;; out row = +0 (the JS loop fills out with 0 before adding), then each x row added onto it in order
        ${overRow('local.get $zero', 'i32.const 0 f32.convert_i32_s')}
        local.get $rows local.set $r
        block $noRows
          local.get $r i32.eqz br_if $noRows
          loop $rowLoop
            ${overRow(`${outVec} ${xVec} f32x4.add`, `${outOne} ${xOne} f32.add`)}
            local.get $x local.get $end i32.add local.set $x
            local.get $r i32.const 1 i32.sub local.tee $r br_if $rowLoop
          end
        end
        local.get $out local.get $end i32.add local.set $out
        local.get $outer i32.const 1 i32.sub local.tee $outer br_if $outerLoop
      end
    end)`;
}
