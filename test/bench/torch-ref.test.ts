// The --torch plumbing without torch: fake interpreters stand in for Python, so no timing and no torch is needed.
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelBenchRow } from '../../bench/models.js';
import { type TorchReference, bestTorchHvp, compareWithTorch, parseTorchReference, runTorchReference } from '../../bench/torch.js';

const sample = (): TorchReference => ({
  torch: '1.13.0', python: '/usr/bin/python3', threads: 2, ompWaitPolicy: 'passive', runs: 3, warmup: 3,
  blas: { config: 'BLAS_INFO=generic', loaded: ['/usr/lib/libopenblasp-r0.3.21.so'] },
  models: [
    { model: 'mlp', params: 269322, forwardMs: 0.4, gradMs: 1, hvp: { doubleBackward: { ms: 2.5 }, forwardOverReverse: { error: 'NotImplementedError: nll_loss_backward' } } },
    { model: 'transformer', params: 109440, forwardMs: 2, gradMs: 6, hvp: { doubleBackward: { ms: 24 }, forwardOverReverse: { ms: 20 } } },
  ],
});

const ours = (mlpHvp: number, gptHvp: number): ModelBenchRow[] => [
  { model: 'MLP', params: 269322, forwardMs: 1, gradMs: 3, hvpMs: mlpHvp, hvpOverGrad: mlpHvp / 3, gradOverForward: 3 },
  { model: 'Transformer', params: 109440, forwardMs: 5, gradMs: 12, hvpMs: gptHvp, hvpOverGrad: gptHvp / 12, gradOverForward: 2.4 },
];

/** An executable shell script that plays the interpreter. */
async function fakePython(body: string): Promise<string> {
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'hg-fakepy-')), 'python');
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

describe('runTorchReference', () => {
  it('reports a nonexistent interpreter as not available instead of throwing', async () => {
    const out = await runTorchReference({ python: '/nonexistent/python3', threads: 2, runs: 3 });
    expect(out).toEqual({ ok: false, reason: 'interpreter /nonexistent/python3 not found' });
  });

  it("passes on the script's stderr line when torch cannot be imported (exit 3)", async () => {
    const python = await fakePython(`echo "torch is not importable by $0: No module named 'torch'" >&2; exit 3`);
    const out = await runTorchReference({ python, threads: 2, runs: 3 });
    expect(out).toEqual({ ok: false, reason: `torch is not importable by ${python}: No module named 'torch'` });
  });

  it('hands the script the thread and run counts and a wait policy, and parses its JSON', async () => {
    const python = await fakePython(`echo "$@ $OMP_WAIT_POLICY" > "$0.args"; echo 'a warning on stdout'; echo '${JSON.stringify(sample())}'`);
    const out = await runTorchReference({ python, threads: 5, runs: 9 });
    if (!out.ok) throw new Error(out.reason);
    expect(out.ref).toEqual(sample());
    expect(await readFile(`${python}.args`, 'utf8')).toMatch(/bench\/torch_ref\.py --threads 5 --runs 9 (\S+)\n$/);
    // OpenMP waits passively unless the caller chose a policy.
    expect((await readFile(`${python}.args`, 'utf8')).trim().split(' ').pop()).toBe(process.env.OMP_WAIT_POLICY || 'passive');
  });

  it('turns malformed output into a not-available reason naming the problem', async () => {
    const python = await fakePython(`echo '{"torch": "1.13"}'`);
    const out = await runTorchReference({ python, threads: 2, runs: 3 });
    expect(out).toEqual({ ok: false, reason: 'torch_ref.py output: threads, runs or warmup is not a number' });
  });
});

describe('parseTorchReference', () => {
  it('round-trips a well-formed reference and keeps an HVP method that failed as its error', () => {
    const ref = parseTorchReference(JSON.stringify(sample()));
    expect(ref).toEqual(sample());
  });

  it.each([
    ['not JSON', 'Traceback (most recent call last):', /not JSON/],
    ['models swapped', JSON.stringify({ ...sample(), models: [...sample().models].reverse() }), /models\[0\] is "transformer", expected mlp/],
    ['a time that is not a number', JSON.stringify({ ...sample(), models: [{ ...sample().models[0], gradMs: 'fast' }, sample().models[1]] }), /models\[0\]\.gradMs/],
    ['an HVP with neither time nor error', JSON.stringify({ ...sample(), models: [sample().models[0], { ...sample().models[1], hvp: { doubleBackward: {}, forwardOverReverse: { ms: 1 } } }] }), /models\[1\]\.hvp\.doubleBackward/],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseTorchReference(text)).toThrow(message);
  });
});

describe('compareWithTorch', () => {
  it("divides heterograd's times by PyTorch's, using PyTorch's fastest HVP method that ran", () => {
    const [mlp, gpt] = compareWithTorch(ours(12, 30), sample());
    expect(mlp.gradRatio).toBeCloseTo(3, 12);
    expect(mlp.torchHvpMethod).toBe('double backward'); // forward-over-reverse failed on the MLP
    expect(mlp.hvpRatio).toBeCloseTo(12 / 2.5, 12);
    expect(mlp).toMatchObject({ target: 4, met: false });
    expect(gpt.torchHvpMethod).toMatch(/^forward-over-reverse/); // 20 ms beats double backward's 24
    expect(gpt.hvpRatio).toBeCloseTo(1.5, 12);
    expect(gpt).toMatchObject({ target: 2, met: true });
  });

  it('refuses models whose parameter counts differ (the architectures drifted apart)', () => {
    const drifted = ours(1, 1);
    drifted[1] = { ...drifted[1], params: 109505 };
    expect(() => compareWithTorch(drifted, sample())).toThrow(/109505 parameters.*109440; the architectures differ/);
  });

  it('refuses a model on which no HVP method ran', () => {
    const none = sample().models[0];
    none.hvp.doubleBackward = { error: 'out of memory' };
    expect(() => bestTorchHvp(none)).toThrow('PyTorch ran no HVP method on mlp');
  });
});
