/**
 * The layout is a layering: each folder of src/ may import only the folders
 * listed for it below (lower layers never import higher ones), nothing in src/
 * imports the public face src/index.ts, and no file takes part in an import
 * circle. Read from the import statements themselves, so the layout stays true.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(__dirname, '../src');

/** Which folders each folder may import (besides itself), lowest layer first. */
const ALLOWED: Record<string, readonly string[]> = {
  util: [],
  tensor: ['util'],
  autodiff: ['tensor', 'util'],
  kernels: ['tensor', 'util'],
  analysis: ['util'],
  hessian: ['analysis', 'autodiff', 'tensor', 'util'],
  models: ['hessian', 'autodiff', 'tensor', 'util'],
  optim: ['hessian', 'autodiff', 'tensor', 'util'],
  data: ['tensor', 'util'],
  io: ['tensor', 'util'],
  report: ['util'],
  experiment: ['analysis', 'autodiff', 'data', 'hessian', 'io', 'kernels', 'models', 'optim', 'report', 'tensor', 'util'],
  cli: ['experiment', 'models', 'report', 'util'],
  web: ['analysis', 'autodiff', 'data', 'hessian', 'kernels', 'models', 'report', 'tensor', 'util', 'experiment'],
};

type Graph = Map<string, string[]>; // file (relative to src/) → files it imports

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports of every file, static and dynamic, resolved to files relative to src/. */
function importGraph(): Graph {
  const g: Graph = new Map();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) =>
      path.relative(SRC, path.resolve(path.dirname(file), m[1])).replace(/\.js$/, '.ts'));
    g.set(path.relative(SRC, file), targets);
  }
  return g;
}

const folderOf = (file: string): string => (file.includes(path.sep) ? file.split(path.sep)[0] : file);

/** Every import that crosses the layering the wrong way or reaches the public face. */
function crossings(g: Graph): string[] {
  const bad: string[] = [];
  for (const [from, targets] of g) {
    const a = folderOf(from);
    for (const to of targets) {
      const b = folderOf(to);
      if (to === 'index.ts') bad.push(`${from} imports the public src/index.ts`);
      else if (a !== b && a !== 'index.ts' && !(ALLOWED[a] ?? []).includes(b)) bad.push(`${from} → ${to} (${a} may import ${(ALLOWED[a] ?? []).join(', ') || 'nothing'})`);
    }
  }
  return bad;
}

/** One import circle per strongly connected component of more than one file (Tarjan). */
function circles(g: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('layering of src/', () => {
  const graph = importGraph();

  it('every folder of src/ has a place in the layering', () => {
    const folders = new Set([...graph.keys()].filter((f) => f.includes(path.sep)).map(folderOf));
    expect([...folders].filter((f) => !(f in ALLOWED))).toEqual([]);
  });

  it('imports run one way and never reach the public face', () => {
    expect(crossings(graph)).toEqual([]);
  });

  it('no file takes part in an import circle', () => {
    expect(circles(graph)).toEqual([]);
  });

  it('would catch each crossing the layout once had', () => {
    const withEdge = (from: string, to: string): Graph => new Map([...graph, [from, [...(graph.get(from) ?? []), to]]]);
    const was = [
      ['tensor/ops.ts', 'autodiff/bind.ts'], // tensor → autodiff
      ['analysis/blockwise.ts', 'autodiff/index.ts'], // analysis → autodiff
      ['analysis/blockwise.ts', 'tensor/index.ts'], // analysis → tensor
      ['optim/sgd.ts', 'index.ts'], // anything in src/ → the public face
      ['data/mnist.ts', 'index.ts'],
      ['models/init.ts', 'analysis/rng.ts'], // models → analysis (the RNG lived there)
    ];
    for (const [from, to] of was) expect(crossings(withEdge(from, to)).length, `${from} → ${to}`).toBeGreaterThan(0);
    // experiment/run.ts once imported a type from main.ts, which imports run.ts.
    expect(circles(withEdge('experiment/run.ts', 'experiment/main.ts')).length).toBeGreaterThan(0);
  });
});
