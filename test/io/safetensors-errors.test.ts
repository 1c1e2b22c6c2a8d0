/** Malformed safetensors files and mismatched weights: each is refused with an error that names its problem. */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import { MAX_HEADER_BYTES, decodeHost, decodeSafetensors, editDistance, encodeHost, loadParams, loadSafetensors } from '../../src/io/index.js';
import { createMlp, mlpPresets } from '../../src/models/mlp.js';

/** A file with header text `json` (objects are stringified) and `data` zero bytes; `n` overrides the stored header length. */
function file(json: string | object, data: number, n?: bigint): Uint8Array {
  const text = new TextEncoder().encode(typeof json === 'string' ? json : JSON.stringify(json));
  const out = new Uint8Array(8 + text.length + data);
  new DataView(out.buffer).setBigUint64(0, n ?? BigInt(text.length), true);
  out.set(text, 8);
  return out;
}
const f32 = (shape: number[], begin: number, end: number) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });

describe('malformed files', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['an empty file', new Uint8Array(0), /truncated file: 0 bytes, fewer than the 8-byte header length/],
    ['a file shorter than the length', new Uint8Array(5), /truncated file: 5 bytes/],
    ['a header length past the file', file({}, 0, 100n), /header length 100 runs past the end of the file \(2 bytes follow/],
    ['a header over 100 MB', file({}, 0, BigInt(MAX_HEADER_BYTES) + 1n), /oversized header: 100000001 bytes, above the 100000000-byte limit/],
    ['a u64 length beyond 2^53', file({}, 0, 0xffffffffffffffffn), /oversized header: 18446744073709551615 bytes/],
    ['invalid JSON', file('{"a": {"dtype": "F32",', 0), /header is not valid JSON/],
    ['a header not starting with {', file(' {}', 0), /header must be a JSON object starting with '\{'/],
    ['a JSON array header', file('[1]', 0), /starting with '\{', got "\[1\]"/],
    ['invalid UTF-8', (() => { const b = file('{"\u00e9":1}', 0); b[10] = 0xff; return b; })(), /header is not valid UTF-8/],
    ['overlapping offsets', file({ a: f32([2], 0, 8), b: f32([2], 4, 12) }, 12), /tensor "b" data_offsets \[4, 12\] overlap tensor "a", which ends at 8/],
    ['a gap between tensors', file({ a: f32([2], 0, 8), b: f32([1], 12, 16) }, 16), /tensor "b" data_offsets \[12, 16\] leave a gap of 4 bytes after tensor "a"/],
    ['a gap at the start', file({ a: f32([1], 4, 8) }, 8), /leave a gap of 4 bytes after the start of the data buffer/],
    ['offsets that end before they begin', file({ a: f32([0], 8, 4) }, 8), /tensor "a": data_offsets \[8, 4\] end before they begin/],
    ['data past the end of the file', file({ a: f32([4], 0, 16) }, 12), /truncated file: tensor "a" ends at byte 16 of the data buffer, which holds 12 bytes/],
    ['bytes that belong to no tensor', file({ a: f32([1], 0, 4) }, 8), /4 bytes after tensor "a" belong to no tensor/],
    ['an unknown dtype', file({ a: { dtype: 'F33', shape: [1], data_offsets: [0, 4] } }, 4), /tensor "a": unknown dtype "F33"/],
    ['an unsupported dtype', file({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, 8), /tensor "a": dtype I64 is not supported \(heterograd reads F32, F64, I32, F16, BF16\)/],
    ['a shape that does not fit the offsets', file({ a: f32([2, 3], 0, 16) }, 16), /tensor "a": shape \[2,3\] of F32 needs 24 bytes but data_offsets \[0, 16\] hold 16/],
    ['a negative shape', file({ a: f32([-1], 0, 0) }, 0), /tensor "a": shape must be a list of non-negative integers, got \[-1\]/],
    ['a fractional shape', file({ a: f32([1.5], 0, 6) }, 6), /shape must be a list of non-negative integers, got \[1.5\]/],
    ['three offsets', file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4, 8] } }, 4), /data_offsets must be \[begin, end\]/],
    ['a missing field', file({ a: { dtype: 'F32', shape: [1] } }, 4), /tensor "a": missing field data_offsets/],
    ['an unexpected field', file({ a: { ...f32([1], 0, 4), offsets: [0, 4] } }, 4), /tensor "a": unexpected field "offsets"/],
    ['an entry that is not an object', file({ a: 3 }, 0), /tensor "a": entry must be an object, got 3/],
    ['duplicate names', file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', 8), /duplicate tensor name "a"/],
    ['a duplicate field', file('{"a":{"dtype":"F32","dtype":"F64","shape":[1],"data_offsets":[0,4]}}', 4), /duplicate key "dtype" in "a"/],
    ['non-string metadata', file({ __metadata__: { epoch: 3 } }, 0), /__metadata__ value for "epoch" must be a string, got 3/],
    ['metadata that is not an object', file({ __metadata__: 'x' }, 0), /__metadata__ must be an object of strings, got "x"/],
  ];

  it.each(cases)('refuses %s', (_what, bytes, message) => {
    expect(() => decodeHost(bytes)).toThrow(message);
  });

  it('accepts the edge cases the format allows: empty header, zero-size tensors, escaped names, padding', () => {
    expect(decodeHost(file({}, 0)).tensors).toEqual({});
    const ok = decodeHost(file('{"a\\"b":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},"c":{"dtype":"I32","shape":[],"data_offsets":[0,4]}}   ', 4));
    expect(Object.keys(ok.tensors)).toEqual(['a"b', 'c']);
    expect(ok.tensors['a"b'].data.length).toBe(0);
    expect(ok.tensors.c.shape).toEqual([]);
    // The duplicate scan skips escaped quotes and keys nested at other levels.
    expect(() => decodeHost(file('{"__metadata__":{"a":"x\\"y"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4))).not.toThrow();
  });

  it('refuses to write what it could not read back', () => {
    expect(() => encodeHost({ __metadata__: { shape: [1], data: new Float32Array(1) } })).toThrow(/a tensor cannot be named __metadata__/);
    expect(() => encodeHost({ a: { shape: [2, 2], data: new Float32Array(3) } })).toThrow(/tensor "a": shape \[2,2\] does not hold its 3 values/);
    expect(() => encodeHost({}, { n: 3 as unknown as string })).toThrow(/metadata value for "n" must be a string/);
  });

  it('names the file when loading from disk', async () => {
    await expect(loadSafetensors('/nonexistent/w.safetensors')).rejects.toThrow(/ENOENT/);
    const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/hg-st-');
    const path = `${dir}/bad.safetensors`;
    writeFileSync(path, new Uint8Array(3));
    await expect(loadSafetensors(path)).rejects.toThrow(`${path}: safetensors: truncated file`);
    rmSync(dir, { recursive: true });
  });
});

describe('loadParams', () => {
  const model = createMlp(mlpPresets.tiny, 3);
  type HostRecord = Record<string, { shape: readonly number[]; data: Float32Array | Float64Array | Int32Array }>;
  const host = (p: Record<string, hg.Tensor>): HostRecord => Object.fromEntries(Object.entries(p).map(([k, t]) => [k, { shape: t.shape, data: t.dataSync() }]));

  it('loads a matching file and casts F64 to the model\'s float32', async () => {
    const wide = Object.fromEntries(Object.entries(host(model.params)).map(([k, v]) => [k, { shape: v.shape, data: Float64Array.from(v.data) }]));
    const p = await loadParams(encodeHost(wide), model.params);
    expect(Object.keys(p).sort()).toEqual(Object.keys(model.params).sort());
    expect(p['layers.1.weight'].dtype).toBe('float32');
    expect(Array.from(p['layers.1.weight'].dataSync())).toEqual(Array.from(model.params['layers.1.weight'].dataSync()));
  });

  it('lists every missing, unexpected, misspelled and wrong-shaped entry in one error', async () => {
    const h = host(model.params);
    h['layer.0.weight'] = h['layers.0.weight']; // misspelled
    delete h['layers.0.weight'];
    h['layers.1.bias'] = { shape: [11], data: new Float32Array(11) }; // wrong shape
    delete h['layers.1.weight']; // missing, nothing close
    h['optimizer.step'] = { shape: [1], data: new Float32Array(1) }; // extra
    const err = await loadParams(encodeHost(h), model.params).catch((e: Error) => e.message);
    expect(err).toMatch(/^loadParams: 5 problems:/);
    expect(err).toContain('missing layers.0.weight (did you mean layer.0.weight?)');
    expect(err).toContain('missing layers.1.weight');
    expect(err).toContain('unexpected layer.0.weight (not a parameter of the model) (did you mean layers.0.weight');
    expect(err).toContain('layers.1.bias: shape (11) in the file, the model has (10)');
    expect(err).toMatch(/unexpected optimizer\.step \(not a parameter of the model\)$/m); // too far from any name for a hint
  });

  it('strict: false ignores extra entries but never missing ones; int32 weights are not floats', async () => {
    const h: HostRecord = { ...host(model.params), extra: { shape: [1], data: new Float32Array(1) } };
    await expect(loadParams(encodeHost(h), model.params, { strict: false })).resolves.toBeDefined();
    await expect(loadParams(encodeHost(h), model.params)).rejects.toThrow(/unexpected extra \(not a parameter of the model\)/);
    const { 'layers.0.bias': _dropped, ...rest } = h;
    await expect(loadParams(encodeHost(rest), model.params, { strict: false })).rejects.toThrow(/missing layers\.0\.bias/);
    const ints = { ...host(model.params), 'layers.0.bias': { shape: [16], data: new Int32Array(16) } };
    await expect(loadParams(encodeHost(ints), model.params)).rejects.toThrow(/layers\.0\.bias: stored as I32, the model's parameter is float32/);
  });

  it('edit distance counts insertions, deletions and substitutions', () => {
    expect(editDistance('layers.0.weight', 'layer.0.weight')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('decodeSafetensors puts tensors on the given backend', () => {
    const backend = hg.getBackend();
    const d = decodeSafetensors(encodeHost({ a: { shape: [1], data: Float32Array.of(2) } }), { backend });
    expect(d.tensors.a.backend).toBe(backend);
  });
});
