/**
 * im2col and col2im: convolution as a matmul.
 *
 * im2col copies every (C, kh, kw) receptive field of a (B, C, H, W) image into
 * one row of a (B, Ho·Wo, C·kh·kw) matrix (zeros where the window hangs over
 * the padding); conv2d is then that matrix times the (Cout, C·kh·kw) filters.
 * col2im is its exact transpose: it adds each row back into the image positions
 * it came from, which is what the gradient of im2col needs.
 */
import type { AnyTypedArray } from '../../tensor/dtype.js';

export interface ConvGeom { b: number; c: number; h: number; w: number; kh: number; kw: number; stride: number; pad: number }

export function outSize(g: ConvGeom): [number, number] {
  return [Math.floor((g.h + 2 * g.pad - g.kh) / g.stride) + 1, Math.floor((g.w + 2 * g.pad - g.kw) / g.stride) + 1];
}

/**
 * Visit every (row of cols, image channel) pair: `row` is the first column of
 * the window at output pixel (oy, ox), `img` the start of channel c of image b.
 * The two kernels below differ only in the direction of the copy.
 */
function forEachWindow(g: ConvGeom, visit: (row: number, img: number, oy: number, ox: number) => void): void {
  const [ho, wo] = outSize(g);
  const k = g.c * g.kh * g.kw;
  for (let b = 0; b < g.b; b++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        const row = (b * ho * wo + oy * wo + ox) * k;
        for (let c = 0; c < g.c; c++) visit(row + c * g.kh * g.kw, (b * g.c + c) * g.h * g.w, oy, ox);
      }
    }
  }
}

/** cols (B, Ho·Wo, C·kh·kw) ← image (B, C, H, W); zeros where the window hangs over the padding. */
export function im2col(img: AnyTypedArray, g: ConvGeom, cols: AnyTypedArray): void {
  const { kh, kw, stride, pad, h, w } = g;
  forEachWindow(g, (row, base, oy, ox) => {
    let j = row;
    for (let ky = 0; ky < kh; ky++) {
      const y = oy * stride - pad + ky;
      const inRow = y >= 0 && y < h;
      for (let kx = 0; kx < kw; kx++, j++) {
        const x = ox * stride - pad + kx;
        cols[j] = inRow && x >= 0 && x < w ? img[base + y * w + x] : 0;
      }
    }
  });
}

/** image (B, C, H, W) ← Σ of cols (B, Ho·Wo, C·kh·kw) over the windows each pixel is in. */
export function col2im(cols: AnyTypedArray, g: ConvGeom, img: AnyTypedArray): void {
  img.fill(0);
  const { kh, kw, stride, pad, h, w } = g;
  forEachWindow(g, (row, base, oy, ox) => {
    let j = row;
    for (let ky = 0; ky < kh; ky++) {
      const y = oy * stride - pad + ky;
      const inRow = y >= 0 && y < h;
      for (let kx = 0; kx < kw; kx++, j++) {
        const x = ox * stride - pad + kx;
        if (inRow && x >= 0 && x < w) img[base + y * w + x] += cols[j];
      }
    }
  });
}
