/**
 * col2im, the transpose of im2col: image (B, C, H, W) pixel = Σ of the
 * column entries that im2col copied it into.
 *
 * Written as a gather, not a scatter: each invocation owns one pixel and
 * visits the kernel taps (ky, kx) whose window covers it — output pixel
 * oy = (y + pad − ky)/stride when that divides evenly and lies in range. No
 * atomics; ky and kx run downward so the windows arrive in the CPU's order
 * (ascending oy, then ox), which makes the float sums match bit for bit.
 */
import { type GpuDType, GROUP_INDEX, paramsDecl, scalarOf } from './common.js';

/** Parameter words: [n, C, H, W, kh, kw, stride, pad, Ho, Wo]. */
export function col2imWgsl(dtype: GpuDType): string {
  const t = scalarOf(dtype);
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> cols: array<${t}>;
@group(0) @binding(1) var<storage, read_write> img: array<${t}>;
${paramsDecl(2)}
override WG: u32 = 256;
${GROUP_INDEX}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = groupIndex(wid, nwg) * WG + lid;
  if (o >= p(0u)) { return; }
  let c = p(1u); let h = p(2u); let w = p(3u); let kh = p(4u); let kw = p(5u);
  let stride = i32(p(6u)); let pad = i32(p(7u)); let ho = i32(p(8u)); let wo = i32(p(9u));
  let x = i32(o % w);
  let y = i32((o / w) % h);
  let ch = (o / (w * h)) % c;
  let b = o / (w * h * c);
  let k = c * kh * kw;
  var acc = ${t}(0);
  for (var ky = i32(kh) - 1; ky >= 0; ky--) {
    let ty = y + pad - ky;
    if (ty < 0 || ty % stride != 0 || ty / stride >= ho) { continue; }
    for (var kx = i32(kw) - 1; kx >= 0; kx--) {
      let tx = x + pad - kx;
      if (tx < 0 || tx % stride != 0 || tx / stride >= wo) { continue; }
      let row = (b * u32(ho) + u32(ty / stride)) * u32(wo) + u32(tx / stride);
      acc += cols[row * k + (ch * kh + u32(ky)) * kw + u32(kx)];
    }
  }
  img[o] = acc;
}`;
}
