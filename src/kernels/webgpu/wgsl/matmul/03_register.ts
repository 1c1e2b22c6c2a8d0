/**
 * 03 register: each invocation computes a TM×TN block of C in registers,
 * with no workgroup memory.
 *
 * Why faster: per step of k it loads TM values of A and TN of B and does
 * TM·TN multiply-adds, so loads per flop fall from 1 to (TM + TN)/(TM·TN)
 * (12/32 for 8×4). The reuse lives in registers, which every device has,
 * rather than in workgroup memory plus barriers — on SwiftShader (a CPU)
 * that is the winning trade.
 *
 * "Registers" must really be registers: an `array<f32, 32>` indexed in a
 * loop is kept in memory by SwiftShader's compiler, so the host writes the
 * TM·TN accumulators and the loads out as named scalars (c_r_q, a_r, b_q).
 * Row and column offsets are computed once, outside the k loop.
 */
import { type MatmulKernel, matmulParams } from './common.js';

const TM = 8;
const TN = 4;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const each = (f: (r: number, q: number) => string) => range(TM).flatMap((r) => range(TN).map((q) => f(r, q)));

function wgsl(): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
${matmulParams(3)}
override WGX: u32 = 8;
override WGY: u32 = 8;

@compute @workgroup_size(WGX, WGY)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let m = dimM(); let n = dimN(); let kk = dimK();
  let i0 = gid.y * ${TM}u;
  let j0 = gid.x * ${TN}u;
  if (i0 >= m || j0 >= n) { return; }
  let off = batchOffsets(gid.z);
  // op(A)[i, k] = a[off.x + i·sAi + k·sAk] and op(B)[k, j] = b[off.y + k·sBk + j·sBj].
  let sAi = select(kk, 1u, TRANS_A); let sAk = select(1u, m, TRANS_A);
  let sBk = select(n, 1u, TRANS_B); let sBj = select(1u, kk, TRANS_B);
  // Rows and columns past the edge read a valid (clamped) element and are never written.
${range(TM).map((r) => `  let ar${r} = off.x + min(i0 + ${r}u, m - 1u) * sAi;`).join('\n')}
${range(TN).map((q) => `  let bq${q} = off.y + min(j0 + ${q}u, n - 1u) * sBj;`).join('\n')}
${each((r, q) => `  var c${r}_${q} = 0.0;`).join('\n')}
  for (var k = 0u; k < kk; k++) {
    let ak = k * sAk;
    let bk = k * sBk;
${range(TM).map((r) => `    let a${r} = a[ar${r} + ak];`).join('\n')}
${range(TN).map((q) => `    let b${q} = b[bq${q} + bk];`).join('\n')}
${each((r, q) => `    c${r}_${q} += a${r} * b${q};`).join('\n')}
  }
  let base = gid.z * m * n;
${each((r, q) => `  if (i0 + ${r}u < m && j0 + ${q}u < n) { c[base + (i0 + ${r}u) * n + j0 + ${q}u] = c${r}_${q}; }`).join('\n')}
}`;
}

/** An 8×8 workgroup of 8×4 blocks covers 64×32 of C. */
export const register: MatmulKernel = { name: '03_register', wgsl, perThread: { m: TM, n: TN }, wg: { x: 8, y: 8, shrink: true } };
