/**
 * 03 register: each invocation computes a TM×TN block of C in registers,
 * with no workgroup memory.
 *
 * Why faster: per step of k it loads TM values of A and TN of B and does
 * TM·TN multiply-adds, so loads per flop fall from 1 to (TM + TN)/(TM·TN)
 * (12/32 for 8×4). The reuse lives in registers, which every device has,
 * rather than in workgroup memory plus barriers — on SwiftShader (a CPU)
 * that is the winning trade, and the backend's default.
 */
import { type MatmulKernel, SCALAR_READS, matmulParams } from './common.js';

const TM = 8;
const TN = 4;

function wgsl(): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
${matmulParams(3)}
override WGX: u32 = 8;
override WGY: u32 = 8;
const TM = ${TM}u;
const TN = ${TN}u;
${SCALAR_READS}

@compute @workgroup_size(WGX, WGY)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let m = dimM(); let n = dimN();
  let i0 = gid.y * TM;
  let j0 = gid.x * TN;
  if (i0 >= m || j0 >= n) { return; }
  let off = batchOffsets(gid.z);
  var acc: array<f32, ${TM * TN}>;
  var av: array<f32, ${TM}>;
  var bv: array<f32, ${TN}>;
  for (var k = 0u; k < dimK(); k++) {
    // Rows and columns past the edge read a valid element (clamped) and are never written.
    for (var r = 0u; r < TM; r++) { av[r] = readA(off.x, min(i0 + r, m - 1u), k); }
    for (var q = 0u; q < TN; q++) { bv[q] = readB(off.y, k, min(j0 + q, n - 1u)); }
    for (var r = 0u; r < TM; r++) {
      for (var q = 0u; q < TN; q++) { acc[r * TN + q] = fma(av[r], bv[q], acc[r * TN + q]); }
    }
  }
  let base = gid.z * m * n;
  for (var r = 0u; r < TM; r++) {
    for (var q = 0u; q < TN; q++) {
      if (i0 + r < m && j0 + q < n) { c[base + (i0 + r) * n + j0 + q] = acc[r * TN + q]; }
    }
  }
}`;
}

/** An 8×8 workgroup of 8×4 blocks covers 64×32 of C. */
export const register: MatmulKernel = {
  name: '03_register', wgsl, tileM: 8 * TM, tileN: 8 * TN, constants: { WGX: 8, WGY: 8 },
};
