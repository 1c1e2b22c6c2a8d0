// A tiny assembler from a subset of WebAssembly text (WAT) to a binary module,
// so the Wasm gemm ships as readable source rather than an opaque blob and
// needs no toolchain. It knows exactly what kernel.ts, binary-kernel.ts,
// unary-kernel.ts, reduce-kernel.ts and rows-kernel.ts use:
//
//   (module
//     (import "env" "memory" (memory MIN MAX shared))
//     (func $name (export "name") (param $x i32) (result v128) (local $y v128)
//       ...flat instructions: `local.get $x  v128.load offset=16  f32x4.add`...))
//
// Instructions are written flat (no folded `(f32x4.add (...) (...))` form);
// block, loop and if take an optional $label and no result; comments are `;;`.
// Spec: https://webassembly.github.io/spec/core/binary/ (section ids, LEB128,
// opcodes; SIMD opcodes sit behind the 0xfd prefix).

type Imm = 'none' | 'local' | 'label' | 'block' | 'call' | 'i32' | 'f64' | 'mem' | 'lane' | 'memlane' | 'v128';
/** Mnemonic → opcode bytes (before immediates), immediate kind, natural alignment (log2 bytes) of memory ops. */
const OPS: Record<string, [number[], Imm, number?]> = {
  'block': [[0x02], 'block'], 'loop': [[0x03], 'block'], 'if': [[0x04], 'block'],
  'else': [[0x05], 'none'], 'end': [[0x0b], 'none'],
  'br': [[0x0c], 'label'], 'br_if': [[0x0d], 'label'], 'return': [[0x0f], 'none'], 'call': [[0x10], 'call'],
  'drop': [[0x1a], 'none'], 'select': [[0x1b], 'none'],
  'local.get': [[0x20], 'local'], 'local.set': [[0x21], 'local'], 'local.tee': [[0x22], 'local'],
  'i32.load': [[0x28], 'mem', 2], 'f32.load': [[0x2a], 'mem', 2],
  'i32.store': [[0x36], 'mem', 2], 'f32.store': [[0x38], 'mem', 2],
  'i32.const': [[0x41], 'i32'],
  'i32.eqz': [[0x45], 'none'], 'i32.eq': [[0x46], 'none'], 'i32.ne': [[0x47], 'none'],
  'i32.lt_s': [[0x48], 'none'], 'i32.lt_u': [[0x49], 'none'], 'i32.gt_s': [[0x4a], 'none'], 'i32.gt_u': [[0x4b], 'none'],
  'i32.le_s': [[0x4c], 'none'], 'i32.le_u': [[0x4d], 'none'], 'i32.ge_s': [[0x4e], 'none'], 'i32.ge_u': [[0x4f], 'none'],
  'i32.add': [[0x6a], 'none'], 'i32.sub': [[0x6b], 'none'], 'i32.mul': [[0x6c], 'none'],
  'f32.add': [[0x92], 'none'], 'f32.sub': [[0x93], 'none'], 'f32.mul': [[0x94], 'none'], 'f32.div': [[0x95], 'none'],
  'i32.and': [[0x71], 'none'], 'i32.or': [[0x72], 'none'], 'i32.shl': [[0x74], 'none'], 'i32.shr_u': [[0x76], 'none'],
  'v128.load': [[0xfd, 0x00], 'mem', 4], 'v128.load32_splat': [[0xfd, 0x09], 'mem', 2],
  'v128.store': [[0xfd, 0x0b], 'mem', 4],
  'f32x4.splat': [[0xfd, 0x13], 'none'], 'f32x4.extract_lane': [[0xfd, 0x1f], 'lane'],
  'f32x4.add': [[0xfd, 0xe4, 0x01], 'none'], 'f32x4.sub': [[0xfd, 0xe5, 0x01], 'none'],
  'f32x4.mul': [[0xfd, 0xe6, 0x01], 'none'], 'f32x4.div': [[0xfd, 0xe7, 0x01], 'none'],
  // Relaxed SIMD: a·b + c, fused or not as the hardware prefers (one rounding with FMA).
  'f32x4.relaxed_madd': [[0xfd, 0x85, 0x02], 'none'],
  // For unary-kernel.ts: float32 pairs widened to float64 lanes and back, and the bit tricks of its exp.
  'v128.const': [[0xfd, 0x0c], 'v128'],
  'v128.load32_zero': [[0xfd, 0x5c], 'mem', 2], 'v128.load64_zero': [[0xfd, 0x5d], 'mem', 3],
  'v128.store32_lane': [[0xfd, 0x5a], 'memlane', 2], 'v128.store64_lane': [[0xfd, 0x5b], 'memlane', 3],
  'v128.and': [[0xfd, 0x4e], 'none'], 'v128.or': [[0xfd, 0x50], 'none'], 'v128.bitselect': [[0xfd, 0x52], 'none'],
  'f64x2.lt': [[0xfd, 0x49], 'none'],
  'f32x4.demote_f64x2_zero': [[0xfd, 0x5e], 'none'], 'f64x2.promote_low_f32x4': [[0xfd, 0x5f], 'none'],
  'i64x2.shl': [[0xfd, 0xcb, 0x01], 'none'], 'i64x2.add': [[0xfd, 0xce, 0x01], 'none'],
  'f64x2.abs': [[0xfd, 0xec, 0x01], 'none'], 'f64x2.add': [[0xfd, 0xf0, 0x01], 'none'],
  'f64x2.sub': [[0xfd, 0xf1, 0x01], 'none'], 'f64x2.mul': [[0xfd, 0xf2, 0x01], 'none'],
  'f64x2.div': [[0xfd, 0xf3, 0x01], 'none'],
  // Pseudo-min/max: pmin(a, b) = b < a ? b : a, one instruction on x64; with the variable as a, NaN passes through.
  'f64x2.pmin': [[0xfd, 0xf6, 0x01], 'none'], 'f64x2.pmax': [[0xfd, 0xf7, 0x01], 'none'],
  // Float64 accumulation for the float32 reductions (reduce-kernel.ts): promote, add in f64, round once.
  'f64.add': [[0xa0], 'none'], 'f64.promote_f32': [[0xbb], 'none'], 'f32.demote_f64': [[0xb6], 'none'],
  'f32.convert_i32_s': [[0xb2], 'none'],
  'i32x4.splat': [[0xfd, 0x11], 'none'], 'f64x2.extract_lane': [[0xfd, 0x21], 'lane'],
  // The float32 softmax and layernorm rows (rows-kernel.ts): float64 scalars, the max in f32x4 lanes (NaN never taken).
  'f64.const': [[0x44], 'f64'], 'f64.sub': [[0xa1], 'none'], 'f64.mul': [[0xa2], 'none'], 'f64.div': [[0xa3], 'none'],
  'f64.sqrt': [[0x9f], 'none'], 'f64.convert_i32_s': [[0xb7], 'none'], 'f32.gt': [[0x5e], 'none'], 'f32.reinterpret_i32': [[0xbe], 'none'],
  'f64x2.splat': [[0xfd, 0x14], 'none'],
  // greater, equal and where (binary-kernel.ts, where-kernel.ts) and softmax's max (rows-kernel.ts): comparisons giving all-ones lanes, or i32 0/1.
  'f32x4.eq': [[0xfd, 0x41], 'none'], 'f32x4.ne': [[0xfd, 0x42], 'none'], 'f32x4.gt': [[0xfd, 0x44], 'none'],
  'f32.eq': [[0x5b], 'none'],
};
const TYPES: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

type SExpr = string | SExpr[];

/** Assembles WAT text (the subset above) into a binary module; throws naming the offending token. */
export function assemble(wat: string): Uint8Array<ArrayBuffer> {
  const top = parse(wat);
  if (!Array.isArray(top) || top[0] !== 'module') throw new Error('wat: expected (module ...)');
  const items = top.slice(1) as SExpr[][];
  const funcs = items.filter((x) => x[0] === 'func');
  const funcIndex = new Map(funcs.map((f, i) => [name(f[1]), i]));
  const types: string[] = [];
  const typeOf = (params: number[], results: number[]): number => {
    const key = `${params}->${results}`;
    if (!types.includes(key)) types.push(key);
    return types.indexOf(key);
  };
  const imports: number[][] = [], exports: number[][] = [], funcTypes: number[] = [], bodies: number[][] = [];
  for (const it of items) {
    if (it[0] === 'import') imports.push(memoryImport(it));
    else if (it[0] !== 'func') throw new Error(`wat: unsupported module field (${String(it[0])})`);
  }
  funcs.forEach((f, fi) => {
    const fn = compileFunc(f, funcIndex);
    funcTypes.push(typeOf(fn.params, fn.results));
    if (fn.exportName !== null) exports.push([...str(fn.exportName), 0x00, ...uleb(fi)]);
    bodies.push(fn.body);
  });
  const typeSec = types.map((key) => {
    const [p, r] = key.split('->').map((s) => (s ? s.split(',').map(Number) : []));
    return [0x60, ...vec(p.map((t) => [t])), ...vec(r.map((t) => [t]))];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, typeSec), ...section(2, imports), ...section(3, funcTypes.map((t) => uleb(t))),
    ...section(7, exports), ...section(10, bodies.map((b) => [...uleb(b.length), ...b])),
  ]);
}

/** (import "env" "memory" (memory MIN MAX? shared?)) */
function memoryImport(it: SExpr[]): number[] {
  const [, mod, field, desc] = it;
  if (!Array.isArray(desc) || desc[0] !== 'memory') throw new Error('wat: only memory imports are supported');
  const nums = desc.filter((x) => typeof x === 'string' && /^\d+$/.test(x)).map(Number);
  const shared = desc.includes('shared');
  if (shared && nums.length < 2) throw new Error('wat: a shared memory needs a maximum');
  const flags = (nums.length > 1 ? 1 : 0) | (shared ? 2 : 0);
  return [...str(unquote(mod)), ...str(unquote(field)), 0x02, flags, ...nums.flatMap((x) => uleb(x))];
}

function compileFunc(f: SExpr[], funcIndex: Map<string, number>) {
  const locals = new Map<string, number>();
  const params: number[] = [], results: number[] = [], localTypes: number[] = [];
  let exportName: string | null = null;
  let pos = typeof f[1] === 'string' && f[1].startsWith('$') ? 2 : 1;
  for (; pos < f.length && Array.isArray(f[pos]); pos++) {
    const [kind, ...rest] = f[pos] as string[];
    if (kind === 'export') { exportName = unquote(rest[0]); continue; }
    const named = rest[0]?.startsWith('$');
    const typeNames = named ? rest.slice(1) : rest;
    if (named) locals.set(rest[0], params.length + localTypes.length);
    const ts = typeNames.map((t) => TYPES[t] ?? fail(`unknown type ${t}`));
    if (kind === 'param') params.push(...ts);
    else if (kind === 'result') results.push(...ts);
    else if (kind === 'local') localTypes.push(...ts);
    else fail(`unexpected (${kind}) in func`);
  }
  const code: number[] = [];
  const labels: (string | null)[] = [];
  const toks = f.slice(pos).map((t) => (Array.isArray(t) ? fail('folded instructions are not supported') : t));
  for (let i = 0; i < toks.length; i++) {
    const op = OPS[toks[i]] ?? fail(`unknown instruction ${toks[i]}`);
    const [bytes, imm, align] = op;
    code.push(...bytes);
    const arg = () => toks[++i] ?? fail(`${toks[i - 1]} needs an operand`);
    switch (imm) {
      case 'none':
        if (toks[i] === 'end') { if (labels.length === 0) fail('unbalanced end'); labels.pop(); }
        break;
      case 'block': {
        labels.push(toks[i + 1]?.startsWith('$') ? arg() : null);
        code.push(0x40); // no result
        break;
      }
      case 'label': {
        const l = arg(), depth = labels.length - 1 - labels.lastIndexOf(l);
        if (/^\d+$/.test(l)) code.push(...uleb(Number(l)));
        else if (depth >= labels.length) fail(`unknown label ${l}`);
        else code.push(...uleb(depth));
        break;
      }
      case 'local': {
        const l = arg();
        code.push(...uleb(locals.get(l) ?? (/^\d+$/.test(l) ? Number(l) : fail(`unknown local ${l}`))));
        break;
      }
      case 'call': code.push(...uleb(funcIndex.get(arg()) ?? fail(`unknown function ${toks[i]}`))); break;
      case 'i32': code.push(...sleb(Number(arg()))); break;
      case 'f64': code.push(...new Uint8Array(new Float64Array([Number(arg())]).buffer)); break; // 8 bytes, little-endian
      case 'lane': code.push(Number(arg())); break;
      case 'v128': {
        const shape = arg(), n = LANES[shape] ?? fail(`v128.const: unknown shape ${shape}`);
        code.push(...v128Const(shape, toks.slice(i + 1, i + 1 + n)));
        i += n;
        break;
      }
      case 'memlane':
      case 'mem': {
        let offset = 0, a = align!;
        while (/^(offset|align)=/.test(toks[i + 1] ?? '')) {
          const [key, v] = arg().split('=');
          if (key === 'offset') offset = Number(v); else a = Math.log2(Number(v));
        }
        code.push(...uleb(a), ...uleb(offset));
        if (imm === 'memlane') code.push(Number(arg()));
        break;
      }
    }
  }
  if (labels.length) fail('a block, loop or if is missing its end');
  // Locals are declared as runs of one type: vec((count, type)).
  const runs: number[][] = [];
  for (const t of localTypes) {
    const last = runs[runs.length - 1];
    if (last && last[1] === t) last[0]++; else runs.push([1, t]);
  }
  const body = [...vec(runs.map(([n, t]) => [...uleb(n), t])), ...code, 0x0b];
  return { params, results, exportName, body };
}

/** Lanes of each v128.const shape. */
const LANES: Record<string, number> = { i32x4: 4, f32x4: 4, i64x2: 2, f64x2: 2 };

/** `v128.const SHAPE v…` → its 16 little-endian bytes (values as JS writes numbers; i64 lanes as integers). */
function v128Const(shape: string, values: string[]): number[] {
  if (values.length !== LANES[shape]) fail(`v128.const ${shape} needs ${LANES[shape]} values`);
  const view = new DataView(new ArrayBuffer(16));
  values.forEach((v, k) => {
    const num = Number(v);
    if (shape !== 'i64x2' && Number.isNaN(num)) fail(`v128.const: bad value ${v}`);
    if (shape === 'f64x2') view.setFloat64(8 * k, num, true);
    else if (shape === 'f32x4') view.setFloat32(4 * k, num, true);
    else if (shape === 'i32x4') view.setInt32(4 * k, num, true);
    else view.setBigInt64(8 * k, BigInt.asIntN(64, BigInt(v)), true);
  });
  return [...new Uint8Array(view.buffer)];
}

function parse(src: string): SExpr {
  const toks = src.replace(/;;[^\n]*/g, ' ').match(/\(|\)|"[^"]*"|[^\s()]+/g) ?? [];
  let i = 0;
  const read = (): SExpr => {
    const t = toks[i++];
    if (t === undefined) fail('unexpected end of text');
    if (t === ')') fail('unexpected )');
    if (t !== '(') return t;
    const list: SExpr[] = [];
    while (toks[i] !== ')') list.push(read());
    i++;
    return list;
  };
  const out = read();
  if (i !== toks.length) fail(`trailing text after the module: ${toks[i]}`);
  return out;
}

function fail(msg: string): never {
  throw new Error(`wat: ${msg}`);
}
const name = (x: SExpr): string => (typeof x === 'string' && x.startsWith('$') ? x : '');
const unquote = (x: SExpr): string => (typeof x === 'string' && x.startsWith('"') ? x.slice(1, -1) : fail(`expected a string, got ${String(x)}`));

/** Unsigned LEB128: 7 bits per byte, high bit set on all but the last. */
function uleb(x: number): number[] {
  const out: number[] = [];
  do {
    let byte = x & 0x7f;
    x = Math.floor(x / 128);
    if (x) byte |= 0x80;
    out.push(byte);
  } while (x);
  return out;
}

/** Signed LEB128 (i32.const): stop once the remaining bits are all copies of the sign bit. */
function sleb(x: number): number[] {
  if (!Number.isInteger(x) || x < -(2 ** 31) || x >= 2 ** 32) fail(`i32.const out of range: ${x}`);
  x |= 0;
  const out: number[] = [];
  for (;;) {
    const byte = x & 0x7f;
    x >>= 7;
    if ((x === 0 && !(byte & 0x40)) || (x === -1 && byte & 0x40)) { out.push(byte); return out; }
    out.push(byte | 0x80);
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const str = (s: string): number[] => vec([...new TextEncoder().encode(s)].map((b) => [b]));
const section = (id: number, items: number[][]): number[] => {
  if (items.length === 0) return [];
  const content = vec(items);
  return [id, ...uleb(content.length), ...content];
};
