/**
 * Layer normalization without affine, (x − mean)/√(var + eps) along rows of
 * length n, any n: TPR invocations per row (1 for short rows on SwiftShader,
 * a whole workgroup per long row on a GPU), WG/TPR rows per workgroup (see
 * softmax.ts for why TPR varies).
 *
 * Statistics in one read of the row, never forming Σx² − (Σx)²/n over the
 * row, whose cancellation loses all digits when the mean is large against the
 * spread. Values are first shifted by the row's first element K: x − K is
 * exact when x and K are close, so a row at mean 10⁴ with spread 1 is
 * normalized as accurately as one at mean 0.
 *
 * Each invocation keeps a (count, mean, M2) triple over its strided share,
 * taking four values per step: four independent loads in flight (so a long
 * row streams at bandwidth, where one dependent Welford update per element
 * serialized a division per value), merged as one block with its exact mean
 * and M2. Triples merge, in the loop and then in a tree in workgroup memory,
 * by Chan et al.'s rule: δ = mean_b − mean_a, M2 = M2_a + M2_b + δ²·n_a·n_b/n.
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
  var i = lane;
  // Four independent loads per step keep enough requests in flight to stream the row;
  // the four merge as one block (their exact mean and M2), one division per four values.
  for (; i + 3u * TPR < n; i += 4u * TPR) {
    let v = vec4<f32>(x[base + i], x[base + i + TPR], x[base + i + 2u * TPR], x[base + i + 3u * TPR]) - shift;
    let mean4 = dot(v, vec4<f32>(0.25));
    let d = v - mean4;
    w = combine(w, vec3<f32>(4.0, mean4, dot(d, d)));
  }
  for (; i < n; i += TPR) { w = combine(w, vec3<f32>(1.0, x[base + i] - shift, 0.0)); }
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
  for (var j = lane; j < n; j += TPR) { out[base + j] = ((x[base + j] - shift) - w.y) * inv; }
}`;
}
