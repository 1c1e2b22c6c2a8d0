/**
 * safetensors: a fixture written by numpy/PyTorch (test/fixtures/make_mlp_safetensors.py)
 * loads into the tiny MLP and gives PyTorch's loss; round trips keep every bit;
 * each malformed file is refused with an error naming its problem.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import {
  decodeHost, decodeSafetensors, encodeHost, encodeSafetensors, loadParams, loadSafetensors, saveSafetensors,
} from '../../src/io/index.js';
import { Init } from '../../src/models/init.js';
import { createMlp, mlpPresets } from '../../src/models/mlp.js';

const FIXTURES = join(import.meta.dirname, '../fixtures');
const MLP_FILE = join(FIXTURES, 'mlp_tiny.safetensors');

describe('the PyTorch fixture', () => {
  it('loads into the tiny MLP and gives PyTorch\'s cross-entropy (float32 to 1e-6, float64 to 1e-12)', async () => {
    const { tensors, metadata } = await loadSafetensors(MLP_FILE);
    const batch = { x: tensors['batch.x'], y: tensors['batch.y'] };
    expect(batch.x.shape).toEqual([8, 784]);
    expect(batch.y.dtype).toBe('int32');
    for (const dtype of ['float32', 'float64'] as const) {
      const model = createMlp(mlpPresets.tiny, 7, new Init(7, dtype));
      const params = await loadParams(MLP_FILE, model.params, { strict: false });
      expect(params['layers.0.weight'].dtype).toBe(dtype);
      const x = dtype === 'float64' ? hg.cast(batch.x, 'float64') : batch.x;
      const loss = model.loss(params, { x, y: batch.y }).item();
      const torchLoss = Number(metadata[dtype === 'float32' ? 'torch_loss_f32' : 'torch_loss_f64']);
      expect(Math.abs(loss - torchLoss)).toBeLessThan(dtype === 'float32' ? 1e-6 : 1e-12);
      // The initial weights give another loss: the loaded ones were used.
      expect(Math.abs(model.loss(model.params, { x, y: batch.y }).item() - torchLoss)).toBeGreaterThan(1e-3);
    }
  });

  it('re-encodes to the very bytes the independent numpy writer produced', () => {
    const bytes = new Uint8Array(readFileSync(MLP_FILE));
    const { tensors, metadata } = decodeHost(bytes);
    const again = encodeHost(tensors, metadata);
    expect(again.length).toBe(bytes.length);
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
  });

  it('reads bytes at any offset of a larger buffer, node Buffers included', () => {
    const bytes = readFileSync(MLP_FILE);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    for (const view of [shifted.subarray(3), Buffer.from(shifted.buffer, 3, bytes.length)]) {
      const { tensors } = decodeHost(view);
      expect(tensors['batch.x'].data.length).toBe(8 * 784);
      expect(Array.from(tensors['layers.1.bias'].data)).toEqual(Array.from(decodeHost(new Uint8Array(bytes)).tensors['layers.1.bias'].data));
    }
  });

  it('reads F16 and BF16 as the float32 values PyTorch and numpy give them', () => {
    const { tensors } = decodeHost(new Uint8Array(readFileSync(join(FIXTURES, 'halves.safetensors'))));
    for (const [half, f32] of [['h16', 'h16_as_f32'], ['b16', 'b16_as_f32']]) {
      expect(tensors[half].data).toBeInstanceOf(Float32Array);
      expect(tensors[half].shape).toEqual([3, 4]);
      // toEqual tells -0 from 0 and matches NaN with NaN.
      expect(Array.from(tensors[half].data)).toEqual(Array.from(tensors[f32].data));
    }
    expect(Object.is(tensors.h16.data[1], -0)).toBe(true);
    expect(tensors.h16.data[6]).toBe(2 ** -24); // 6e-8 rounds to the smallest f16 subnormal
  });

  it('strict loading refuses the batch entries the model lacks, naming them', async () => {
    const model = createMlp(mlpPresets.tiny, 1);
    await expect(loadParams(MLP_FILE, model.params)).rejects.toThrow(/unexpected batch\.x[\s\S]*unexpected batch\.y/);
  });
});

describe('round trips', () => {
  const f32Bits = [0x00000000, 0x80000000, 0x7fc00000, 0x7fc00001, 0xffc12345, 0x7f800000, 0xff800000, 0x00000001, 0x3f800000, 0xc0490fdb];
  const f64 = new Float64Array(8);
  const f64Bits = new BigUint64Array(f64.buffer);
  [0n, 0x8000000000000000n, 0x7ff8000000000001n, 0xfff0000000000000n, 1n, 0x3ff0000000000000n, 0x7ff4000000000000n, 0x400921fb54442d18n]
    .forEach((b, i) => { f64Bits[i] = b; });
  const i32 = Int32Array.from([0, -1, 2147483647, -2147483648, 42, 7]);
  const cases: [string, Float32Array | Float64Array | Int32Array, number[]][] = [
    ['F32', new Float32Array(new Uint32Array(f32Bits).buffer), [2, 5]],
    ['F64', f64, [2, 2, 2]],
    ['I32', i32, [6]],
  ];

  it.each(cases)('%s keeps every bit (NaN payloads, -0, infinities, subnormals) through tensors and a file', async (_name, data, shape) => {
    const t = hg.tensor(data, shape);
    const dir = mkdtempSync(join(tmpdir(), 'hg-st-'));
    await saveSafetensors(join(dir, 'a.safetensors'), { t, scalar: hg.tensor(data.slice(0, 1), []) }, { note: 'ünïcode ✓' });
    const back = await loadSafetensors(join(dir, 'a.safetensors'));
    rmSync(dir, { recursive: true });
    expect(back.metadata).toEqual({ note: 'ünïcode ✓' });
    expect(back.tensors.t.shape).toEqual(shape);
    expect(back.tensors.t.dtype).toBe(t.dtype);
    expect(back.tensors.scalar.shape).toEqual([]);
    const got = back.tensors.t.dataSync();
    expect(new Uint8Array(got.buffer, got.byteOffset, got.byteLength)).toEqual(new Uint8Array(data.buffer));
  });

  it('lays out widest elements first, then by name, with the data buffer 8-byte aligned', async () => {
    const bytes = await encodeSafetensors({
      b: hg.tensor([1, 2, 3], [3], 'float32'), a: hg.tensor([1], [1], 'int32'), z: hg.tensor([1, 2], [2], 'float64'), 10: hg.tensor([5], [1]),
    });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.trimEnd().length).toBeGreaterThan(n - 8);
    const order = Object.entries(JSON.parse(text) as Record<string, { data_offsets: number[] }>)
      .sort((x, y) => x[1].data_offsets[0] - y[1].data_offsets[0]).map(([k]) => k);
    expect(order).toEqual(['z', '10', 'a', 'b']);
    expect(text.indexOf('"z"')).toBeLessThan(text.indexOf('"10"')); // written in layout order, not JS key order
    const back = decodeSafetensors(bytes);
    expect(Array.from(back.tensors.z.dataSync())).toEqual([1, 2]);
    expect(Array.from(back.tensors['10'].dataSync())).toEqual([5]);
  });

  it('decodes float tensors into a requested float dtype', () => {
    const back = decodeSafetensors(encodeHost({ w: { shape: [2], data: Float64Array.from([0.5, 1 / 3]) }, i: { shape: [1], data: Int32Array.of(3) } }), { dtype: 'float32' });
    expect(back.tensors.w.dtype).toBe('float32');
    expect(back.tensors.w.dataSync()[1]).toBe(Math.fround(1 / 3));
    expect(back.tensors.i.dtype).toBe('int32');
  });
});
