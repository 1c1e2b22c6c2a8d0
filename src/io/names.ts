/**
 * Renaming parameters between heterograd's names and those of the PyTorch
 * modules its models mirror (docs/weights.md explains each map). A map is a
 * table of name-prefix pairs; `{i}` stands for a layer index and `{2i}` for
 * twice it (nn.Sequential also counts the parameterless activations). Shapes
 * are not touched: where a layout differs (HF GPT-2's Conv1D, timm's conv
 * patch embedding) the docs say which tensors to transpose or reshape.
 */

/** [heterograd prefix, PyTorch prefix] pairs, each ending with '.'; the rest of a name is carried over. */
export type NameMap = readonly (readonly [heterograd: string, torch: string])[];

/** The tiny/small/paper MLP as `nn.Sequential(Linear, ReLU, Linear, …)`: layers.1.weight ↔ 2.weight. */
export const MLP_SEQUENTIAL: NameMap = [['layers.{i}.', '{2i}.']];

/** The GPT model as karpathy/nanoGPT's `GPT` (also the names of HF's GPT2LMHeadModel, whose Linear weights are transposed). */
export const NANOGPT: NameMap = [
  ['wte.', 'transformer.wte.'],
  ['wpe.', 'transformer.wpe.'],
  ['blocks.{i}.norm1.', 'transformer.h.{i}.ln_1.'],
  ['blocks.{i}.attn.qkv.', 'transformer.h.{i}.attn.c_attn.'],
  ['blocks.{i}.attn.proj.', 'transformer.h.{i}.attn.c_proj.'],
  ['blocks.{i}.norm2.', 'transformer.h.{i}.ln_2.'],
  ['blocks.{i}.mlp.fc1.', 'transformer.h.{i}.mlp.c_fc.'],
  ['blocks.{i}.mlp.fc2.', 'transformer.h.{i}.mlp.c_proj.'],
  ['ln_f.', 'transformer.ln_f.'],
  ['lm_head.', 'lm_head.'],
];

interface Side { re: RegExp; pattern: string; twice: boolean }

function side(pattern: string): Side {
  if (!pattern.endsWith('.')) throw new Error(`renameParams: prefix ${JSON.stringify(pattern)} must end with '.'`);
  const escaped = pattern.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{2?i\}/, '(\\d+)');
  return { re: new RegExp(`^${escaped}`), pattern, twice: pattern.includes('{2i}') };
}

/** `name` under `from`'s prefix rewritten to `to`'s, or null when it does not match. */
function rewrite(name: string, from: Side, to: Side): string | null {
  const m = from.re.exec(name);
  if (!m) return null;
  let i = m[1] === undefined ? 0 : Number(m[1]);
  if (from.twice) {
    if (i % 2) return null; // odd entries of a Sequential are activations, which hold no parameters
    i /= 2;
  }
  const prefix = to.pattern.replace('{2i}', String(2 * i)).replace('{i}', String(i));
  return prefix + name.slice(m[0].length);
}

/**
 * Rename `params` with `map`, heterograd → PyTorch (`toTorch`, the default) or
 * back. A name no pair matches is an error listing every such name, unless
 * `keepUnmatched`; two names landing on one is an error naming both.
 */
export function renameParams<T>(params: Record<string, T>, map: NameMap, opts: { direction?: 'toTorch' | 'fromTorch'; keepUnmatched?: boolean } = {}): Record<string, T> {
  const fromTorch = opts.direction === 'fromTorch';
  const rules = map.map(([h, t]) => (fromTorch ? [side(t), side(h)] : [side(h), side(t)]));
  const out: Record<string, T> = {};
  const source: Record<string, string> = {};
  const unmatched: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    let target: string | null = null;
    for (const [from, to] of rules) if ((target = rewrite(name, from, to)) !== null) break;
    if (target === null) {
      if (!opts.keepUnmatched) { unmatched.push(name); continue; }
      target = name;
    }
    if (target in source) throw new Error(`renameParams: ${source[target]} and ${name} both become ${target}`);
    source[target] = name;
    out[target] = value;
  }
  if (unmatched.length) throw new Error(`renameParams: no rule for ${unmatched.join(', ')}`);
  return out;
}
