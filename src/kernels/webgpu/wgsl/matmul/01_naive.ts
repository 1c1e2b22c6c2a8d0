/**
 * 01 naive: one invocation per output element, C[i, j] = Σ_k A[i, k]·B[k, j]
 * straight from global memory.
 *
 * Every invocation reads a full row of A and a full column of B: 2K loads
 * per 2K flops, and neighbours re-read the same data with no reuse beyond
 * whatever the cache catches. The baseline the others are measured against.
 */
import { type MatmulKernel, SCALAR_READS, matmulParams } from './common.js';

function wgsl(): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
${matmulParams(3)}
override WGX: u32 = 16;
override WGY: u32 = 16;
${SCALAR_READS}

@compute @workgroup_size(WGX, WGY)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  let i = gid.y;
  if (i >= dimM() || j >= dimN()) { return; }
  let off = batchOffsets(gid.z);
  var acc = 0.0;
  for (var k = 0u; k < dimK(); k++) { acc += readA(off.x, i, k) * readB(off.y, k, j); }
  c[gid.z * dimM() * dimN() + i * dimN() + j] = acc;
}`;
}

/** A 16×16 workgroup covers a 16×16 block of C. */
export const naive: MatmulKernel = { name: '01_naive', wgsl, perThread: { m: 1, n: 1 }, wg: { x: 16, y: 16, shrink: true } };
