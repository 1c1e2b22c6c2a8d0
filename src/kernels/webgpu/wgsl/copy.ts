/**
 * The one movement kernel: transpose, broadcast, slice and pad are all
 * "out[o] = in[base + Σ (c_d − lo_d)·stride_d]" for the output coordinates c,
 * or 0 where some c_d falls outside [lo_d, hi_d).
 *   transpose: strides permuted;  broadcast: stride 0 on stretched axes;
 *   slice: base = the offset of `begin`;  pad: lo = before, hi = before + size.
 * Movement never does arithmetic, so elements are copied as raw u32 bits and
 * one pipeline serves float32 and int32 (a zero word is 0.0 and 0 alike).
 * The rank is compiled in and the axis loop unrolled (see `unravel`); only
 * pad needs the bounds test, so it is compiled in only for pad.
 */
import { GROUP_INDEX, paramsDecl } from './common.js';

/** Parameter words: [n, rank, outShape[rank], stride[rank], lo[rank], hi[rank], base]. */
export function copyWgsl(rank: number, bounded: boolean): string {
  const axes: string[] = [];
  for (let d = rank - 1; d >= 0; d--) {
    axes.push(`  let c${d} = rem % p(${2 + d}u);`);
    if (d > 0) axes.push(`  rem = rem / p(${2 + d}u);`);
    if (bounded) axes.push(`  inside = inside && c${d} >= p(${2 + 2 * rank + d}u) && c${d} < p(${2 + 3 * rank + d}u);`);
    axes.push(`  off += (c${d} - p(${2 + 2 * rank + d}u)) * p(${2 + rank + d}u);`);
  }
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
  var rem = o;
  var off = p(${2 + 4 * rank}u);
  var inside = true;
${axes.join('\n')}
  // Reading only when inside keeps padded positions from touching memory past the input.
  var v = 0u;
  if (inside) { v = src[off]; }
  out[o] = v;
}`;
}
