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
 * The one loop behind both kernels: for every window (batch, output pixel,
 * channel) and every kernel tap, column j of cols meets image pixel (y, x) —
 * or the padding, when (y, x) falls outside. `toCols` picks the direction:
 * copy the pixel into the column (im2col), or add the column into the pixel
 * (col2im, its transpose).
 */
function windows(g: ConvGeom, img: AnyTypedArray, cols: AnyTypedArray, toCols: boolean): void {
  const { kh, kw, stride, pad, h, w } = g;
  const [ho, wo] = outSize(g);
  let j = 0; // cols is walked in order: (B, Ho·Wo, C·kh·kw) row-major
  for (let b = 0; b < g.b; b++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        for (let c = 0; c < g.c; c++) {
          const base = (b * g.c + c) * h * w;
          for (let ky = 0; ky < kh; ky++) {
            const y = oy * stride - pad + ky;
            const inRow = y >= 0 && y < h;
            for (let kx = 0; kx < kw; kx++, j++) {
              const x = ox * stride - pad + kx;
              const inside = inRow && x >= 0 && x < w;
              if (toCols) cols[j] = inside ? img[base + y * w + x] : 0;
              else if (inside) img[base + y * w + x] += cols[j];
            }
          }
        }
      }
    }
  }
}

/** cols (B, Ho·Wo, C·kh·kw) ← image (B, C, H, W); zeros where the window hangs over the padding. */
export function im2col(img: AnyTypedArray, g: ConvGeom, cols: AnyTypedArray): void {
  windows(g, img, cols, true);
}

/** image (B, C, H, W) ← Σ of cols (B, Ho·Wo, C·kh·kw) over the windows each pixel is in. */
export function col2im(cols: AnyTypedArray, g: ConvGeom, img: AnyTypedArray): void {
  img.fill(0);
  windows(g, img, cols, false);
}
