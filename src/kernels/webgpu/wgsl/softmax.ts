/**
 * Softmax along rows of length n, any n: TPR invocations per row (a power of
 * two, 1 for short rows), WG/TPR rows per workgroup.
 *
 * Online softmax: an invocation keeps a running maximum m and a sum s of
 * e^{x−m} over its strided share of the row; when a larger value arrives, the
 * sum so far is rescaled by e^{m_old − m_new}. So the row is read once for its
 * statistics (not once for the max and again for the sum), the TPR partial
 * (m, s) pairs merge in a tree, and a last pass writes e^{x−m}/s.
 *
 * The statistics loop takes four values per step (one rescale per step, four
 * loads in flight), which a long row needs to stream at memory bandwidth.
 *
 * Why TPR: on SwiftShader a workgroup barrier costs about as much as a few
 * hundred flops, so a 16-wide attention row is best done by one invocation,
 * while a 5000-wide row wants many.
 */
import { GROUP_INDEX, lowestFn, paramsDecl } from './common.js';

/** Parameter words: [rows, n]. WG and TPR powers of two, TPR ≤ WG. */
export function softmaxWgsl(): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
${paramsDecl(2)}
override WG: u32 = 64;
override TPR: u32 = 1; // invocations per row
var<workgroup> maxes: array<f32, WG>;
var<workgroup> sums: array<f32, WG>;
${GROUP_INDEX}
${lowestFn('float32')}

// (m, s) of two disjoint parts → (m, s) of their union; an empty part is (−∞, 0).
fn combine(ma: f32, sa: f32, mb: f32, sb: f32) -> vec2<f32> {
  let m = max(ma, mb);
  if (m == lowest()) { return vec2<f32>(m, 0.0); }
  return vec2<f32>(m, sa * exp(ma - m) + sb * exp(mb - m));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let row = groupIndex(wid, nwg) * (WG / TPR) + lid / TPR;
  let lane = lid % TPR;
  // No early return for rows past the end: every invocation must reach the barriers.
  let n = select(0u, p(1u), row < p(0u));
  let base = row * n;
  let minusInf = lowest();
  var m = minusInf;
  var s = 0.0;
  var i = lane;
  // Four independent loads per step keep enough requests in flight to stream a long row.
  for (; i + 3u * TPR < n; i += 4u * TPR) {
    let v = vec4<f32>(x[base + i], x[base + i + TPR], x[base + i + 2u * TPR], x[base + i + 3u * TPR]);
    let mv = max(max(v.x, v.y), max(v.z, v.w));
    if (mv > m) { s *= exp(m - mv); m = mv; }
    // −∞ adds nothing (and −∞ − (−∞) would be NaN).
    let e = select(vec4<f32>(0.0), exp(v - m), v != vec4<f32>(minusInf));
    s += (e.x + e.y) + (e.z + e.w);
  }
  for (; i < n; i += TPR) {
    let v = x[base + i];
    // −∞ adds nothing (and −∞ − (−∞) would be NaN).
    if (v > m) { s = s * exp(m - v) + 1.0; m = v; } else if (v != minusInf) { s += exp(v - m); }
  }
  if (TPR > 1u) {
    maxes[lid] = m;
    sums[lid] = s;
    // All partial (m, s) pairs must be stored before the tree reads them.
    workgroupBarrier();
    for (var half = TPR / 2u; half > 0u; half /= 2u) {
      if (lane < half) {
        let c = combine(maxes[lid], sums[lid], maxes[lid + half], sums[lid + half]);
        maxes[lid] = c.x;
        sums[lid] = c.y;
      }
      // The next step reads pairs this step just merged.
      workgroupBarrier();
    }
    m = maxes[lid - lane];
    s = sums[lid - lane];
  }
  let inv = 1.0 / s;
  for (var i = lane; i < n; i += TPR) { out[base + i] = exp(x[base + i] - m) * inv; }
}`;
}
