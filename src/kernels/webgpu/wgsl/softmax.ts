/**
 * Softmax along rows of length n, one workgroup per row, any n.
 *
 * Online softmax: an invocation keeps a running maximum m and a sum s of
 * e^{x−m} over its strided share of the row; when a larger value arrives, the
 * sum so far is rescaled by e^{m_old − m_new}. So the row is read once for its
 * statistics (not once for the max and again for the sum), the partial (m, s)
 * pairs merge in a tree, and a last pass writes e^{x−m}/s.
 */
import { GROUP_INDEX, lowestFn, paramsDecl } from './common.js';

/** Parameter words: [rows, n]. WG must be a power of two. */
export function softmaxWgsl(): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
${paramsDecl(2)}
override WG: u32 = 64;
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
  let row = groupIndex(wid, nwg);
  // Uniform per workgroup, so the barriers below stay in uniform control flow.
  if (row >= p(0u)) { return; }
  let n = p(1u);
  let base = row * n;
  let minusInf = lowest();
  var m = minusInf;
  var s = 0.0;
  for (var i = lid; i < n; i += WG) {
    let v = x[base + i];
    // −∞ adds nothing (and −∞ − (−∞) would be NaN).
    if (v > m) { s = s * exp(m - v) + 1.0; m = v; } else if (v != minusInf) { s += exp(v - m); }
  }
  maxes[lid] = m;
  sums[lid] = s;
  // All partial (m, s) pairs must be stored before the tree reads them.
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (lid < half) {
      let c = combine(maxes[lid], sums[lid], maxes[lid + half], sums[lid + half]);
      maxes[lid] = c.x;
      sums[lid] = c.y;
    }
    // The next step reads pairs this step just merged.
    workgroupBarrier();
  }
  let rowMax = maxes[0];
  let inv = 1.0 / sums[0];
  for (var i = lid; i < n; i += WG) { out[base + i] = exp(x[base + i] - rowMax) * inv; }
}`;
}
