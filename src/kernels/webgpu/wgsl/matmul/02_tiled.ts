/**
 * 02 tiled: the workgroup stages a TILE×TILE block of A and of B in
 * workgroup memory, then every invocation reads its row and column of the
 * product from there.
 *
 * Why faster (on a GPU): each value loaded from global memory is used TILE
 * times instead of once, cutting global traffic by TILE; workgroup memory is
 * on-chip. Still one output per invocation, so every multiply-add costs two
 * workgroup-memory loads. (On SwiftShader, workgroup memory is ordinary
 * memory plus barrier costs, so this can lose to 01 — see the README table.)
 */
import { type MatmulKernel, SCALAR_READS, matmulParams } from './common.js';

function wgsl(): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
${matmulParams(3)}
override WGX: u32 = 16;
override WGY: u32 = 16; // must equal WGX: the workgroup is one square tile
override TILE: u32 = WGX;
var<workgroup> tileA: array<f32, TILE * TILE>; // [row][k]
var<workgroup> tileB: array<f32, TILE * TILE>; // [k][col]
${SCALAR_READS}

@compute @workgroup_size(WGX, WGY)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let i = wid.y * TILE + lid.y;
  let j = wid.x * TILE + lid.x;
  let m = dimM(); let n = dimN(); let kk = dimK();
  let off = batchOffsets(wid.z);
  var acc = 0.0;
  // No early return for i ≥ M or j ≥ N: those invocations still load tiles and must reach every barrier.
  for (var k0 = 0u; k0 < kk; k0 += TILE) {
    let ka = k0 + lid.x;
    let kb = k0 + lid.y;
    tileA[lid.y * TILE + lid.x] = select(0.0, readA(off.x, min(i, m - 1u), min(ka, kk - 1u)), i < m && ka < kk);
    tileB[lid.y * TILE + lid.x] = select(0.0, readB(off.y, min(kb, kk - 1u), min(j, n - 1u)), kb < kk && j < n);
    // The tiles must be complete before anyone multiplies from them.
    workgroupBarrier();
    for (var q = 0u; q < TILE; q++) { acc += tileA[lid.y * TILE + q] * tileB[q * TILE + lid.x]; }
    // Everyone must be done reading before the next iteration overwrites the tiles.
    workgroupBarrier();
  }
  if (i < m && j < n) { c[wid.z * m * n + i * n + j] = acc; }
}`;
}

/** A 16×16 workgroup covers a 16×16 block of C. */
export const tiled: MatmulKernel = { name: '02_tiled', wgsl, perThread: { m: 1, n: 1 }, wg: { x: 16, y: 16, shrink: false } };
