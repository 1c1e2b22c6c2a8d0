// The loop every elementwise Wasm kernel runs over one row of $n floats, as WAT
// text for the emitters (binary-kernel.ts, where-kernel.ts, reduce-kernel.ts):
// whole vectors of four floats first, then the tail one float at a time, so no
// lane reads or writes past the row. $i is the byte offset within the row; the
// bodies read it. A loop body runs once before its test, so each loop sits in
// a block that skips it when there is no work. Vector loads need no alignment
// in Wasm, so rows of any length start anywhere.

/** Sets $end (bytes after the last float of a row of $n) and $vecEnd (after the last whole vector). */
export const ROW_BOUNDS = `local.get $n i32.const 2 i32.shl local.set $end
    local.get $n i32.const -4 i32.and i32.const 2 i32.shl local.set $vecEnd`;

/**
 * One pass over a row: `vector` for each whole vector at $i, then `between`
 * once, then `float` for each tail float. Needs locals $i, $end, $vecEnd.
 */
export function rowPass(vector: string, float: string, between = ''): string {
  return `i32.const 0 local.set $i
        block $vectors
          local.get $vecEnd i32.eqz br_if $vectors
          loop $vector
            ${vector}
            local.get $i i32.const 16 i32.add local.tee $i local.get $vecEnd i32.lt_u br_if $vector
          end
        end
        ${between}
        block $tail
          local.get $i local.get $end i32.ge_u br_if $tail
          loop $float
            ${float}
            local.get $i i32.const 4 i32.add local.tee $i local.get $end i32.lt_u br_if $float
          end
        end`;
}
