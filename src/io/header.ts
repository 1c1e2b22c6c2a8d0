/**
 * The safetensors header: reading and checking it, and writing it.
 *
 * Layout: 8 bytes, a little-endian u64 N; N bytes of UTF-8 JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {str: str}}`;
 * then the data buffer, which the offsets index from its first byte. The
 * tensors must tile the buffer exactly: sorted by offset they start at 0, each
 * begins where the previous ended, and the last ends at the end of the file.
 * Every check here throws naming the tensor and the problem, before any data
 * is read.
 */
import { BYTES, type StDtype, parseDtype } from './dtypes.js';

/** One tensor's header entry; begin and end are byte offsets into the data buffer. */
export interface Entry {
  name: string;
  dtype: StDtype;
  shape: number[];
  begin: number;
  end: number;
}

export interface Header {
  entries: Entry[];
  metadata: Record<string, string>;
  /** Where the data buffer starts in the file: 8 + N. */
  dataStart: number;
}

/** The reference implementation refuses headers above 100 MB; so do we, before decoding them. */
export const MAX_HEADER_BYTES = 100_000_000;
const METADATA = '__metadata__';
const FIELDS = ['dtype', 'shape', 'data_offsets'];

const fail = (msg: string): never => { throw new Error(`safetensors: ${msg}`); };

/** Read and check the header of a whole file `bytes`. */
export function readHeader(bytes: Uint8Array): Header {
  if (bytes.length < 8) fail(`truncated file: ${bytes.length} bytes, fewer than the 8-byte header length`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) fail(`oversized header: ${n} bytes, above the ${MAX_HEADER_BYTES}-byte limit`);
  const dataStart = 8 + Number(n);
  if (dataStart > bytes.length) fail(`header length ${n} runs past the end of the file (${bytes.length - 8} bytes follow the length)`);

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart));
  } catch {
    return fail('header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail(`header must be a JSON object starting with '{', got ${JSON.stringify(text.slice(0, 20))}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(`header is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('header must be a JSON object');
  rejectDuplicateKeys(text);

  const record = json as Record<string, unknown>;
  const metadata = readMetadata(record[METADATA]);
  const entries = Object.keys(record).filter((k) => k !== METADATA).map((name) => readEntry(name, record[name]));
  checkTiling(entries, bytes.length - dataStart);
  return { entries, metadata, dataStart };
}

function readMetadata(m: unknown): Record<string, string> {
  if (m === undefined) return {};
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return fail(`${METADATA} must be an object of strings, got ${JSON.stringify(m)}`);
  for (const [k, v] of Object.entries(m)) {
    if (typeof v !== 'string') fail(`${METADATA} value for ${JSON.stringify(k)} must be a string, got ${JSON.stringify(v)}`);
  }
  return { ...(m as Record<string, string>) };
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

function readEntry(name: string, v: unknown): Entry {
  const where = `tensor ${JSON.stringify(name)}`;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(`${where}: entry must be an object, got ${JSON.stringify(v)}`);
  const e = v as Record<string, unknown>;
  for (const k of FIELDS) if (!(k in e)) fail(`${where}: missing field ${k}`);
  for (const k of Object.keys(e)) if (!FIELDS.includes(k)) fail(`${where}: unexpected field ${JSON.stringify(k)}`);
  const dtype = parseDtype(e.dtype, where);
  const { shape, data_offsets: off } = e;
  if (!Array.isArray(shape) || !shape.every(isCount)) return fail(`${where}: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  if (!Array.isArray(off) || off.length !== 2 || !off.every(isCount)) {
    return fail(`${where}: data_offsets must be [begin, end] with non-negative integers, got ${JSON.stringify(off)}`);
  }
  const [begin, end] = off as number[];
  if (end < begin) fail(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  const size = shape.reduce((a: number, b: number) => a * b, 1);
  if (!Number.isSafeInteger(size * BYTES[dtype])) fail(`${where}: shape ${JSON.stringify(shape)} is too large`);
  if (size * BYTES[dtype] !== end - begin) {
    fail(`${where}: shape ${JSON.stringify(shape)} of ${dtype} needs ${size * BYTES[dtype]} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/** The entries, sorted by offset, must cover [0, bufferLength) with no gap and no overlap. */
function checkTiling(entries: Entry[], bufferLength: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let prev = 'the start of the data buffer';
  for (const e of sorted) {
    const range = `tensor ${JSON.stringify(e.name)} data_offsets [${e.begin}, ${e.end}]`;
    if (e.begin < at) fail(`${range} overlap ${prev}, which ends at ${at}`);
    if (e.begin > at) fail(`${range} leave a gap of ${e.begin - at} bytes after ${prev}, which ends at ${at}`);
    at = e.end;
    prev = `tensor ${JSON.stringify(e.name)}`;
  }
  if (at > bufferLength) fail(`truncated file: ${prev} ends at byte ${at} of the data buffer, which holds ${bufferLength} bytes`);
  if (at < bufferLength) fail(`${bufferLength - at} bytes after ${prev} belong to no tensor (the data buffer holds ${bufferLength} bytes)`);
}

/**
 * JSON.parse keeps the last of two equal keys silently, so a second tensor of
 * the same name would vanish. This scan of the (already valid) JSON text
 * tracks the keys of every open object and throws on a repeat.
 */
function rejectDuplicateKeys(text: string): void {
  const keys: (Set<string> | null)[] = []; // one per open object; null for arrays
  const names: string[] = []; // the key each open value sits under, for the message
  let expectKey = false;
  let lastKey = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{' || c === '[') {
      keys.push(c === '{' ? new Set() : null);
      names.push(lastKey);
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      keys.pop();
      names.pop();
      expectKey = false;
    } else if (c === ',') {
      expectKey = keys[keys.length - 1] !== null;
    } else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        const seen = keys[keys.length - 1]!;
        if (seen.has(key)) {
          fail(keys.length === 1 ? `duplicate tensor name ${JSON.stringify(key)}` : `duplicate key ${JSON.stringify(key)} in ${JSON.stringify(names[names.length - 1])}`);
        }
        seen.add(key);
        lastKey = key;
        expectKey = false;
      }
      i = j;
    }
  }
}

/** A header entry to write: its dtype, shape, and the byte length of its data. */
export interface WriteEntry {
  name: string;
  dtype: StDtype;
  shape: readonly number[];
  byteLength: number;
}

/**
 * The 8-byte length and the header JSON for `entries`, laid out in the given
 * order, padded with spaces so the data buffer starts at a multiple of 8.
 * Written by hand: a JS object would move integer-like names ("0") first.
 */
export function writeHeader(entries: WriteEntry[], metadata: Record<string, string>): Uint8Array {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') fail(`metadata value for ${JSON.stringify(k)} must be a string, got ${JSON.stringify(v)}`);
  }
  if (Object.keys(metadata).length > 0) parts.push(`${JSON.stringify(METADATA)}:${JSON.stringify(metadata)}`);
  let at = 0;
  for (const e of entries) {
    if (e.name === METADATA) fail(`a tensor cannot be named ${METADATA}`);
    parts.push(`${JSON.stringify(e.name)}:{"dtype":"${e.dtype}","shape":${JSON.stringify(e.shape)},"data_offsets":[${at},${at + e.byteLength}]}`);
    at += e.byteLength;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const n = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + n).fill(0x20); // spaces pad the JSON
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  out.set(json, 8);
  return out;
}
