// The Wasm SIMD gemm kernel, emitted as WAT text (assembled by wat.ts). It is
// the JS kernel (../gemm-kernel.ts) with two changes: four float32 lanes per
// instruction (f32x4), and a register tile shaped for 128-bit vectors.
//
// Why it is shaped this way (2-vCPU AMD EPYC, Node 20 / V8 11.3):
// - V8 compiles f32x4 to 128-bit SSE/AVX on x64 with 16 XMM registers and one
//   kept as scratch. 4 lanes × 2 flops × 2 vector ports is the ceiling per
//   core with FMA; without it a multiply and an add each take a port. Node 20
//   (V8 11.3) only has FMA for Wasm behind --experimental-wasm-relaxed-simd
//   (f32x4.relaxed_madd → vfmadd231ps); without the flag the kernel multiplies
//   then adds. Here the loop is bound by loads and loop overhead, not the FPU,
//   so FMA measured within the noise of mul + add.
// - REGISTER TILE MR×NR = 4×8: eight accumulators (4 rows × 2 vectors of 4
//   columns), two vectors of B, one broadcast element of A and one product
//   temporary: 12 of the 15 registers. Per k step it loads MR + 2 = 6 values
//   for 8 vector multiply-adds (64 flops). A broadcast is one load
//   (v128.load32_splat), so packed A stays k-major with MR floats per step and
//   packed B is k-major with NR floats per step: both read with unit stride.
//   Eight independent accumulator chains also hide the add's 3–4 cycle latency.
//   Measured alternatives (`npx tsx bench/wasm-tiles.ts`, CPU time, 1 thread):
//   4×8 ran 32–37 GFLOP/s with mul + add; 2×8, 3×8, 2×12 20–30% slower; 5×8,
//   6×8, 4×12 and 3×12 ~40% slower (they spill); 8×4 and 4×4 ~45% slower.
// - NO K UNROLLING (KU = 1): unrolled by 2 or 4 with constant load offsets it
//   ran 20–50% slower, because TurboFan hoists the loads of every unrolled step
//   to the top of the loop, runs out of XMM registers and spills accumulators
//   to the stack (seen with node --print-wasm-code). One step per trip compiles
//   to 6 loads, 8 multiply-adds and 6 loop instructions, no spills. `ku` stays
//   a parameter so the finding can be re-measured (KU=4 npx tsx bench/wasm-tiles.ts);
//   the packers pad K with zeros to a multiple of it, so there is no remainder loop.
// - The micro-kernel runs over all of K (no K blocking), as the JS one does;
//   `tile` walks B strips outermost so one B strip (K·NR floats, 16 KB at
//   K = 512) stays in L1 while every A strip of the task's rows meets it.
// - Edge tiles store lane by lane under a bounds check; interior tiles store
//   whole vectors straight into C (rows ldc bytes apart).
//
// Packed layout (bytes, float32; strips zero-padded past M, N and K up to Kp; see pack.ts):
//   pa + 4·(s·Kp·MR + k·MR + r) = op(A)[s·MR + r, k]
//   pb + 4·(s·Kp·NR + k·NR + c) = op(B)[k, s·NR + c]

import { packFunc, packRowsFunc } from './pack.js';

/** Rows of A and columns of B held in registers (NR = 4·NV lanes). */
export const MR = 4;
export const NV = 2;
export const NR = 4 * NV;
/** K is unrolled (and padded) to a multiple of this; 1 measured fastest (see above). */
export const KU = 1;
/** Task tile of C, multiples of MR and NR. */
export const MB = 64;
export const NB = 64;
/** Pages of 64 KiB the shared memory may grow to (1 GiB keeps every byte address a positive i32). */
export const MAX_PAGES = 16384;

/** The shapes the emitter accepts; the defaults above are the measured choice. */
export interface TileShape { mr: number; nv: number; ku: number; fma: boolean }

/** WAT for the gemm module: `tile`, `pack<w>` and `packRows<w>` for w = MR and NR are exported; it imports a shared memory. */
export function gemmWat(shape: TileShape): string {
  return `(module
  (import "env" "memory" (memory 1 ${MAX_PAGES} shared))
  ${tileFunc(shape)}
  ${microFunc(shape)}
  ${packFunc(shape.mr)}
  ${packFunc(4 * shape.nv)}
  ${packRowsFunc(shape.mr)}
  ${packRowsFunc(4 * shape.nv)})`;
}

// C tile (rows × cols at byte address c, rows ldc bytes apart) = A block · B block.
// pa and pb point at the first strip of each; strips are kp·MR and kp·NR floats.
function tileFunc({ mr, nv }: TileShape): string {
  const nr = 4 * nv;
  return `(func $tile (export "tile")
    (param $pa i32) (param $pb i32) (param $c i32) (param $kp i32) (param $ldc i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $j i32) (local $bStrip i32)
    loop $columns
      i32.const 0 local.set $i
      ;; this B strip: pb + j·kp·4 (strip j/NR is kp·NR floats)
      local.get $pb local.get $j local.get $kp i32.mul i32.const 2 i32.shl i32.add local.set $bStrip
      loop $rows
        local.get $pa local.get $i local.get $kp i32.mul i32.const 2 i32.shl i32.add  ;; A strip i/MR
        local.get $bStrip
        local.get $kp
        local.get $c local.get $i local.get $ldc i32.mul i32.add local.get $j i32.const 2 i32.shl i32.add  ;; &C[i, j]
        local.get $ldc
        local.get $rows local.get $i i32.sub
        local.get $cols local.get $j i32.sub
        call $micro
        local.get $i i32.const ${mr} i32.add local.tee $i local.get $rows i32.lt_s br_if $rows
      end
      local.get $j i32.const ${nr} i32.add local.tee $j local.get $cols i32.lt_s br_if $columns
    end)`;
}

// acc[r][v] (lanes 4v..4v+3 of row r) = Σ_k A[r, k] · B[k, 4v..4v+3]; then store, clipped to rows × cols.
function microFunc({ mr, nv, ku, fma }: TileShape): string {
  const nr = 4 * nv;
  const rows = [...Array(mr).keys()], vecs = [...Array(nv).keys()], steps = [...Array(ku).keys()];
  const acc = (r: number, v: number) => `$c${r}_${v}`;
  // acc += a · b: fused where relaxed SIMD exists, else multiply then add (two roundings).
  const madd = (r: number, v: number) => (fma
    ? `local.get $a local.get $b${v} local.get ${acc(r, v)} f32x4.relaxed_madd local.set ${acc(r, v)}`
    : `local.get ${acc(r, v)} local.get $a local.get $b${v} f32x4.mul f32x4.add local.set ${acc(r, v)}`);
  const kStep = (u: number) => [
    ...vecs.map((v) => `local.get $pb v128.load offset=${4 * (u * nr + 4 * v)} local.set $b${v}`),
    ...rows.flatMap((r) => [
      `local.get $pa v128.load32_splat offset=${4 * (u * mr + r)} local.set $a`,
      ...vecs.map((v) => madd(r, v)),
    ]),
  ].join('\n      ');
  const fullStore = rows.flatMap((r) => [
    ...vecs.map((v) => `local.get $c local.get ${acc(r, v)} v128.store offset=${16 * v}`),
    'local.get $c local.get $ldc i32.add local.set $c',
  ]).join('\n      ');
  // Lane l of vector v is column 4v + l; row r exists when rows > r.
  const clippedStore = rows.flatMap((r) => [
    `local.get $rows i32.const ${r} i32.gt_s if`,
    ...vecs.flatMap((v) => [0, 1, 2, 3].map((l) => `local.get $cols i32.const ${4 * v + l} i32.gt_s if `
      + `local.get $c local.get ${acc(r, v)} f32x4.extract_lane ${l} f32.store offset=${4 * (4 * v + l)} end`)),
    'end',
    'local.get $c local.get $ldc i32.add local.set $c',
  ]).join('\n      ');
  return `(func $micro
    (param $pa i32) (param $pb i32) (param $kp i32) (param $c i32) (param $ldc i32) (param $rows i32) (param $cols i32)
    (local $end i32) (local $a v128) ${vecs.map((v) => `(local $b${v} v128)`).join(' ')}
    ${rows.flatMap((r) => vecs.map((v) => `(local ${acc(r, v)} v128)`)).join(' ')}
    ;; locals start at zero, so the accumulators need no clearing
    local.get $pa local.get $kp i32.const ${4 * mr} i32.mul i32.add local.set $end
    loop $k
      ${steps.map(kStep).join('\n      ')}
      local.get $pa i32.const ${4 * ku * mr} i32.add local.tee $pa
      local.get $pb i32.const ${4 * ku * nr} i32.add local.set $pb
      local.get $end i32.lt_u br_if $k
    end
    local.get $rows i32.const ${mr} i32.ge_s local.get $cols i32.const ${nr} i32.ge_s i32.and
    if
      ${fullStore}
    else
      ${clippedStore}
    end)`;
}

/** Parameters of one pooled Wasm job; addresses and strides in bytes, a stride of 0 broadcasts. */
export interface WasmJob {
  batch: number; m: number; n: number; kp: number;
  mb: number; mBlocks: number; nBlocks: number; group: number;
  paBase: number; pbBase: number; paStride: number; pbStride: number; outBase: number;
}
/** The order WasmJob fields travel in the pool's shared control block. */
export const WASM_JOB_KEYS: (keyof WasmJob)[] = [
  'batch', 'm', 'n', 'kp', 'mb', 'mBlocks', 'nBlocks', 'group', 'paBase', 'pbBase', 'paStride', 'pbStride', 'outBase',
];

/**
 * Defines `runWasmTask(t, job, tile)`: task t of a job is one mb × NB tile of
 * C for a group of batches, numbered as the JS kernel's runTask numbers them.
 * Plain JS source so that worker threads can eval it too. Output C is dense
 * batch × M × N at outBase.
 */
export const WASM_TASK_SRC = /* js */ `
function runWasmTask(t, job, tile) {
  const { m, n, kp, mb, mBlocks, nBlocks, group } = job;
  const tiles = mBlocks * nBlocks;
  const g = Math.floor(t / tiles), rest = t - g * tiles;
  const ib = Math.floor(rest / nBlocks), jb = rest - ib * nBlocks;
  const i0 = ib * mb, j0 = jb * ${NB};
  const rows = Math.min(mb, m - i0), cols = Math.min(${NB}, n - j0);
  const b1 = Math.min(g * group + group, job.batch);
  for (let b = g * group; b < b1; b++) {
    // Strip i0/MR starts i0·kp floats into the packed A (likewise B): 4 bytes each.
    tile(job.paBase + b * job.paStride + 4 * i0 * kp, job.pbBase + b * job.pbStride + 4 * j0 * kp,
      job.outBase + 4 * ((b * m + i0) * n + j0), kp, 4 * n, rows, cols);
  }
}
`;
