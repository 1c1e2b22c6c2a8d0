/** Screenshot checks shared by the browser tests. */
import type { Page } from 'playwright-core';

/** A PNG's share of pixels that differ from its top-left pixel, decoded in the page itself (no PNG decoder here). */
export function inkedFraction(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const g = new OffscreenCanvas(img.width, img.height).getContext('2d')!;
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, img.width, img.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - d[0]) + Math.abs(d[i + 1] - d[1]) + Math.abs(d[i + 2] - d[2]) > 30) n++;
    return n / (d.length / 4);
  }, png.toString('base64'));
}
