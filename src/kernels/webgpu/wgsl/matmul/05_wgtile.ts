/**
 * 05 workgroup tile: a 16×16 workgroup computes a 128×128 block of C, each
 * invocation an 8×8 block in registers, from 128×16 panels of A and B staged
 * in workgroup memory with vec4 loads.
 *
 * Why faster on a GPU: arithmetic intensity at two levels at once.
 * - Per workgroup: each k-step of 16 loads (128 + 128)·16 floats from global
 *   memory for 128·128·16 multiply-adds, 64 flops per float loaded (04 loads
 *   its operands per invocation: 12 floats per 32 multiply-adds, ~5 flops per
 *   float, and leans on the cache for reuse across invocations).
 * - Per invocation: 4 vec4 reads of workgroup memory (8 of A, 8 of B) feed 64
 *   multiply-adds, 16 per read, so the FMA units rather than shared-memory
 *   bandwidth set the pace; the 64 accumulators are named scalars' vec4s,
 *   which the compiler keeps in registers.
 * - 1024 workgroups at 4096 fill 132 multiprocessors several times over; at
 *   1024 only 64 exist, so the gain is for large products.
 * An invocation's 8 rows are two groups of 4, 64 apart (likewise columns), so
 * the 16 invocations along a row read 16 consecutive vec4s: no bank conflicts.
 *
 * Workgroup memory holds both panels k-major (As[k][m], Bs[k][n]) as vec4s
 * along m and n. A panel is loaded along whichever axis is contiguous in
 * global memory: as vec4s stored whole (Aᵀ, plain B) or scattered into four
 * k-rows (plain A, Bᵀ). Needs M, N, K multiples of 4 (the backend uses 03
 * otherwise); edges are bounds-tested per vec4, zeros padding the panels.
 */
import { type MatmulKernel, matmulParams } from './common.js';

const R = [0, 1, 2, 3, 4, 5, 6, 7];
/** acc{r}_{h}: row r of the invocation's block, columns of half h (a vec4). */
const accs = R.flatMap((r) => [0, 1].map((h) => `acc${r}_${h}`));
const fmas = R.map((r) => {
  const a = `a${r >> 2}[${r & 3}]`;
  return `    acc${r}_0 += ${a} * b0; acc${r}_1 += ${a} * b1;`;
}).join('\n');
const stores = R.map((r) => {
  const row = `row${r >> 2} + ${r & 3}u`;
  return `  if (${row} < m) {
    if (col0 < n) { c[cBase + (${row}) * n4 + col0 / 4u] = acc${r}_0; }
    if (col1 < n) { c[cBase + (${row}) * n4 + col1 / 4u] = acc${r}_1; }
  }`;
}).join('\n');

function wgsl(): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> c: array<vec4<f32>>;
${matmulParams(3)}
override WGX: u32 = 16; // fixed: the tile sizes below assume a 16×16 workgroup
override WGY: u32 = 16;
const BM = 128u; const BN = 128u; const BK = 16u;
var<workgroup> As: array<vec4<f32>, 512>; // [k: BK][m: BM / 4]
var<workgroup> Bs: array<vec4<f32>, 512>; // [k: BK][n: BN / 4]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) t: u32) {
  let m = dimM(); let n = dimN(); let kk = dimK();
  let m4 = m / 4u; let n4 = n / 4u; let k4 = kk / 4u;
  let i0 = wid.y * BM; let j0 = wid.x * BN;
  let off = batchOffsets(wid.z) / 4u;
${accs.map((x) => `  var ${x} = vec4<f32>();`).join('\n')}
  // No early return: every invocation loads panels and must reach every barrier.
  for (var k0 = 0u; k0 < kk; k0 += BK) {
    for (var s = 0u; s < 2u; s++) {
      let idx = t + s * 256u;
      if (TRANS_A) { // A stored (K, M): vec4s along m, stored whole
        let kr = idx / 32u; let q = idx % 32u;
        let ok = k0 + kr < kk && i0 + 4u * q < m;
        As[idx] = select(vec4<f32>(), a[select(0u, off.x + (k0 + kr) * m4 + i0 / 4u + q, ok)], ok);
      } else { // A stored (M, K): vec4s along k, scattered into four k-rows
        let row = idx / 4u; let kq = idx % 4u;
        let ok = i0 + row < m && k0 + 4u * kq < kk;
        let v = select(vec4<f32>(), a[select(0u, off.x + (i0 + row) * k4 + k0 / 4u + kq, ok)], ok);
        for (var e = 0u; e < 4u; e++) { As[(4u * kq + e) * 32u + row / 4u][row % 4u] = v[e]; }
      }
      if (TRANS_B) { // B stored (N, K): vec4s along k, scattered
        let col = idx / 4u; let kq = idx % 4u;
        let ok = j0 + col < n && k0 + 4u * kq < kk;
        let v = select(vec4<f32>(), b[select(0u, off.y + (j0 + col) * k4 + k0 / 4u + kq, ok)], ok);
        for (var e = 0u; e < 4u; e++) { Bs[(4u * kq + e) * 32u + col / 4u][col % 4u] = v[e]; }
      } else { // B stored (K, N): vec4s along n, stored whole
        let kr = idx / 32u; let q = idx % 32u;
        let ok = k0 + kr < kk && j0 + 4u * q < n;
        Bs[idx] = select(vec4<f32>(), b[select(0u, off.y + (k0 + kr) * n4 + j0 / 4u + q, ok)], ok);
      }
    }
    // The panels must be complete before anyone multiplies from them.
    workgroupBarrier();
    for (var k = 0u; k < BK; k++) {
      let a0 = As[k * 32u + lid.y]; let a1 = As[k * 32u + 16u + lid.y];
      let b0 = Bs[k * 32u + lid.x]; let b1 = Bs[k * 32u + 16u + lid.x];
${fmas}
    }
    // Everyone must be done reading before the next panels overwrite these.
    workgroupBarrier();
  }
  let row0 = i0 + 4u * lid.y; let row1 = row0 + 64u;
  let col0 = j0 + 4u * lid.x; let col1 = col0 + 64u;
  let cBase = wid.z * m4 * n;
${stores}
}`;
}

/** A 16×16 workgroup of 8×8 blocks covers 128×128 of C. */
export const wgtile: MatmulKernel = {
  name: '05_wgtile', wgsl, perThread: { m: 8, n: 8 }, wg: { x: 16, y: 16, shrink: false },
  fits: (m, n, k) => m % 4 === 0 && n % 4 === 0 && k % 4 === 0,
};
