/**
 * safetensors files on disk. node:fs is imported when a function runs, not
 * when this module loads, so the rest of src/io stays usable in a browser.
 */
import type { Backend, DType, Tensor } from '../tensor/index.js';
import { type Decoded, decodeSafetensors, encodeSafetensors } from './safetensors.js';

/** The bytes of the file at `path` (a node Buffer, which is a Uint8Array: no copy). */
export async function readBytes(path: string): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  return readFile(path);
}

/** Write `tensors` and string `metadata` to `path` as a safetensors file. */
export async function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Promise<void> {
  const bytes = await encodeSafetensors(tensors, metadata);
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path, bytes);
}

/** Read the safetensors file at `path` (see decodeSafetensors for the options). */
export async function loadSafetensors(path: string, opts: { backend?: Backend; dtype?: Exclude<DType, 'int32'> } = {}): Promise<Decoded> {
  const bytes = await readBytes(path);
  try {
    return decodeSafetensors(bytes, opts);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}
