// The Wasm SIMD kernels for float32 add, sub, mul, div, greater and equal,
// emitted as WAT text (assembled by wat.ts). They are the row loops of
// ../elementwise.ts with four lanes per instruction.
//
// Why the results are bit-identical to the JS loops: JS reads two float32s as
// float64, applies the operation and rounds the result to float32 on the store.
// For + − × ÷ the float64 result rounded to float32 equals the correctly rounded
// float32 result (float64 has more than 2·24 + 2 significand bits, so the
// double rounding cannot land on a different float32), and f32x4.add/sub/mul/div
// are correctly rounded IEEE operations too. V8 runs Wasm with denormals kept
// (no flush to zero), as JS does. NaN payloads may differ; NaN stays NaN.
// greater and equal are exact comparisons either way: JS compares the float32s
// widened to float64 (exact), and f32x4.gt/eq compare the float32s, with the
// same IEEE answers (NaN unordered: false; 0 = -0). The lanes come out all
// ones or all zeros; AND with the bits of 1.0 turns them into 1.0 or +0, as
// the JS `? 1 : 0` stores. The tail converts the i32 0/1 of f32.gt/eq.
//
// One exported function per operation and operand form, so each loop body is a
// single instruction sequence with no branch on the operation inside it:
//   <op>_vv  out[r, i] = a[r, i] ∘ b[r, i]   both operands step along the row
//   <op>_vs  out[r, i] = a[r, i] ∘ b[r]      b is one scalar per row (or one in all)
//   <op>_sv  out[r, i] = a[r] ∘ b[r, i]
// over `rows` rows of n floats. Row r of a starts at a + r·aRow (bytes), of b at
// b + r·bRow; a row stride of 0 reuses the same row, which is how [k·N, d] ∘ [d]
// (a bias) and [k·N, d] ∘ [k·N, 1] (one scalar per row) reach one call after
// the broadcast walk has merged axes. out is dense: rows × n.
//
// Each row is one pass of row-pass.ts: whole vectors, then the tail float by
// float. Rows of odd length start unaligned, which costs little next to the
// copies in and out of linear memory (see binary.ts).

import { KERNEL_MAX_PAGES } from './module.js';
import { ROW_BOUNDS, rowPass } from './row-pass.js';

/** The operations this kernel runs; every int32 and float64 op stays in JS. */
export const WASM_BINARY_OPS = ['add', 'sub', 'mul', 'div', 'greater', 'equal'] as const;
export type WasmBinaryOp = (typeof WASM_BINARY_OPS)[number];
/** vv: both operands step along the row; vs: b is one scalar per row; sv: a is. */
export type RowForm = 'vv' | 'vs' | 'sv';
export const ROW_FORMS: readonly RowForm[] = ['vv', 'vs', 'sv'];
/** WAT for the module: `<op>_<form>` for every op and form; it imports a (not shared) memory. */
export function binaryWat(): string {
  const funcs = WASM_BINARY_OPS.flatMap((op) => ROW_FORMS.map((form) => rowFunc(op, form)));
  return `(module
  (import "env" "memory" (memory 1 ${KERNEL_MAX_PAGES}))
  ${funcs.join('\n  ')})`;
}

/** Four lanes, and one float of the tail: the instructions after both operands are on the stack. */
const VEC: Record<WasmBinaryOp, string> = {
  add: 'f32x4.add', sub: 'f32x4.sub', mul: 'f32x4.mul', div: 'f32x4.div',
  greater: 'f32x4.gt v128.const f32x4 1 1 1 1 v128.and', equal: 'f32x4.eq v128.const f32x4 1 1 1 1 v128.and',
};
const ONE: Record<WasmBinaryOp, string> = {
  add: 'f32.add', sub: 'f32.sub', mul: 'f32.mul', div: 'f32.div',
  greater: 'f32.gt f32.convert_i32_s', equal: 'f32.eq f32.convert_i32_s',
};

function rowFunc(op: WasmBinaryOp, form: RowForm): string {
  // How one operand is read, as a vector of 4 lanes and as one float: stepping
  // operands load at row + i; a scalar operand was splat once per row into $x/$y.
  const vecA = form === 'sv' ? 'local.get $x' : 'local.get $a local.get $i i32.add v128.load';
  const vecB = form === 'vs' ? 'local.get $y' : 'local.get $b local.get $i i32.add v128.load';
  const oneA = form === 'sv' ? 'local.get $a f32.load' : 'local.get $a local.get $i i32.add f32.load';
  const oneB = form === 'vs' ? 'local.get $b f32.load' : 'local.get $b local.get $i i32.add f32.load';
  const splat = form === 'vs' ? 'local.get $b v128.load32_splat local.set $y'
    : form === 'sv' ? 'local.get $a v128.load32_splat local.set $x' : '';
  return `(func $${op}_${form} (export "${op}_${form}")
    (param $a i32) (param $aRow i32) (param $b i32) (param $bRow i32) (param $out i32) (param $rows i32) (param $n i32)
    (local $i i32) (local $end i32) (local $vecEnd i32) (local $x v128) (local $y v128)
    ${ROW_BOUNDS}
    block $done
      local.get $rows i32.eqz br_if $done
      loop $row
        ${splat}
        ${rowPass(`local.get $out local.get $i i32.add ${vecA} ${vecB} ${VEC[op]} v128.store`,
    `local.get $out local.get $i i32.add ${oneA} ${oneB} ${ONE[op]} f32.store`)}
        local.get $a local.get $aRow i32.add local.set $a
        local.get $b local.get $bRow i32.add local.set $b
        local.get $out local.get $end i32.add local.set $out
        local.get $rows i32.const 1 i32.sub local.tee $rows br_if $row
      end
    end)`;
}
