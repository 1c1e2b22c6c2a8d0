/**
 * im2col: cols (B, Ho·Wo, C·kh·kw) ← image (B, C, H, W), one invocation per
 * column element; it decodes (b, output pixel, c, ky, kx) and reads the pixel
 * under that kernel tap, or 0 in the padding. Raw u32 bits (dtype-agnostic).
 */
import { GROUP_INDEX, paramsDecl } from './common.js';

/** Parameter words: [n, C, H, W, kh, kw, stride, pad, Ho, Wo]. */
export function im2colWgsl(): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> img: array<u32>;
@group(0) @binding(1) var<storage, read_write> cols: array<u32>;
${paramsDecl(2)}
override WG: u32 = 256;
${GROUP_INDEX}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = groupIndex(wid, nwg) * WG + lid;
  if (o >= p(0u)) { return; }
  let c = p(1u); let h = p(2u); let w = p(3u); let kh = p(4u); let kw = p(5u);
  let stride = p(6u); let pad = i32(p(7u)); let ho = p(8u); let wo = p(9u);
  let k = c * kh * kw;
  let j = o % k;                 // column: (channel, ky, kx)
  let pix = (o / k) % (ho * wo); // output pixel
  let b = o / (k * ho * wo);
  let kx = j % kw;
  let ky = (j / kw) % kh;
  let ch = j / (kw * kh);
  let y = i32((pix / wo) * stride + ky) - pad;
  let x = i32((pix % wo) * stride + kx) - pad;
  var v = 0u;
  if (y >= 0 && y < i32(h) && x >= 0 && x < i32(w)) {
    v = img[((b * c + ch) * h + u32(y)) * w + u32(x)];
  }
  cols[o] = v;
}`;
}
