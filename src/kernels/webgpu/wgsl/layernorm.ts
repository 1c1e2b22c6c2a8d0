/**
 * Layer normalization without affine, (x − mean)/√(var + eps) along rows of
 * length n, any n: TPR invocations per row (1 for short rows), WG/TPR rows
 * per workgroup (see softmax.ts for why TPR varies).
 *
 * Welford's update keeps (count, mean, M2) per invocation in one read of the
 * row, never forming Σx² − (Σx)²/n, whose cancellation loses all digits when
 * the mean is large against the spread. Partial triples merge in a tree by
 * Chan et al.'s rule: δ = mean_b − mean_a, M2 = M2_a + M2_b + δ²·n_a·n_b/n.
 * Values are first shifted by the row's first element K: x − K is exact when
 * x and K are close, so a row at mean 10⁴ with spread 1 is normalized as
 * accurately as one at mean 0 (the running mean no longer rounds at 10⁴'s ulp).
 */
import { GROUP_INDEX, paramsDecl } from './common.js';

/** Parameter words: [rows, n, bits of eps as f32]. WG and TPR powers of two, TPR ≤ WG. */
export function layernormWgsl(): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
${paramsDecl(2)}
override WG: u32 = 64;
override TPR: u32 = 1; // invocations per row
var<workgroup> stats: array<vec3<f32>, WG>; // (count, mean, M2)
${GROUP_INDEX}

fn combine(a: vec3<f32>, b: vec3<f32>) -> vec3<f32> {
  let n = a.x + b.x;
  if (n == 0.0) { return a; }
  let delta = b.y - a.y;
  return vec3<f32>(n, a.y + delta * (b.x / n), a.z + b.z + delta * delta * (a.x * b.x / n));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let row = groupIndex(wid, nwg) * (WG / TPR) + lid / TPR;
  let lane = lid % TPR;
  // No early return for rows past the end: every invocation must reach the barriers.
  let n = select(0u, p(1u), row < p(0u));
  let base = row * n;
  var shift = 0.0;
  if (n > 0u) { shift = x[base]; }
  var w = vec3<f32>(0.0);
  for (var i = lane; i < n; i += TPR) {
    let v = x[base + i] - shift;
    w.x += 1.0;
    let delta = v - w.y;
    w.y += delta / w.x;
    w.z += delta * (v - w.y);
  }
  if (TPR > 1u) {
    stats[lid] = w;
    // Every triple must be stored before the tree reads it.
    workgroupBarrier();
    for (var half = TPR / 2u; half > 0u; half /= 2u) {
      if (lane < half) { stats[lid] = combine(stats[lid], stats[lid + half]); }
      // The next step reads triples this step just merged.
      workgroupBarrier();
    }
    w = stats[lid - lane];
  }
  let inv = 1.0 / sqrt(w.z / f32(n) + bitcast<f32>(p(2u)));
  for (var i = lane; i < n; i += TPR) { out[base + i] = ((x[base + i] - shift) - w.y) * inv; }
}`;
}
