/**
 * The main job end to end on `tiny` presets: a schema-valid results.json,
 * SVG figures and report.html; resume reuses finished work; bad arguments
 * exit with code 2 and list the valid choices.
 */
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { cli as runCli, cliOk } from '../faults/cli-helpers.js';
import { resultsJsonSchema } from '../../src/experiment/schema.js';

const cli = (args: string[]) => cliOk(args);
/** The CLI's exit code and stderr (a failure is what these cases expect). */
const cliFails = (args: string[]) => runCli(args, 240_000);

describe('npm run experiment', () => {
  it('runs vit and quadratic on the tiny preset and writes valid results, figures and a report', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'hg-exp-'));
    const { stdout } = await cli(['--model', 'vit,quadratic', '--preset', 'tiny', '--backend', 'cpu', '--out', out]);
    expect(stdout).toContain('| vit | tiny |');
    const doc = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
    const validate = new Ajv({ strict: false }).compile(resultsJsonSchema);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.models.map((m: { model: string }) => m.model)).toEqual(['vit', 'quadratic']);
    const vit = doc.models[0];
    expect(vit.spectra.blocks.map((b: { name: string }) => b.name)).toContain('blocks.0.attn.q');
    expect(vit.spectra.js0).toBeGreaterThan(0);
    const svgs = (await readdir(out)).filter((f) => f.endsWith('.svg'));
    expect(svgs.length).toBeGreaterThanOrEqual(3 + 4);
    for (const f of svgs) expect(await readFile(path.join(out, f), 'utf8')).toMatch(/^<svg/);
    const html = await readFile(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('JS⁰');

    // Resuming reuses the checkpoint: the same spectra come back without recomputation.
    const again = await cli(['--model', 'vit', '--preset', 'tiny', '--backend', 'cpu', '--out', out, '--resume']);
    expect(again.stderr).toContain('vit seed 0: resuming (spectra done');
    const doc2 = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
    expect(doc2.models[0].spectra.js0).toBe(vit.spectra.js0);
  }, 300_000); // two CLI runs; minutes on a loaded 2-core machine

  it('names the valid models, presets and flags on bad input (exit code 2)', async () => {
    const m = await cliFails(['--model', 'resnet']);
    expect(m.code).toBe(2);
    expect(m.stderr).toContain("unknown model 'resnet'; valid: mlp, cnn, vgg, vit, gpt, mixer, bert, hetero-mlp, quadratic");
    const p = await cliFails(['--model', 'vit', '--preset', 'huge']);
    expect(p.code).toBe(2);
    expect(p.stderr).toContain('valid: tiny, small, paper');
    const f = await cliFails(['--model', 'vit', '--speed', '11']);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain("unknown option '--speed'");
  });
});
