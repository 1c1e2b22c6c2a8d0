// The Wasm SIMD kernel for float32 where, out = c ≠ 0 ? a : b, emitted as WAT
// text (assembled by wat.ts): the loop of `where` in ../elementwise.ts with four
// lanes per instruction.
//
// Why the results are bit-identical to the JS loop: JS tests `c !== 0` on the
// float32 widened to float64, which is true for NaN and denormals and false for
// ±0; f32x4.ne(c, 0) answers the same per lane (unordered compares as not
// equal; V8 keeps denormals, no flush to zero). The lane mask then picks a's or
// b's bits unchanged with v128.bitselect, so no arithmetic touches a value (JS
// may canonicalize a NaN's payload on the way; NaN stays NaN).
//
// One exported function per operand form, `where_<c><a><b>`, each letter v (the
// operand steps along the row) or s (one scalar per row, or one in all): 8
// functions, so the ReLU's where(x > 0, x, 0) is where_vvs, and a per-row
// condition or a scalar on either side needs no copy to full size. Rows as in
// binary-kernel.ts: `rows` rows of n floats, row r of operand k at
// k + r·kRow (bytes; a stride of 0 reuses the row), out dense rows × n. The
// tail (up to three floats) runs the same vector code on one lane: each
// stepping operand is read with v128.load32_zero and lane 0 stored with
// v128.store32_lane, so no lane reads or writes past the row.

import { KERNEL_MAX_PAGES } from './module.js';
import { ROW_BOUNDS, rowPass } from './row-pass.js';

/** vs letters for c, a and b in that order: `vvs` is c and a stepping, b a scalar per row. */
export type WhereForm = `${'v' | 's'}${'v' | 's'}${'v' | 's'}`;
export const WHERE_FORMS: readonly WhereForm[] = ['vvv', 'vvs', 'vsv', 'vss', 'svv', 'svs', 'ssv', 'sss'];
/** WAT for the module: `where_<form>` for every form; it imports a (not shared) memory. */
export function whereWat(): string {
  return `(module
  (import "env" "memory" (memory 1 ${KERNEL_MAX_PAGES}))
  ${WHERE_FORMS.map(rowFunc).join('\n  ')})`;
}

const OPERANDS = ['c', 'a', 'b'] as const;

function rowFunc(form: WhereForm): string {
  const scalar = (k: number) => form[k] === 's';
  // The three operands on the stack as vectors: a stepping operand loads at row + i
  // (`load` is v128.load for whole vectors, v128.load32_zero for one float); a scalar was splat once per row.
  const read = (load: string) => OPERANDS.map((x, k) => (scalar(k) ? `local.get $${x}S` : `local.get $${x} local.get $i i32.add ${load}`));
  // bitselect(a, b, mask) takes a's bits where the mask is set, b's elsewhere.
  const select = (load: string) => {
    const [c, a, b] = read(load);
    return `${a} ${b} ${c} v128.const i32x4 0 0 0 0 f32x4.ne v128.bitselect`;
  };
  const splats = OPERANDS.filter((_, k) => scalar(k)).map((x) => `local.get $${x} v128.load32_splat local.set $${x}S`).join(' ');
  return `(func $where_${form} (export "where_${form}")
    (param $c i32) (param $cRow i32) (param $a i32) (param $aRow i32) (param $b i32) (param $bRow i32)
    (param $out i32) (param $rows i32) (param $n i32)
    (local $i i32) (local $end i32) (local $vecEnd i32) (local $cS v128) (local $aS v128) (local $bS v128)
    ${ROW_BOUNDS}
    block $done
      local.get $rows i32.eqz br_if $done
      loop $row
        ${splats}
        ${rowPass(`local.get $out local.get $i i32.add ${select('v128.load')} v128.store`,
    `local.get $out local.get $i i32.add ${select('v128.load32_zero')} v128.store32_lane 0`)}
        local.get $c local.get $cRow i32.add local.set $c
        local.get $a local.get $aRow i32.add local.set $a
        local.get $b local.get $bRow i32.add local.set $b
        local.get $out local.get $end i32.add local.set $out
        local.get $rows i32.const 1 i32.sub local.tee $rows br_if $row
      end
    end)`;
}
