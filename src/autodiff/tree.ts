/**
 * Parameter trees: a Tensor, an array of trees, or a record of named trees
 * (like PyTorch's `named_parameters`). Transformations flatten a tree to a
 * list of leaves, work on the list, and rebuild the same structure.
 */
import { Tensor } from '../tensor/tensor.js';

export type Tree = Tensor | Tree[] | { [name: string]: Tree };

/** Leaves in a fixed order (record keys in insertion order) and a function rebuilding the structure. */
export function flatten<T extends Tree>(tree: T): { leaves: Tensor[]; unflatten: (leaves: Tensor[]) => T } {
  const leaves: Tensor[] = [];
  const walk = (t: Tree): void => {
    if (t instanceof Tensor) leaves.push(t);
    else if (Array.isArray(t)) t.forEach(walk);
    else Object.values(t).forEach(walk);
  };
  walk(tree);
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

/** Leaves of a partial tree, aligned with `flatten(full).leaves`, with null for missing ones. */
export function flattenPartial(full: Tree, part: unknown): (Tensor | null)[] {
  const out: (Tensor | null)[] = [];
  const walk = (f: Tree, p: unknown): void => {
    if (f instanceof Tensor) {
      out.push(p instanceof Tensor ? p : null);
    } else if (Array.isArray(f)) {
      f.forEach((v, i) => walk(v, Array.isArray(p) ? p[i] : undefined));
    } else {
      for (const [k, v] of Object.entries(f)) walk(v, p && typeof p === 'object' ? (p as Record<string, unknown>)[k] : undefined);
    }
  };
  walk(full, part);
  return out;
}
