/**
 * 04 vec4: 03's register blocking, with every load and store a vec4 and the
 * inner product written as 4×4 matrix multiplies.
 *
 * Why faster: one vec4 load moves four floats with one address computation
 * and one bounds decision, and `acc += A·B` on mat4x4 lets the compiler emit
 * the 64 multiply-adds of a 4×4×4 step without index arithmetic. Each
 * invocation holds an 8×4 block of C as two mat4x4 accumulators.
 *
 * A 4×4 block is read along whichever axis is contiguous in memory; when that
 * is a row, the loaded matrix is transposed (WGSL matrices are column-major,
 * column q = M[q]). Needs M, N, K all multiples of 4; the backend falls back
 * to 03 otherwise.
 */
import { type MatmulKernel, matmulParams } from './common.js';

function wgsl(): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> c: array<vec4<f32>>;
${matmulParams(3)}
override WGX: u32 = 8;
override WGY: u32 = 8;

// op(A)[i..i+4, k..k+4]; offsets in floats, all multiples of 4.
fn blockA(off: u32, i: u32, k: u32) -> mat4x4<f32> {
  if (TRANS_A) {
    let m = dimM();
    return mat4x4<f32>(a[(off + k * m + i) / 4u], a[(off + (k + 1u) * m + i) / 4u],
                       a[(off + (k + 2u) * m + i) / 4u], a[(off + (k + 3u) * m + i) / 4u]);
  }
  let kk = dimK();
  return transpose(mat4x4<f32>(a[(off + i * kk + k) / 4u], a[(off + (i + 1u) * kk + k) / 4u],
                               a[(off + (i + 2u) * kk + k) / 4u], a[(off + (i + 3u) * kk + k) / 4u]));
}
// op(B)[k..k+4, j..j+4].
fn blockB(off: u32, k: u32, j: u32) -> mat4x4<f32> {
  if (TRANS_B) {
    let kk = dimK();
    return mat4x4<f32>(b[(off + j * kk + k) / 4u], b[(off + (j + 1u) * kk + k) / 4u],
                       b[(off + (j + 2u) * kk + k) / 4u], b[(off + (j + 3u) * kk + k) / 4u]);
  }
  let n = dimN();
  return transpose(mat4x4<f32>(b[(off + k * n + j) / 4u], b[(off + (k + 1u) * n + j) / 4u],
                               b[(off + (k + 2u) * n + j) / 4u], b[(off + (k + 3u) * n + j) / 4u]));
}

@compute @workgroup_size(WGX, WGY)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let m = dimM(); let n = dimN();
  let i0 = gid.y * 8u;
  let j0 = gid.x * 4u;
  if (i0 >= m || j0 >= n) { return; }
  // M is a multiple of 4, so the second row block is wholly in or wholly out; out, it re-reads the first.
  let second = i0 + 4u < m;
  let i1 = select(i0, i0 + 4u, second);
  let off = batchOffsets(gid.z);
  var acc0 = mat4x4<f32>();
  var acc1 = mat4x4<f32>();
  for (var k = 0u; k < dimK(); k += 4u) {
    let bk = blockB(off.y, k, j0);
    acc0 += blockA(off.x, i0, k) * bk;
    acc1 += blockA(off.x, i1, k) * bk;
  }
  // Row r of C's block is column r of its transpose.
  let base = gid.z * m * n;
  let t0 = transpose(acc0);
  let t1 = transpose(acc1);
  for (var r = 0u; r < 4u; r++) {
    c[(base + (i0 + r) * n + j0) / 4u] = t0[r];
    if (second) { c[(base + (i1 + r) * n + j0) / 4u] = t1[r]; }
  }
}`;
}

/** An 8×8 workgroup of 8×4 blocks covers 64×32 of C. */
export const vec4: MatmulKernel = {
  name: '04_vec4', wgsl, tileM: 64, tileN: 32, constants: { WGX: 8, WGY: 8 },
  fits: (m, n, k) => m % 4 === 0 && n % 4 === 0 && k % 4 === 0,
};
