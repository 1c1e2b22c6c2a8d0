/** Name maps between heterograd and the PyTorch modules it mirrors. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../src/index.js'; // the CPU backend
import { MLP_SEQUENTIAL, NANOGPT, decodeHost, loadParams, encodeHost, renameParams } from '../../src/io/index.js';
import { createGpt, gptPresets } from '../../src/models/gpt.js';
import { createMlp, mlpPresets } from '../../src/models/mlp.js';

const fixture = decodeHost(new Uint8Array(readFileSync(join(import.meta.dirname, '../fixtures/mlp_tiny.safetensors'))));

describe('renameParams', () => {
  it('maps the MLP to the names PyTorch gives the same nn.Sequential (recorded by the fixture script), and back', async () => {
    const model = createMlp(mlpPresets.tiny, 0);
    const torchNames = renameParams(model.params, MLP_SEQUENTIAL);
    expect(Object.keys(torchNames).sort()).toEqual((JSON.parse(fixture.metadata.torch_sequential_keys) as string[]).sort());
    // A file in Sequential names loads once renamed back.
    const weights = Object.fromEntries(Object.entries(fixture.tensors).filter(([k]) => k.startsWith('layers.')));
    const sequentialFile = encodeHost(renameParams(weights, MLP_SEQUENTIAL));
    const renamed = renameParams(decodeHost(sequentialFile).tensors, MLP_SEQUENTIAL, { direction: 'fromTorch' });
    const p = await loadParams(encodeHost(renamed), model.params);
    expect(Array.from(p['layers.1.bias'].dataSync())).toEqual(Array.from(fixture.tensors['layers.1.bias'].data));
  });

  it('maps the GPT to nanoGPT\'s names, and back to the same record', () => {
    const gpt = createGpt({ ...gptPresets.tiny, vocab: 5, depth: 2 }, 0);
    const nano = renameParams(gpt.params, NANOGPT);
    expect(Object.keys(nano).filter((k) => k.startsWith('transformer.h.1.')).sort()).toEqual([
      'attn.c_attn.bias', 'attn.c_attn.weight', 'attn.c_proj.bias', 'attn.c_proj.weight', 'ln_1.bias', 'ln_1.weight',
      'ln_2.bias', 'ln_2.weight', 'mlp.c_fc.bias', 'mlp.c_fc.weight', 'mlp.c_proj.bias', 'mlp.c_proj.weight',
    ].map((k) => `transformer.h.1.${k}`));
    expect(nano['transformer.wte.weight']).toBe(gpt.params['wte.weight']);
    expect(nano['lm_head.weight']).toBe(gpt.params['lm_head.weight']);
    expect(renameParams(nano, NANOGPT, { direction: 'fromTorch' })).toEqual(gpt.params);
  });

  it('refuses names no rule covers, an activation\'s index, and two names that collide', () => {
    expect(() => renameParams({ 'layers.0.weight': 1, 'head.weight': 2, x: 3 }, MLP_SEQUENTIAL)).toThrow('renameParams: no rule for head.weight, x');
    expect(renameParams({ 'layers.0.weight': 1, x: 3 }, MLP_SEQUENTIAL, { keepUnmatched: true })).toEqual({ '0.weight': 1, x: 3 });
    expect(() => renameParams({ '1.weight': 1 }, MLP_SEQUENTIAL, { direction: 'fromTorch' })).toThrow('no rule for 1.weight');
    expect(() => renameParams({ 'layers.0.weight': 1, '0.weight': 2 }, MLP_SEQUENTIAL, { keepUnmatched: true }))
      .toThrow('renameParams: layers.0.weight and 0.weight both become 0.weight');
  });
});
