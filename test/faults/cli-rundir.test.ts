/**
 * The run directory: one run at a time (a second exits 2 naming the holder, a
 * dead holder's lock is taken over and said so), debris of interrupted atomic
 * writes removed (and nothing else), and Ctrl-C answered promptly with how to resume.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, it } from 'vitest';
import { TINY, checkpointFile, cli, cliStart, tmp } from './cli-helpers.js';

const SPECTRA = [...TINY, '--only', 'spectra'];
const LOCK = '.heterograd.lock';

function writeLock(out: string, pid: number, host = hostname()): string {
  mkdirSync(out, { recursive: true });
  const file = path.join(out, LOCK);
  writeFileSync(file, JSON.stringify({ pid, host, started: '2026-01-01T00:00:00.000Z', command: 'npm run experiment -- --model vit' }));
  return file;
}

/** Polls until `pred` holds (or throws after `ms`). */
async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('CLI run directory', () => {
  it.concurrent('a lock whose process is gone is taken over, with a message; the run then releases it', async ({ expect }) => {
    const out = tmp('stale');
    const dead = spawnSync(process.execPath, ['-e', '']).pid!; // exited: its pid names no process now
    const lock = writeLock(out, dead);
    const r = await cli([...SPECTRA, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`taking over a stale lock in ${out} (pid ${dead} is no longer running)`);
    expect(existsSync(lock)).toBe(false);
  });

  it.concurrent('a lock held by a live process: exit 2 naming it, and its lock is left alone', async ({ expect }) => {
    const out = tmp('held');
    const lock = writeLock(out, process.pid); // this test's own process: alive, on this host
    const before = readFileSync(lock, 'utf8');
    const r = await cli([...SPECTRA, '--out', out]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`--out ${out} is in use by another run (pid ${process.pid} on ${hostname()}`);
    expect(r.stderr).toContain('npm run experiment -- --model vit');
    expect(readFileSync(lock, 'utf8')).toBe(before);
  });

  it.concurrent('a lock from another host is not taken over (its pid cannot be checked from here)', async ({ expect }) => {
    const out = tmp('remote');
    writeLock(out, 1, 'some-other-machine');
    const r = await cli([...SPECTRA, '--out', out]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('in use by another run (pid 1 on some-other-machine');
  });

  it.concurrent('debris of interrupted atomic writes is removed, and said; the user\'s own files are not', async ({ expect }) => {
    const out = tmp('debris');
    mkdirSync(path.join(out, 'checkpoints'), { recursive: true });
    const debris = ['results.json.1234567', 'report.html.42', 'figure-01-mlp-block-hessian-spectra.csv.99', 'checkpoints/mlp-seed0.json.3141592653'];
    const mine = ['notes.json.1', 'checkpoints/README.txt.2'];
    for (const f of [...debris, ...mine]) writeFileSync(path.join(out, f), 'x');
    const r = await cli([...SPECTRA, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    for (const f of debris) {
      expect(existsSync(path.join(out, f)), f).toBe(false);
      expect(r.stderr).toContain(`removed ${path.join(out, f)}, left by an interrupted write`);
    }
    for (const f of mine) expect(existsSync(path.join(out, f)), f).toBe(true);
    expect(JSON.parse(readFileSync(checkpointFile(out), 'utf8')).spectraDone).toBeTruthy();
  });

  it('a second run while one is going exits 2 naming it; Ctrl-C stops the first at once, says how to resume, exits 130, frees --out', async ({ expect }) => {
    const out = tmp('sigint');
    // A long training run (stopped long before its end): 20000 steps of the tiny MLP.
    const args = [...TINY, '--out', out, '--train-steps', '20000'];
    const first = cliStart(args);
    const lock = path.join(out, LOCK);
    await until(() => existsSync(lock), 60_000, 'the first run to take its lock');
    const second = await cli([...SPECTRA, '--out', out]);
    expect(second.code, second.stderr).toBe(2);
    expect(second.stderr).toContain(`--out ${out} is in use by another run (pid ${first.pid} on ${hostname()}`);
    // Interrupt inside the first training run (after the spectra are checkpointed).
    const spectraDone = () => existsSync(checkpointFile(out)) && JSON.parse(readFileSync(checkpointFile(out), 'utf8')).spectraDone !== undefined;
    await until(spectraDone, 60_000, 'the spectra checkpoint');
    const t0 = Date.now();
    process.kill(first.pid, 'SIGINT');
    const r = await first.done;
    const seconds = (Date.now() - t0) / 1000;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/SIGINT: stopped\. .*checkpointed in .*checkpoints; run the same command with --resume to go on/);
    // Answered within the run, not after it: no training run reached its end (a CPU loop that never yields would finish first).
    expect(r.stderr).not.toMatch(/lr 0\.1: final loss/);
    expect(seconds).toBeLessThan(20);
    expect(existsSync(lock)).toBe(false);
  }, 150_000);
});
