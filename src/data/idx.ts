/**
 * The IDX format of the original MNIST files (yann.lecun.com/exdb/mnist):
 * a big-endian header — two zero bytes, a type code (0x08 = unsigned byte),
 * the number of dimensions — then one int32 per dimension, then the data.
 * Gzipped files (the usual download, `*.gz`) are inflated transparently.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** A decoded IDX array of unsigned bytes. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Parses an IDX file of unsigned bytes; `path` only names it in errors. */
export function parseIdx(buf: Uint8Array, path: string): IdxArray {
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
      throw new Error(`${path}: corrupt gzip data (${(e as Error).message})`);
    }
  }
  if (buf.length < 4) throw new Error(`${path}: file too short for an IDX header (${buf.length} bytes)`);
  if (buf[0] !== 0 || buf[1] !== 0) {
    const magic = [...buf.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join('');
    throw new Error(`${path}: not an IDX file (magic 0x${magic}; expected 0x0000 followed by type and rank)`);
  }
  if (buf[2] !== 0x08) throw new Error(`${path}: IDX type code 0x${buf[2].toString(16)} is not 0x08 (unsigned byte)`);
  const rank = buf[3];
  const headerBytes = 4 + 4 * rank;
  if (rank === 0 || buf.length < headerBytes) {
    throw new Error(`${path}: truncated IDX header (rank ${rank} needs ${headerBytes} bytes, file has ${buf.length})`);
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((a, d) => a * d, 1);
  if (buf.length - headerBytes !== size) {
    throw new Error(
      `${path}: header says ${dims.join('×')} = ${size} bytes of data, but the file has ${buf.length - headerBytes}` +
        (buf.length - headerBytes < size ? ' (truncated?)' : ' (trailing bytes?)'),
    );
  }
  return { dims, data: buf.subarray(headerBytes, headerBytes + size) };
}

/** Reads and parses an IDX file, naming the path in every error. */
export function readIdx(path: string): IdxArray {
  if (!existsSync(path)) throw new Error(`${path}: file not found`);
  if (!statSync(path).isFile()) throw new Error(`${path}: not a regular file`);
  return parseIdx(readFileSync(path), path);
}

/** File names the MNIST distributions use for one split ('train' or 't10k'). */
function candidates(split: string, kind: 'images' | 'labels'): string[] {
  const rank = kind === 'images' ? 3 : 1;
  const bases = [`${split}-${kind}-idx${rank}-ubyte`, `${split}-${kind}.idx${rank}-ubyte`];
  return bases.flatMap((b) => [b, `${b}.gz`]);
}

/** The images and labels files of `split` in directory `dir`, or an error listing what was looked for. */
export function findIdxPair(dir: string, split = 'train'): { images: string; labels: string } {
  if (!existsSync(dir)) throw new Error(`${dir}: directory not found`);
  const find = (kind: 'images' | 'labels'): string => {
    const names = candidates(split, kind);
    const hit = names.map((n) => join(dir, n)).find((p) => existsSync(p));
    if (!hit) throw new Error(`${dir}: no MNIST ${kind} file for split '${split}' (looked for ${names.join(', ')})`);
    return hit;
  };
  return { images: find('images'), labels: find('labels') };
}
