/**
 * Every kernel of the matmul progression against the CPU reference, on
 * shapes that are not multiples of any tile (1, 7, 13, 257), with transposed
 * operands and broadcast batches.
 * Tolerance: the float32 forward error bound of a K-term dot product,
 * |err| ≤ K·2⁻²³·(|A|·|B|)ᵢⱼ, plus one rounding of the result.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import { MATMUL_KERNELS } from '../../src/kernels/webgpu/wgsl/matmul/index.js';
import { type MatmulChoice, pickMatmul } from '../../src/kernels/webgpu/launch/matmul.js';
import { G, Rng, cpu, expectClose, noGpu, pair, randomData } from './gpu.js';

const rng = new Rng(5);
type Case = { a: number[]; b: number[]; transA?: boolean; transB?: boolean };
const cases: Case[] = [
  { a: [1, 1], b: [1, 1] },
  { a: [7, 13], b: [13, 5] },
  { a: [13, 257], b: [257, 7] },
  { a: [65, 33], b: [33, 67] }, // one past the 64×32 register tile
  { a: [13, 7], b: [13, 5], transA: true },
  { a: [7, 13], b: [5, 13], transB: true },
  { a: [13, 7], b: [5, 13], transA: true, transB: true },
  { a: [3, 7, 13], b: [13, 5] }, //          shared B: batches fold into M
  { a: [3, 13, 7], b: [13, 5], transA: true },
  { a: [7, 13], b: [3, 13, 5] }, //          shared A (stride 0)
  { a: [2, 1, 7, 13], b: [1, 3, 13, 5] }, // both batch axes broadcast
  { a: [2, 3, 5, 4], b: [2, 3, 4, 5], transA: true, transB: true },
  { a: [2, 16, 8], b: [2, 8, 12] }, //       multiples of 4: 04_vec4 runs
  { a: [2, 8, 16], b: [12, 8], transA: true, transB: true },
  { a: [132, 20], b: [20, 136] }, //         past 05's 128×128 tile, K not a multiple of its 16
  { a: [2, 20, 132], b: [136, 20], transA: true, transB: true },
  { a: [2, 132, 20], b: [2, 136, 20], transB: true },
  { a: [0, 4], b: [4, 3] }, //               empty output
  { a: [3, 0], b: [0, 4] }, //               K = 0: zeros
];

async function check(kernel: MatmulChoice, c: Case): Promise<void> {
  const na = c.a.reduce((x, y) => x * y, 1), nb = c.b.reduce((x, y) => x * y, 1);
  const [da, db] = [randomData(rng, na), randomData(rng, nb)];
  const [a0, a1] = pair(da, c.a), [b0, b1] = pair(db, c.b);
  const opts = { transA: c.transA ?? false, transB: c.transB ?? false };
  const want = hg.matmul(a0, b0, opts).dataSync();
  // |A|·|B| on the CPU gives the per-element error scale.
  const scale = hg.matmul(hg.fromArray(da.map(Math.abs), c.a, 'float32', cpu), hg.fromArray(db.map(Math.abs), c.b, 'float32', cpu), opts).dataSync();
  G().matmulKernel = kernel;
  const got = hg.matmul(a1, b1, opts);
  const k = c.transA ? c.a[c.a.length - 2] : c.a[c.a.length - 1];
  const what = `${kernel} (${c.a})${c.transA ? 'ᵀ' : ''}·(${c.b})${c.transB ? 'ᵀ' : ''}`;
  expect(got.shape, what).toEqual(hg.matmul(a0, b0, opts).shape);
  expectClose(await got.data(), want, (i) => k * 1.2e-7 * scale[i] + 6e-8 * Math.abs(want[i]), what);
}

describe('webgpu matmul choice', () => {
  it("'auto' takes 05_wgtile only from the GPU threshold up, 04_vec4 below, 03 off multiples of 4", () => {
    expect(pickMatmul('auto', 2048, 2048, 2048, 2048 ** 3).name).toBe('05_wgtile');
    expect(pickMatmul('auto', 1024, 1024, 1024, 2048 ** 3).name).toBe('04_vec4');
    expect(pickMatmul('auto', 4096, 4096, 4096).name).toBe('04_vec4'); // SwiftShader: never
    expect(pickMatmul('auto', 2049, 2048, 2048, 2048 ** 3).name).toBe('03_register');
    expect(pickMatmul('05_wgtile', 7, 4, 4).name).toBe('03_register');
  });
});

describe.skipIf(noGpu)('webgpu matmul', () => {
  afterAll(() => { if (!noGpu) G().matmulKernel = 'auto'; });

  for (const kernel of [...MATMUL_KERNELS.map((k) => k.name as MatmulChoice), 'auto' as const]) {
    it(`${kernel} matches the CPU on ${cases.length} awkward shapes`, async () => {
      // 04_vec4 needs multiples of 4; asked for anyway, the backend runs 03_register instead.
      for (const c of cases) await check(kernel, c);
    });
  }

  it('04_vec4 runs on a 256×128·128×96 product with every transpose', async () => {
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
      await check('04_vec4', { a: transA ? [128, 256] : [256, 128], b: transB ? [96, 128] : [128, 96], transA, transB });
    }
  });
});
