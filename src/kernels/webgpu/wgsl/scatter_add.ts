/**
 * Scatter-add, the transpose of gather: out (rows, F)[r] = Σ_{i: index[i] = r} src (I, F)[i].
 *
 * Deterministic by construction: each invocation owns one output element and
 * loops over all I indices in order, adding the rows that land on it. No
 * atomics, so no float CAS loop and no run-to-run change in rounding; the
 * summation order is the CPU's, so results match it bit for bit. The price is
 * rows·F·I work instead of I·F: fine for the vocabularies here (65 characters),
 * not for a 50k-token vocabulary, where a sort-then-segment-sum would be needed.
 */
import { type GpuDType, GROUP_INDEX, paramsDecl, scalarOf } from './common.js';

/** Parameter words: [rows·F, F, I]. */
export function scatterAddWgsl(dtype: GpuDType): string {
  const t = scalarOf(dtype);
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> src: array<${t}>;
@group(0) @binding(1) var<storage, read> index: array<i32>;
@group(0) @binding(2) var<storage, read_write> out: array<${t}>;
${paramsDecl(3)}
override WG: u32 = 256;
${GROUP_INDEX}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = groupIndex(wid, nwg) * WG + lid;
  if (o >= p(0u)) { return; }
  let f = p(1u);
  let r = i32(o / f);
  let j = o % f;
  var acc = ${t}(0);
  for (var i = 0u; i < p(2u); i++) {
    if (index[i] == r) { acc += src[i * f + j]; }
  }
  out[o] = acc;
}`;
}
