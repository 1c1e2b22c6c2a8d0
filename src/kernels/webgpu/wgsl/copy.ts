/**
 * The one movement kernel: transpose, broadcast, slice and pad are all
 * "out[o] = in[base + Σ (c_d − lo_d)·stride_d]" for the output coordinates c,
 * or 0 where some c_d falls outside [lo_d, hi_d).
 *   transpose: strides permuted;  broadcast: stride 0 on stretched axes;
 *   slice: base = the offset of `begin`;  pad: lo = before, hi = before + size.
 * Movement never does arithmetic, so elements are copied as raw u32 bits and
 * one pipeline serves float32 and int32 (a zero word is 0.0 and 0 alike).
 */
import { GROUP_INDEX, paramsDecl } from './common.js';

/** Parameter words: [n, rank, outShape[rank], stride[rank], lo[rank], hi[rank], base]. */
export function copyWgsl(): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
${paramsDecl(2)}
override WG: u32 = 256;
${GROUP_INDEX}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = groupIndex(wid, nwg) * WG + lid;
  if (o >= p(0u)) { return; }
  let rank = p(1u);
  var rem = o;
  var off = p(2u + 4u * rank);
  var inside = true;
  for (var d = rank; d > 0u; d--) {
    let ax = d - 1u;
    let size = p(2u + ax);
    let c = rem % size;
    rem = rem / size;
    let lo = p(2u + 2u * rank + ax);
    inside = inside && c >= lo && c < p(2u + 3u * rank + ax);
    off += (c - lo) * p(2u + rank + ax);
  }
  // Reading only when inside keeps padded positions from touching memory past the input.
  var v = 0u;
  if (inside) { v = src[off]; }
  out[o] = v;
}`;
}
