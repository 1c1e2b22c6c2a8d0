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

/** Walk every (batch, output pixel, column) with the image offset it reads, or −1 for padding. */
function walk(g: ConvGeom, visit: (col: number, img: number) => void): void {
  const [ho, wo] = outSize(g);
  const k = g.c * g.kh * g.kw;
  for (let b = 0; b < g.b; b++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        const row = (b * ho * wo + oy * wo + ox) * k;
        let j = 0;
        for (let c = 0; c < g.c; c++) {
          for (let ky = 0; ky < g.kh; ky++) {
            const y = oy * g.stride - g.pad + ky;
            for (let kx = 0; kx < g.kw; kx++, j++) {
              const x = ox * g.stride - g.pad + kx;
              const inside = y >= 0 && y < g.h && x >= 0 && x < g.w;
              visit(row + j, inside ? ((b * g.c + c) * g.h + y) * g.w + x : -1);
            }
          }
        }
      }
    }
  }
}

/** cols (B, Ho·Wo, C·kh·kw) ← image (B, C, H, W). */
export function im2col(img: AnyTypedArray, g: ConvGeom, cols: AnyTypedArray): void {
  walk(g, (col, i) => { cols[col] = i < 0 ? 0 : img[i]; });
}

/** image (B, C, H, W) ← Σ of cols (B, Ho·Wo, C·kh·kw) over the windows each pixel is in. */
export function col2im(cols: AnyTypedArray, g: ConvGeom, img: AnyTypedArray): void {
  img.fill(0);
  walk(g, (col, i) => { if (i >= 0) img[i] += cols[col]; });
}
