/**
 * The safetensors codec on bytes in memory, without node imports so a browser
 * can use it (file helpers are in files.ts).
 *
 * Written: F32, F64 and I32 (heterograd's dtypes). Read: those, plus F16 and
 * BF16 widened exactly to float32 (an F16 NaN comes back as the canonical NaN;
 * every other value, -0 included, is kept). Malformed files are refused with
 * an error naming the problem (see header.ts); nothing is read past a check.
 */
import { type AnyTypedArray, type Tensor, fromArray } from '../tensor/index.js';
import type { Backend, DType } from '../tensor/index.js';
import { BYTES, READ_AS, type StDtype, fromBytes, toBytes, writeAs } from './dtypes.js';
import { type WriteEntry, readHeader, writeHeader } from './header.js';

/** A tensor's values on the host: row-major `data` of `shape`, and the dtype it was stored as. */
export interface HostTensor {
  shape: number[];
  data: AnyTypedArray;
  stored: StDtype;
}

/** The contents of a safetensors file with tensors kept on the host. */
export interface HostFile {
  tensors: Record<string, HostTensor>;
  metadata: Record<string, string>;
}

/** Parse and check a whole file's bytes; values stay on the host. */
export function decodeHost(bytes: Uint8Array): HostFile {
  const { entries, metadata, dataStart } = readHeader(bytes);
  const tensors: Record<string, HostTensor> = {};
  for (const e of entries) {
    const raw = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    tensors[e.name] = { shape: e.shape, data: fromBytes(raw, e.dtype), stored: e.dtype };
  }
  return { tensors, metadata };
}

/**
 * Serialize host arrays. Tensors are laid out widest element first, then by
 * name (as the reference writer does, so every tensor starts at a multiple of
 * its element size); the header is padded with spaces to 8-byte alignment.
 */
export function encodeHost(tensors: Record<string, { shape: readonly number[]; data: AnyTypedArray }>, metadata: Record<string, string> = {}): Uint8Array {
  const named = Object.entries(tensors).map(([name, t]) => {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (t.shape.some((d) => !Number.isSafeInteger(d) || d < 0) || n !== t.data.length) {
      throw new Error(`safetensors: tensor ${JSON.stringify(name)}: shape ${JSON.stringify(t.shape)} does not hold its ${t.data.length} values`);
    }
    return { name, t, dtype: writeAs(t.data) };
  });
  named.sort((a, b) => BYTES[b.dtype] - BYTES[a.dtype] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const entries: WriteEntry[] = named.map(({ name, t, dtype }) => ({ name, dtype, shape: t.shape, byteLength: t.data.byteLength }));
  const header = writeHeader(entries, metadata);
  const out = new Uint8Array(header.length + entries.reduce((a, e) => a + e.byteLength, 0));
  out.set(header, 0);
  let at = header.length;
  for (const { t } of named) {
    out.set(toBytes(t.data), at);
    at += t.data.byteLength;
  }
  return out;
}

/**
 * Serialize tensors (F32, F64 or I32 by their dtype) and optional string
 * metadata. Async because a GPU tensor's values are read back asynchronously.
 */
export async function encodeSafetensors(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Promise<Uint8Array> {
  const host: Record<string, { shape: readonly number[]; data: AnyTypedArray }> = {};
  for (const [name, t] of Object.entries(tensors)) host[name] = { shape: t.shape, data: await t.data() };
  return encodeHost(host, metadata);
}

/** The tensors and metadata of a safetensors file. */
export interface Decoded {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/**
 * Parse a file's bytes into tensors on `backend` (default: the current one).
 * F16/BF16 come back as float32; `dtype` casts every float tensor to it.
 */
export function decodeSafetensors(bytes: Uint8Array, opts: { backend?: Backend; dtype?: Exclude<DType, 'int32'> } = {}): Decoded {
  const { tensors: host, metadata } = decodeHost(bytes);
  const tensors: Record<string, Tensor> = {};
  for (const [name, h] of Object.entries(host)) {
    const dtype = READ_AS[h.stored] === 'int32' ? 'int32' : opts.dtype ?? READ_AS[h.stored];
    tensors[name] = fromArray(h.data, h.shape, dtype, opts.backend);
  }
  return { tensors, metadata };
}
