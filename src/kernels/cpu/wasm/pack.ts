// The packers of the Wasm gemm, emitted as WAT functions that kernel.ts puts
// into the same module (so they share its memory and its workers' instances).

// Packing, in Wasm because it is a large share of a small product: at 512³
// the JS packers (2.5 ns an element, typed-array bounds checks) took 15% of a
// one-thread multiply, at 256³ 40%. The caller first copies the operand in
// whole (TypedArray.set, a memcpy), then this rearranges it:
//   dst + 4·(s·kp·w + q·w + r) = src[4·((s·w + r)·rs + q·cs)], zero past rows and k.
// Row i of the operand becomes column r = i mod w of strip s = i / w; w must be a power of 2.
// Row by row reads the source with unit stride when its rows are contiguous
// (cs = 1: A, or Bᵀ); packRows below covers the other layout.
/** WAT of pack<w>: any operand layout, element by element. */
export function packFunc(w: number): string {
  if (!Number.isInteger(Math.log2(w))) throw new Error(`pack: strip width ${w} is not a power of 2`);
  const step = 4 * w, shift = Math.log2(step);
  return `(func $pack${w} (export "pack${w}")
    (param $src i32) (param $rs i32) (param $cs i32) (param $rows i32) (param $k i32) (param $kp i32) (param $dst i32)
    (local $i i32) (local $p i32) (local $d i32) (local $dk i32) (local $dEnd i32)
    loop $row
      ;; d: where row i's first element goes; its elements are 4·w bytes apart
      local.get $dst
      local.get $i i32.const ${w - 1} i32.and i32.const 2 i32.shl i32.add
      local.get $i i32.const ${Math.log2(w)} i32.shr_u local.get $kp i32.mul i32.const ${shift} i32.shl i32.add
      local.tee $d local.get $kp i32.const ${shift} i32.shl i32.add local.set $dEnd
      local.get $i local.get $rows i32.lt_u
      if
        local.get $src local.get $i local.get $rs i32.mul i32.const 2 i32.shl i32.add local.set $p
        local.get $d local.get $k i32.const ${shift} i32.shl i32.add local.set $dk
        block $copied
          local.get $d local.get $dk i32.ge_u br_if $copied
          loop $copy
            local.get $d local.get $p f32.load f32.store
            local.get $p local.get $cs i32.const 2 i32.shl i32.add local.set $p
            local.get $d i32.const ${step} i32.add local.tee $d local.get $dk i32.lt_u br_if $copy
          end
        end
      end
      ;; zeros for q in [k, kp), or for all of a row past the end (the memory is reused)
      block $zeroed
        local.get $d local.get $dEnd i32.ge_u br_if $zeroed
        loop $zero
          local.get $d i32.const 0 i32.store
          local.get $d i32.const ${step} i32.add local.tee $d local.get $dEnd i32.lt_u br_if $zero
        end
      end
      local.get $i i32.const 1 i32.add local.tee $i
      local.get $rows i32.const ${w - 1} i32.add i32.const ${-w} i32.and  ;; rows rounded up to whole strips
      i32.lt_u br_if $row
    end)`;
}

// Strips whose w rows sit side by side in the source (rs = 1: Aᵀ, or B): one
// k step of a strip is w contiguous floats, copied as w/4 vectors, so the
// source is read in order instead of with stride cs once per row (a 512×512
// operand packed 3–4× faster). Full strips only; the caller packs a ragged
// last strip with pack<w>.
//   dst + 4·(s·kp·w + q·w + r) = src[4·(s·w + r + q·cs)] for s < strips
/** WAT of packRows<w>: rs = 1, whole strips, as vectors. */
export function packRowsFunc(w: number): string {
  const step = 4 * w, shift = Math.log2(step), vecs = [...Array(w / 4).keys()];
  return `(func $packRows${w} (export "packRows${w}")
    (param $src i32) (param $cs i32) (param $strips i32) (param $k i32) (param $kp i32) (param $dst i32)
    (local $s i32) (local $p i32) (local $d i32) (local $dk i32) (local $dEnd i32) (local $zero v128)
    block $done
      local.get $strips i32.eqz br_if $done
      loop $strip
        local.get $src local.get $s i32.const ${shift} i32.shl i32.add local.set $p
        local.get $dst local.get $s local.get $kp i32.mul i32.const ${shift} i32.shl i32.add
        local.tee $d local.get $k i32.const ${shift} i32.shl i32.add local.set $dk
        local.get $d local.get $kp i32.const ${shift} i32.shl i32.add local.set $dEnd
        block $copied
          local.get $d local.get $dk i32.ge_u br_if $copied
          loop $copy
            ${vecs.map((v) => `local.get $d local.get $p v128.load offset=${16 * v} v128.store offset=${16 * v}`).join('\n            ')}
            local.get $p local.get $cs i32.const 2 i32.shl i32.add local.set $p
            local.get $d i32.const ${step} i32.add local.tee $d local.get $dk i32.lt_u br_if $copy
          end
        end
        block $zeroed  ;; K padding, from a never-written (so zero) v128 local
          local.get $d local.get $dEnd i32.ge_u br_if $zeroed
          loop $zero
            ${vecs.map((v) => `local.get $d local.get $zero v128.store offset=${16 * v}`).join('\n            ')}
            local.get $d i32.const ${step} i32.add local.tee $d local.get $dEnd i32.lt_u br_if $zero
          end
        end
        local.get $s i32.const 1 i32.add local.tee $s local.get $strips i32.lt_u br_if $strip
      end
    end)`;
}
