/**
 * 04 vec4: 03's register blocking with every load and store a vec4, and the
 * inner product written as 4×4 matrix multiplies.
 *
 * Why faster: one vec4 load moves four floats with one address computation
 * and one bounds decision, and `acc += X·Y` on mat4x4 lets the compiler emit
 * the 64 multiply-adds of a 4×4×4 step with no index arithmetic. Each
 * invocation holds an 8×4 block of C as two mat4x4 accumulators.
 *
 * A 4×4 block is loaded as four vec4s along whichever axis is contiguous, so
 * the loaded matrix L is the block or its transpose (WGSL matrices are
 * column-major: column q is L[q]). The kernel accumulates Cᵀ += Bᵀ·Aᵀ: for
 * the plain layout (neither operand transposed) the loads are exactly Aᵀ and
 * Bᵀ, no shuffles are needed, and Cᵀ's columns are C's rows, stored as vec4s.
 * Needs M, N, K all multiples of 4; the backend uses 03 otherwise.
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

fn loadA(x: u32, q: u32) -> mat4x4<f32> { return mat4x4<f32>(a[x], a[x + q], a[x + 2u * q], a[x + 3u * q]); }
fn loadB(x: u32, q: u32) -> mat4x4<f32> { return mat4x4<f32>(b[x], b[x + q], b[x + 2u * q], b[x + 3u * q]); }

@compute @workgroup_size(WGX, WGY)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let m = dimM(); let n = dimN(); let kk = dimK();
  let i0 = gid.y * 8u;
  let j0 = gid.x * 4u;
  if (i0 >= m || j0 >= n) { return; }
  // M is a multiple of 4, so the second row block is wholly in or wholly out; out, it re-reads the first.
  let second = i0 + 4u < m;
  let i1 = select(i0, i0 + 4u, second);
  let off = batchOffsets(gid.z) / 4u;
  let m4 = m / 4u; let n4 = n / 4u; let k4 = kk / 4u;
  // In vec4 units: block row/column q of A starts at aX + q·aQ and moves by aStep per k-step of 4; likewise B.
  let aQ = select(k4, m4, TRANS_A);
  let aStep = select(1u, 4u * m4, TRANS_A);
  var a0 = select(off.x + i0 * k4, off.x + i0 / 4u, TRANS_A);
  var a1 = select(off.x + i1 * k4, off.x + i1 / 4u, TRANS_A);
  let bQ = select(n4, k4, TRANS_B);
  let bStep = select(4u * n4, 1u, TRANS_B);
  var b0 = select(off.y + j0 / 4u, off.y + j0 * k4, TRANS_B);
  var acc0 = mat4x4<f32>(); // Cᵀ of rows i0..i0+3
  var acc1 = mat4x4<f32>(); // Cᵀ of rows i1..i1+3
  for (var t = 0u; t < k4; t++) {
    // Loaded along the contiguous axis: Aᵀ and Bᵀ unless that operand is stored transposed.
    var bt = loadB(b0, bQ);
    if (TRANS_B) { bt = transpose(bt); }
    var at0 = loadA(a0, aQ);
    var at1 = loadA(a1, aQ);
    if (TRANS_A) { at0 = transpose(at0); at1 = transpose(at1); }
    acc0 += bt * at0;
    acc1 += bt * at1;
    a0 += aStep; a1 += aStep; b0 += bStep;
  }
  let base = gid.z * m4 * n + j0 / 4u;
  for (var r = 0u; r < 4u; r++) {
    c[base + (i0 + r) * n4] = acc0[r];
    if (second) { c[base + (i1 + r) * n4] = acc1[r]; }
  }
}`;
}

/** An 8×8 workgroup of 8×4 blocks covers 64×32 of C. */
export const vec4: MatmulKernel = {
  name: '04_vec4', wgsl, perThread: { m: 8, n: 4 }, wg: { x: 8, y: 8, shrink: true },
  fits: (m, n, k) => m % 4 === 0 && n % 4 === 0 && k % 4 === 0,
};
