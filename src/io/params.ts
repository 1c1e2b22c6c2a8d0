/**
 * Loading saved weights into a model's parameter record, checked against the
 * model: every name, shape and dtype kind must match, and all problems are
 * reported together, each misspelled name with the close names it may mean.
 */
import { type Tensor, fromArray } from '../tensor/index.js';
import { READ_AS } from './dtypes.js';
import { readBytes } from './files.js';
import { type HostTensor, decodeHost } from './safetensors.js';

export interface LoadParamsOptions {
  /**
   * true (default): an entry of the file that the model lacks is an error.
   * false: such entries are ignored (a file holding more than the weights).
   * Missing parameters are an error either way: a half-loaded model would
   * silently keep its initial values.
   */
  strict?: boolean;
}

/**
 * Load a safetensors file (a path, read with node:fs, or its bytes) into
 * tensors shaped like `expected` (a model's `params`), cast to each expected
 * tensor's dtype. Float weights may be stored as F16/BF16/F32/F64; an int32
 * parameter must be stored as I32. Throws one error listing every mismatch.
 */
export async function loadParams(source: string | Uint8Array, expected: Record<string, Tensor>, opts: LoadParamsOptions = {}): Promise<Record<string, Tensor>> {
  const bytes = typeof source === 'string' ? await readBytes(source) : source;
  const { tensors: file } = decodeHost(bytes);
  const problems = matchParams(file, expected, opts.strict ?? true);
  if (problems.length > 0) {
    const from = typeof source === 'string' ? ` from ${source}` : '';
    throw new Error(`loadParams${from}: ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n  ${problems.join('\n  ')}`);
  }
  const out: Record<string, Tensor> = {};
  for (const [name, want] of Object.entries(expected)) out[name] = fromArray(file[name].data, want.shape, want.dtype, want.backend);
  return out;
}

/** Every way `file` fails to fit `expected`, one line each. */
function matchParams(file: Record<string, HostTensor>, expected: Record<string, Tensor>, strict: boolean): string[] {
  const missing = Object.keys(expected).filter((k) => !(k in file));
  const extra = Object.keys(file).filter((k) => !(k in expected));
  const problems: string[] = [];
  for (const k of missing) problems.push(`missing ${k}${hint(k, extra)}`);
  if (strict) for (const k of extra) problems.push(`unexpected ${k} (not a parameter of the model)${hint(k, missing)}`);
  for (const [name, want] of Object.entries(expected)) {
    const got = file[name];
    if (!got) continue;
    if (got.shape.length !== want.shape.length || got.shape.some((d, i) => d !== want.shape[i])) {
      problems.push(`${name}: shape (${got.shape.join(', ')}) in the file, the model has (${want.shape.join(', ')})`);
    }
    const gotInt = READ_AS[got.stored] === 'int32';
    if (gotInt !== (want.dtype === 'int32')) problems.push(`${name}: stored as ${got.stored}, the model's parameter is ${want.dtype}`);
  }
  return problems;
}

/** ", did you mean a or b?" for the names of `pool` within a few edits of `name`. */
function hint(name: string, pool: string[]): string {
  const limit = Math.max(2, Math.floor(name.length / 4));
  const close = pool.map((p) => ({ p, d: editDistance(name, p) })).filter((c) => c.d <= limit)
    .sort((a, b) => a.d - b.d).slice(0, 3).map((c) => c.p);
  return close.length ? ` (did you mean ${close.join(' or ')}?)` : '';
}

/** Levenshtein distance (insertions, deletions, substitutions), one row at a time. */
export function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}
