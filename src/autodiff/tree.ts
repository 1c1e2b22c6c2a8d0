/**
 * Parameter trees: a Tensor, an array of trees, or a record of named trees
 * (like PyTorch's `named_parameters`). Transformations flatten a tree to a
 * list of leaves, work on the list, and rebuild the same structure.
 */
import { fmt, sameShape } from '../tensor/shapes.js';
import { Tensor } from '../tensor/tensor.js';

export type Tree = Tensor | Tree[] | { [name: string]: Tree };

const isRecord = (p: unknown): p is Record<string, unknown> =>
  typeof p === 'object' && p !== null && !Array.isArray(p) && !(p instanceof Tensor);

/** What a misplaced value is, for error messages. */
function kindOf(p: unknown): string {
  if (p instanceof Tensor) return `a tensor of shape ${fmt(p.shape)}`;
  if (Array.isArray(p)) return `an array of ${p.length}`;
  if (p === null || p === undefined) return String(p);
  return typeof p === 'object' ? 'a record' : `a ${typeof p}`;
}

/**
 * Leaves in a fixed order (record keys in insertion order) and a function
 * rebuilding the structure. Anything else in the tree (a number, a string,
 * null) is an error naming its path: it would otherwise vanish from the
 * leaves and come back as an empty record.
 */
export function flatten<T extends Tree>(tree: T, who = 'tree'): { leaves: Tensor[]; unflatten: (leaves: Tensor[]) => T } {
  const leaves: Tensor[] = [];
  const walk = (t: Tree, path: string): void => {
    const sub = (k: string | number): string => (path ? `${path}.${k}` : String(k));
    if (t instanceof Tensor) leaves.push(t);
    else if (Array.isArray(t)) t.forEach((v, i) => walk(v, sub(i)));
    else if (isRecord(t)) Object.entries(t).forEach(([k, v]) => walk(v, sub(k)));
    else throw new Error(`${who}: ${path ? `'${path}'` : 'the root'} is ${kindOf(t)}, not a Tensor (trees hold tensors, arrays and records of them)`);
  };
  walk(tree, '');
  const unflatten = (xs: Tensor[]): T => {
    let i = 0;
    const build = (t: Tree): Tree => {
      if (t instanceof Tensor) return xs[i++];
      if (Array.isArray(t)) return t.map(build);
      return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, build(v)]));
    };
    return build(tree) as T;
  };
  return { leaves, unflatten };
}

/** Names of the leaves, dotted paths like `blocks.0.attn.weight` (a bare tensor is ''). */
export function leafNames(tree: Tree, prefix = ''): string[] {
  if (tree instanceof Tensor) return [prefix];
  const entries = Array.isArray(tree) ? tree.map((v, i) => [String(i), v] as const) : Object.entries(tree);
  return entries.flatMap(([k, v]) => leafNames(v, prefix ? `${prefix}.${k}` : k));
}

/** A partial tree of the same structure: a leaf may be missing (null = zero, no work). */
export type PartialTree<T extends Tree> = T extends Tensor
  ? Tensor | null
  : T extends Tree[]
    ? PartialTree<T[number]>[]
    : { [K in keyof T]?: T[K] extends Tree ? PartialTree<T[K]> : never };

/**
 * Leaves of a partial tree, aligned with `flatten(full).leaves`, with null for
 * missing ones. `part` must have `full`'s structure: a key or index that
 * matches no leaf, a record where a tensor is expected (or the reverse), or a
 * leaf of another shape or dtype is an error naming the leaf (`who` prefixes
 * the message), so a typo cannot turn a direction silently into zero.
 */
export function flattenPartial(full: Tree, part: unknown, who = 'tangent'): (Tensor | null)[] {
  const out: (Tensor | null)[] = [];
  const at = (path: string): string => (path ? `'${path}'` : 'the root');
  const walk = (f: Tree, p: unknown, path: string): void => {
    const sub = (k: string): string => (path ? `${path}.${k}` : k);
    if (p === undefined || p === null) {
      // A missing subtree is zero on every leaf under it.
      const { leaves } = flatten(f);
      leaves.forEach(() => out.push(null));
    } else if (f instanceof Tensor) {
      if (!(p instanceof Tensor)) throw new Error(`${who} at ${at(path)} must be a Tensor or null, got ${kindOf(p)}`);
      if (!sameShape(p.shape, f.shape)) {
        throw new Error(`${who} at ${at(path)} has shape ${fmt(p.shape)} but its parameter has shape ${fmt(f.shape)}`);
      }
      if (f.dtype === 'int32') throw new Error(`${who} at ${at(path)}: its parameter is int32, which has no tangent space (leave it out or null)`);
      if (p.dtype !== f.dtype) throw new Error(`${who} at ${at(path)} has dtype ${p.dtype} but its parameter has dtype ${f.dtype}`);
      out.push(p);
    } else if (Array.isArray(f)) {
      if (!Array.isArray(p)) throw new Error(`${who} at ${at(path)} must be an array of ${f.length} like its parameters, got ${kindOf(p)}`);
      if (p.length > f.length) throw new Error(`${who} at ${at(path)} has ${p.length} entries but the parameters have ${f.length}`);
      f.forEach((v, i) => walk(v, p[i], sub(String(i))));
    } else {
      if (!isRecord(p)) throw new Error(`${who} at ${at(path)} must be a record like its parameters, got ${kindOf(p)}`);
      const unknown = Object.keys(p).filter((k) => !Object.hasOwn(f, k));
      if (unknown.length > 0) {
        throw new Error(`${who} at ${at(path)} has key(s) ${unknown.map((k) => `'${k}'`).join(', ')} that match no parameter `
          + `(expected some of ${Object.keys(f).map((k) => `'${k}'`).join(', ')})`);
      }
      for (const [k, v] of Object.entries(f)) walk(v, p[k], sub(k));
    }
  };
  walk(full, part, '');
  return out;
}
