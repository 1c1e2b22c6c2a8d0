/**
 * `--resume` reuses only what belongs to this run, says what it reuses, and
 * turns a checkpoint it cannot trust into exit code 2 without touching the
 * results of the run that wrote it. One good spectra-only run is made first;
 * each case works on its own copy of that directory.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TINY, checkpointFile, cli, editJson, idxDir, readResults, tmp } from './cli-helpers.js';

const SPECTRA = [...TINY, '--only', 'spectra'];
let base = '';
let baseDoc: any;

/** A fresh copy of the good run's directory. */
function copy(tag: string): string {
  const out = path.join(tmp(tag), 'run');
  cpSync(base, out, { recursive: true });
  return out;
}

const read = (out: string, f: string) => readFileSync(path.join(out, f), 'utf8');

beforeAll(async () => {
  base = path.join(tmp('resume-base'), 'run');
  const r = await cli([...SPECTRA, '--out', base]);
  expect(r.code, r.stderr).toBe(0);
  baseDoc = readResults(base).doc;
}, 90_000);

describe('CLI --resume: a checkpoint of another run is refused, naming what differs', () => {
  const other = idxDir(path.join(tmp('resume-idx'), 'mnist'), 200);
  /** [case, flags added to the resume, checkpoint edit, what the message must name]. */
  const CASES: [string, string[], ((ck: any) => void) | null, RegExp][] = [
    ['another --probes', ['--probes', '3'], null, /spectra\.probes: was 2, now 3/],
    ['another --bn', ['--bn', 'batch'], null, /bn: was "eval", now "batch"/],
    ['another --data', ['--data', other], null, /data \(SHA-256 of the data, --data\): was "[0-9a-f]{64}", now "[0-9a-f]{64}"/],
    // Only the CPU backend runs here: the checkpoint says it was made on WebGPU.
    ['another --backend', [], (ck) => { ck.fingerprint.backend = 'webgpu'; }, /backend \(--backend\): was "webgpu", now "cpu"/],
  ];
  it.concurrent.for(CASES)('%s', async ([, flags, edit, message], { expect }) => {
    const out = copy('resume-diff');
    if (edit) editJson(checkpointFile(out), edit);
    const before = [read(out, 'results.json'), read(out, 'report.html')];
    const r = await cli([...SPECTRA, '--out', out, '--resume', ...flags]);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('was made by a different run');
    expect(r.code, r.stderr).toBe(2);
    expect([read(out, 'results.json'), read(out, 'report.html')]).toEqual(before);
    expect(existsSync(path.join(out, '.heterograd.lock')), 'the refused run kept its lock').toBe(false);
  });
});

// Every shape problem is listed in checkpoint-shape.test.ts; these go through the CLI end to end.
describe('CLI --resume: a checkpoint that parses but is not one is refused (exit 2), never a TypeError', () => {
  const block = () => baseDoc.models[0].spectra.blocks[0].name as string;
  /** [case, new checkpoint from the good one, what the message must say]. */
  const CASES: [string, (ck: any) => unknown, RegExp][] = [
    // This one used to reach the report: a TypeError, exit 1, and results.json already replaced.
    ['an SLQ result replaced by a number', (ck) => { ck.spectraDone.slq[block()] = 5; }, /checkpoint\.spectraDone\.slq\.[\w.]+ is not an object/],
    ['a training run without its fields', (ck) => { ck.runs = [{ optimizer: 'sgd' }]; }, /checkpoint\.runs\[0\]\.lr is missing/],
    ['a checkpoint of another version', (ck) => { ck.version = 1; }, /its version is 1, this heterograd writes 2/],
    ['null', () => null, /it is not a JSON object/],
  ];
  it.concurrent.for(CASES)('%s', async ([, edit, message], { expect }) => {
    const out = copy('resume-shape');
    editJson(checkpointFile(out), edit);
    const before = [read(out, 'results.json'), read(out, 'report.html')];
    const r = await cli([...SPECTRA, '--out', out, '--resume']);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('is not a usable checkpoint');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).not.toMatch(/TypeError|^\s+at /m);
    expect([read(out, 'results.json'), read(out, 'report.html')]).toEqual(before);
  });
});

describe('CLI --resume: what is reused, and said', () => {
  it.concurrent('after a kill in the full-spectrum phase: the same spectra and the same sweep count as the uninterrupted run', async ({ expect }) => {
    const out = copy('resume-full');
    // The checkpoint as the last block probe left it: every block done, the full spectrum not begun.
    editJson(checkpointFile(out), (ck) => {
      const done = ck.spectraDone;
      ck.spectra = { slq: done.slq, sweeps: done.sweeps };
      delete ck.spectraDone;
    });
    const r = await cli([...SPECTRA, '--out', out, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('resuming (block spectra done, full spectrum to do, 0 training runs done)');
    expect(r.stderr).not.toMatch(/block spectra \(Lanczos steps\): (?!16\/16)/); // progress starts at the end: no block measured again
    const { doc, valid, errors } = readResults(out);
    expect(valid, errors).toBe(true);
    const [now, was] = [doc.models[0].spectra, baseDoc.models[0].spectra];
    expect(now.sweeps).toBe(was.sweeps);
    expect(now.js0).toBe(was.js0);
    expect(now.full.probes).toEqual(was.full.probes);
  });

  it.concurrent('with one block measured: the other is measured, and JS⁰ is the uninterrupted one', async ({ expect }) => {
    const out = copy('resume-block');
    const keep = baseDoc.models[0].spectra.blocks[0].name as string;
    editJson(checkpointFile(out), (ck) => {
      ck.spectra = { slq: { [keep]: ck.spectraDone.slq[keep] }, sweeps: 0 };
      delete ck.spectraDone;
    });
    const r = await cli([...SPECTRA, '--out', out, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('resuming (1 of 2 block spectra done, 0 training runs done)');
    expect(readResults(out).doc.models[0].spectra.js0).toBe(baseDoc.models[0].spectra.js0);
  });

  it.concurrent('spectra done, training asked for now: "spectra done", not "0 block spectra started"; the spectra are reused', async ({ expect }) => {
    const out = copy('resume-train');
    const r = await cli([...TINY, '--out', out, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('resuming (spectra done, 0 training runs done)');
    expect(r.stderr).not.toMatch(/block spectra started|block spectra \(Lanczos/);
    const { doc, valid, errors } = readResults(out);
    expect(valid, errors).toBe(true);
    expect(doc.models[0].spectra.js0).toBe(baseDoc.models[0].spectra.js0);
    expect(doc.models[0].training.runs.length).toBeGreaterThanOrEqual(2);
  });

  it.concurrent('training only, resumed: "no spectra yet", not "0 block spectra started"; no run trained again', async ({ expect }) => {
    const out = tmp('resume-only-train');
    const args = [...TINY, '--only', 'train', '--train-steps', '2', '--grid-extensions', '0', '--out', out];
    expect((await cli(args)).code).toBe(0);
    const r = await cli([...args, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('resuming (no spectra yet, 2 training runs done)');
    expect(r.stderr).not.toMatch(/block spectra started|: (sgd|adam) lr [\d.e-]+: 0\//);
    expect(readResults(out).doc.models[0].training.runs).toHaveLength(2);
  });

  it.concurrent('a rerun without --resume says it throws the checkpoint away', async ({ expect }) => {
    const out = copy('rerun');
    const r = await cli([...SPECTRA, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("mlp-seed0.json: an earlier run's checkpoint is here; starting over (--resume would reuse it)");
  });

  it.concurrent('--resume with nothing to resume (another seed) says it starts from the beginning', async ({ expect }) => {
    const out = copy('resume-none');
    const r = await cli([...SPECTRA, '--out', out, '--resume', '--seed', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('mlp-seed1.json: no checkpoint to resume; starting from the beginning');
  });

  it.concurrent('an unreadable checkpoint under --resume: exit 2 naming it; results.json and report.html untouched', async ({ expect }) => {
    const out = copy('resume-corrupt');
    const before = [read(out, 'results.json'), read(out, 'report.html')];
    writeFileSync(checkpointFile(out), '{"version": 2, "finger');
    const r = await cli([...SPECTRA, '--out', out, '--resume']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/checkpoints\/mlp-seed0\.json cannot be read \(.*not valid JSON/);
    expect([read(out, 'results.json'), read(out, 'report.html')]).toEqual(before);
  });

  it.concurrent('a rerun with a bad --data path: exit 2; results.json and report.html untouched', async ({ expect }) => {
    const out = copy('rerun-baddata');
    const before = [read(out, 'results.json'), read(out, 'report.html')];
    const r = await cli([...SPECTRA, '--out', out, '--data', path.join(out, 'no-such-dir')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/no-such-dir: directory not found/);
    expect([read(out, 'results.json'), read(out, 'report.html')]).toEqual(before);
  });
});
