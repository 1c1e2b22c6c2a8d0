/** Row gather (embedding lookup) and its transpose, scatter-add (the embedding gradient). */
import type { AnyTypedArray } from '../../tensor/dtype.js';

/** out (I, F) = table (V, F)[index (I)], rows flattened: F = product of the trailing table dims. */
export function gather(table: AnyTypedArray, rows: number, index: Int32Array, out: AnyTypedArray): void {
  const f = rows === 0 ? 0 : table.length / rows;
  for (let i = 0; i < index.length; i++) {
    const r = index[i];
    if (!(r >= 0 && r < rows)) throw new Error(`gather: index ${r} at position ${i} is out of range for a table of ${rows} rows`);
    out.set(table.subarray(r * f, r * f + f), i * f);
  }
}

/** out (rows, F) = Σ over i of src (I, F)[i] added into row index[i]. */
export function scatterAdd(src: AnyTypedArray, index: Int32Array, rows: number, out: AnyTypedArray): void {
  out.fill(0);
  const f = index.length === 0 ? 0 : src.length / index.length;
  for (let i = 0; i < index.length; i++) {
    const r = index[i];
    if (!(r >= 0 && r < rows)) throw new Error(`scatterAdd: index ${r} at position ${i} is out of range for ${rows} rows`);
    for (let j = 0; j < f; j++) out[r * f + j] += src[i * f + j];
  }
}
