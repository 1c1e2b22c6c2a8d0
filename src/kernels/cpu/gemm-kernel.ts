// The inner GEMM kernel, kept as plain JavaScript source so that one text runs
// both on the calling thread (via `new Function`) and inside worker threads
// (via `new Worker(src, { eval: true })`) without a TypeScript loader.
//
// Why it is shaped this way (measured on a 2-vCPU AMD EPYC with AVX-512, Node 20;
// V8 emits scalar code here, so AVX-512 itself goes unused):
// - A naive i-j-k loop re-reads a column of B with stride N for every output:
//   every load is a cache miss and a bounds check, ~1.2–1.8 GFLOP/s.
// - PACKING copies op(A) into strips of MR rows and op(B) into strips of NR
//   columns, k-major, as float64. The micro-kernel then walks both strips with
//   unit stride whatever the transposes and batch strides were, padding makes
//   every tile full (no edge branches inside the hot loop), and float32 inputs
//   are converted once instead of on every one of the K·N reuses.
// - The REGISTER TILE: the micro-kernel keeps an MR×NR block of C in local
//   variables (V8 puts them in FP registers) and per k step loads MR + NR
//   values for MR·NR multiply-adds. 1×1 does 1 FMA per 2 loads; 3×4 does 12
//   per 7. 3×4 measured ~7% faster than 4×4 here (12 accumulators leave V8
//   more of x64's 16 XMM registers for the loaded values) and faster than
//   2×4, 4×2, 2×8, 3×3, 3×5; on one Xeon 4×4 was ~5% faster, so either is fine.
// - NO K-BLOCKING: BLAS splits K into blocks of a few hundred so that one B
//   strip stays in L1 while it meets every A strip. Measured here, KC = 256
//   was 3–8% slower than none at K = 512, 1024, 4096 and 16384: the scalar
//   kernel retires under 2 flops a cycle and needs ~1 byte per flop, which L2
//   and the hardware prefetchers (both strips are read in order) keep up with,
//   while every extra k-block costs a call and a round trip of the 12
//   accumulators through memory. So one micro-kernel call covers all of K,
//   and the loop order (B strip outer, A strips inner) keeps the current B
//   strip warm in L1 for the small K of Transformer layers.
// - A TASK is one MB×NB tile of C (or a group of tiny batches). Threads claim
//   tasks dynamically; a task computes its padded tile in a private float64
//   scratch and clips it into C, so no two threads write the same element.
//
// Packed layout (per batch; strips are zero-padded past M or N):
//   pa[s·K·MR + k·MR + r] = op(A)[s·MR + r, k]
//   pb[s·K·NR + k·NR + c] = op(B)[k, s·NR + c]

/** Register tile: rows of A × columns of B held in locals. */
export const MR = 3;
export const NR = 4;
/** Task tile of C (multiples of MR and NR). */
export const MB = 48;
export const NB = 64;

/** The job a task reads: sizes, packed batch strides and where C goes. */
export interface GemmJob {
  batch: number; m: number; k: number; n: number;
  mb: number; // tile height: MB, or less so that small problems still split into enough tasks
  mBlocks: number; nBlocks: number;
  group: number; // batches per task
  paStride: number; pbStride: number; // 0 broadcasts the packed operand
  outStride: number; // elements between batches of `out`; rows are n apart
}

/** Defines `runTask(t, job, pa, pb, acc, out)` and its helpers. */
export const KERNEL_SRC = /* js */ `
const MR = ${MR}, NR = ${NR}, NB = ${NB};

// acc[co + r·ldc + c] = Σ_{p<k} pa[ao + p·MR + r] · pb[bo + p·NR + c]
function micro3x4(pa, ao, pb, bo, k, acc, co, ldc) {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  for (let p = 0; p < k; p++) {
    const a0 = pa[ao], a1 = pa[ao + 1], a2 = pa[ao + 2];
    const b0 = pb[bo], b1 = pb[bo + 1], b2 = pb[bo + 2], b3 = pb[bo + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    ao += MR; bo += NR;
  }
  acc[co] = c00; acc[co + 1] = c01; acc[co + 2] = c02; acc[co + 3] = c03; co += ldc;
  acc[co] = c10; acc[co + 1] = c11; acc[co + 2] = c12; acc[co + 3] = c13; co += ldc;
  acc[co] = c20; acc[co + 1] = c21; acc[co + 2] = c22; acc[co + 3] = c23;
}

// Task t = (group of batches, tile row, tile column), tile columns fastest so
// that consecutive claims reuse the same A block from L2. Tiny matrices are
// grouped so that one claim buys enough work to pay for itself.
function runTask(t, job, pa, pb, acc, out) {
  const { m, n, mb, mBlocks, nBlocks, group } = job;
  const tiles = mBlocks * nBlocks;
  const g = Math.floor(t / tiles), tile = t - g * tiles;
  const ib = Math.floor(tile / nBlocks), jb = tile - ib * nBlocks;
  const i0 = ib * mb, i1 = Math.min(i0 + mb, m);
  const j0 = jb * NB, j1 = Math.min(j0 + NB, n);
  const b1 = Math.min(g * group + group, job.batch);
  for (let b = g * group; b < b1; b++) runTile(b, i0, i1, j0, j1, job, pa, pb, acc, out);
}

// C[b][i0:i1, j0:j1] = op(A)[b][i0:i1, :] · op(B)[b][:, j0:j1]
function runTile(b, i0, i1, j0, j1, job, pa, pb, acc, out) {
  const { k, n } = job;
  const mStrips = Math.ceil((i1 - i0) / MR), nStrips = Math.ceil((j1 - j0) / NR);
  const aBase = b * job.paStride + (i0 / MR) * k * MR;
  const bBase = b * job.pbStride + (j0 / NR) * k * NR;
  const ldacc = nStrips * NR;
  for (let js = 0; js < nStrips; js++) {
    for (let is = 0; is < mStrips; is++) {
      micro3x4(pa, aBase + is * k * MR, pb, bBase + js * k * NR, k, acc, is * MR * ldacc + js * NR, ldacc);
    }
  }
  // Clip the padded tile to C; a Float32Array store rounds, here.
  const cBase = b * job.outStride;
  for (let i = i0; i < i1; i++) {
    const ar = (i - i0) * ldacc - j0, cr = cBase + i * n;
    for (let j = j0; j < j1; j++) out[cr + j] = acc[ar + j];
  }
}
`;

export type RunTask = (
  t: number, job: GemmJob, pa: Float64Array, pb: Float64Array,
  acc: Float64Array, out: Float32Array | Float64Array,
) => void;

/** Compiles KERNEL_SRC for the calling thread. */
export function loadKernel(): RunTask {
  return new Function(`${KERNEL_SRC}\nreturn runTask;`)() as RunTask;
}
