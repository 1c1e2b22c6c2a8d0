/**
 * Choosing Hessian blocks by parameter name, for models outside the zoo:
 * `blocksByPattern(params, ['**.weight'])` measures every weight matrix,
 * `{ match: '**.qkv.weight', split: ['q', 'k', 'v'] }` splits a fused weight
 * into row ranges (BlockSpec.rows), as the zoo does for attention.
 */
import type { Tensor } from '../tensor/index.js';
import type { BlockSpec } from './blocks.js';

/**
 * Which parameters a rule takes: a RegExp tested against the whole name
 * (unanchored, as `RegExp.test` does), or a glob matched against the whole name,
 * where `*` is any run of characters within one dot-separated segment, `**` any
 * run across segments (`**.` may also match nothing), and `?` one character.
 */
export type BlockPattern = RegExp | string;

/** A pattern, optionally splitting each matched parameter by rows into equal parts. */
export interface BlockRule {
  match: BlockPattern;
  /** A part count, or one label per part (e.g. ['q', 'k', 'v']); blocks are named `${param}[${label}]` (labels 0, 1, … for a count). */
  split?: number | readonly string[];
}

/** A glob as an anchored RegExp (see {@link BlockPattern}). */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (glob.startsWith('**.', i)) { re += '(?:.*\\.)?'; i += 2; } // `**.weight` also matches a top-level `weight`
    else if (glob.startsWith('**', i)) { re += '.*'; i += 1; }
    else if (c === '*') re += '[^.]*';
    else if (c === '?') re += '[^.]';
    else re += c.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** A matcher for one pattern. A global or sticky RegExp is copied without those flags: `test` would otherwise remember `lastIndex` between names. */
function matcher(p: BlockPattern): (name: string) => boolean {
  if (typeof p === 'string') {
    const re = globToRegExp(p);
    return (name) => re.test(name);
  }
  if (!(p instanceof RegExp)) throw new Error(`blocksByPattern: a pattern must be a RegExp or a glob string, got ${String(p)}`);
  const re = new RegExp(p.source, p.flags.replace(/[gy]/g, ''));
  return (name) => re.test(name);
}

/** The row ranges of `split` parts of a parameter with `rows` rows, with their labels. */
function parts(param: string, shape: readonly number[], split: number | readonly string[]): { label: string; rows: [number, number] }[] {
  const labels = typeof split === 'number' ? Array.from({ length: split }, (_, i) => String(i)) : [...split];
  const n = labels.length;
  if (typeof split === 'number' && !(Number.isInteger(split) && split >= 1)) {
    throw new Error(`blocksByPattern: split of '${param}' must be a positive integer part count, got ${split}`);
  }
  if (n === 0) throw new Error(`blocksByPattern: split of '${param}' has no labels`);
  if (new Set(labels).size !== n) throw new Error(`blocksByPattern: split labels of '${param}' repeat: ${labels.join(', ')}`);
  if (shape.length === 0) throw new Error(`blocksByPattern: cannot split '${param}' by rows: it is a scalar`);
  const rows = shape[0];
  if (rows % n !== 0) throw new Error(`blocksByPattern: cannot split '${param}' with ${rows} rows into ${n} equal parts`);
  const r = rows / n;
  return labels.map((label, i) => ({ label, rows: [i * r, (i + 1) * r] as [number, number] }));
}

/**
 * Hessian blocks chosen by parameter name. Blocks come in the parameters' order;
 * a parameter matched by several rules belongs to the first. Every rule must
 * take at least one parameter: a pattern that matches nothing (or only names an
 * earlier rule took) is an error naming the pattern and the parameters there are.
 */
export function blocksByPattern(params: Record<string, Tensor>, rules: readonly (BlockPattern | BlockRule)[]): BlockSpec[] {
  if (rules.length === 0) throw new Error('blocksByPattern: no patterns given');
  const names = Object.keys(params);
  const compiled = rules.map((r) => {
    const rule: BlockRule = typeof r === 'string' || r instanceof RegExp ? { match: r } : r;
    return { rule, test: matcher(rule.match), taken: 0, matched: 0 };
  });
  const blocks: BlockSpec[] = [];
  for (const name of names) {
    let owner: (typeof compiled)[number] | undefined;
    for (const c of compiled) {
      if (!c.test(name)) continue;
      c.matched++;
      owner ??= c;
    }
    if (!owner) continue;
    owner.taken++;
    const { split } = owner.rule;
    if (split === undefined) blocks.push({ name, param: name });
    else for (const p of parts(name, params[name].shape, split)) blocks.push({ name: `${name}[${p.label}]`, param: name, rows: p.rows });
  }
  for (const c of compiled) {
    if (c.taken > 0) continue;
    const shown = String(c.rule.match);
    const why = c.matched === 0 ? 'matches no parameter' : 'matches only parameters an earlier pattern took';
    throw new Error(`blocksByPattern: pattern ${typeof c.rule.match === 'string' ? `'${shown}'` : shown} ${why} (have: ${names.join(', ') || 'none'})`);
  }
  return blocks;
}
