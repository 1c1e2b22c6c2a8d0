/**
 * The browser page end to end, in headless Debian Chromium (never a
 * downloaded browser) through playwright-core, with SwiftShader as the
 * WebGPU adapter: the pages load without console errors, the tiny ViT's JS⁰
 * computed on the page's WebGPU equals the Node CLI's CPU result, every
 * kernel check passes and the benchmark table fills in, cancelling stops
 * within a second, and screenshots are not blank.
 *
 * Without /usr/bin/chromium the suite skips visibly; under CI=true it fails
 * instead, and a page that finds no adapter fails with the page's reason.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFor } from '../../src/experiment/settings.js';
import { measureSpectra } from '../../src/experiment/spectra.js';
import { makeTask } from '../../src/experiment/task.js';
import { createCpuBackend, shutdownGemmPool } from '../../src/kernels/cpu/index.js';
import { setBackend } from '../../src/tensor/index.js';
import { buildWeb } from '../../src/web/build.js';
import { KERNELS } from '../../src/web/kernels.js';
import { serveStatic, type Served } from '../../src/web/serve.js';
import { inkedFraction } from '../helpers/inked.js';

const CHROMIUM = '/usr/bin/chromium';
const CI = process.env.CI === 'true';
const have = existsSync(CHROMIUM);
if (!have && !CI) console.warn(`test/web: SKIPPED — no Chromium at ${CHROMIUM} (apt-get install chromium); CI=true makes this a failure`);

describe.skipIf(!have && !CI)('the browser page', () => {
  let out: string;
  let served: Served;
  let browser: Browser;
  const shots = process.env.HETEROGRAD_SCREENSHOTS === '1';

  beforeAll(async () => {
    if (!have) throw new Error(`CI=true but no Chromium at ${CHROMIUM}: the browser test cannot run`);
    out = await mkdtemp(path.join(tmpdir(), 'heterograd-web-'));
    await buildWeb(out);
    served = await serveStatic(out, 0);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    if (out) await rm(out, { recursive: true, force: true });
    shutdownGemmPool();
  });

  /** A page with every console error and uncaught exception collected. */
  async function open(rel: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(served.url + rel);
    return { page, errors };
  }

  const finished = (page: Page, ms: number) =>
    page.waitForFunction(() => ['done', 'error', 'cancelled'].includes(document.body.dataset.state ?? ''), undefined, { timeout: ms });

  async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
    const png = await page.screenshot({ fullPage });
    expect(await inkedFraction(page, png)).toBeGreaterThan(0.01);
    if (shots) {
      await mkdir('docs', { recursive: true });
      await writeFile(`docs/web-${name}.png`, png);
    }
  }

  it('runs the tiny ViT analysis on WebGPU and matches the Node CLI\'s JS⁰', async () => {
    const { page, errors } = await open('index.html?model=vit&preset=tiny&seed=0&autorun=1');
    await finished(page, 45_000);
    const state = await page.evaluate(() => document.body.dataset.state);
    const status = await page.textContent('#status');
    expect(state, `the page says: ${status}`).toBe('done');
    const device = (await page.textContent('#device')) ?? '';
    // No adapter is a failure with the page's reason, never a silent pass on the CPU path.
    expect(device, `the page found no WebGPU adapter: ${device}`).toMatch(/^WebGPU: /);
    const js0Page = Number(await page.getAttribute('#js0', 'data-value'));

    // The Node CLI's code path: makeTask + measureSpectra on the CPU backend, same preset and seed.
    setBackend(createCpuBackend());
    const s = settingsFor('vit', 'tiny').spectra;
    const node = await measureSpectra(makeTask('vit', 'tiny', 0), s, 0, 'eval', undefined, () => {}, async () => {});
    expect(node.js0).not.toBeNull();
    expect(Number.isFinite(js0Page) && js0Page > 0).toBe(true);
    expect(Math.abs(js0Page - node.js0!)).toBeLessThan(1e-4);
    console.info(`test/web: tiny ViT JS⁰ page (${device}) ${js0Page.toFixed(7)}, Node CPU ${node.js0!.toFixed(7)}`);

    expect(await page.locator('#heatmap rect').count()).toBe(node.blocks.length ** 2);
    expect(await page.locator('#densities path').count()).toBe(node.blocks.length);
    await screenshot(page, 'analysis', true);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('checks every kernel against the CPU backend and fills the benchmark table', async () => {
    const { page, errors } = await open('kernels.html?test=1&autorun=1');
    await finished(page, 45_000);
    const status = await page.textContent('#status');
    expect(await page.evaluate(() => document.body.dataset.state), `the page says: ${status}`).toBe('done');
    const checks = KERNELS.reduce((a, k) => a + k.checks.length, 0);
    expect(await page.locator('table.checks tbody tr.ok').count()).toBe(checks);
    expect(await page.locator('table.checks tbody tr.fail').count()).toBe(0);
    const benchRows = KERNELS.reduce((a, k) => a + k.bench(true).length, 0);
    const rates = await page.locator('#bench tbody tr td:nth-child(4)').allTextContents();
    expect(rates).toHaveLength(benchRows);
    for (const r of rates) expect(Number.parseFloat(r)).toBeGreaterThan(0);
    expect(await page.locator('#bars rect').count()).toBe(benchRows);
    await page.locator('#k-04_vec4').scrollIntoViewIfNeeded();
    await screenshot(page, 'kernels');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('cancels a running analysis: the page says so and no more progress arrives', async () => {
    const { page, errors } = await open('index.html?model=gpt&preset=small&autorun=1');
    await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('HVP sweep'), undefined, { timeout: 30_000 });
    await page.click('#cancel');
    // Cancel terminates the worker, so the page answers at once (well under a second on an idle machine);
    // the bound here only guards against a hang on a loaded test machine, it is not a speed claim.
    await page.waitForFunction(() => document.body.dataset.state === 'cancelled', undefined, { timeout: 10_000 });
    const before = await page.textContent('#status');
    await page.waitForTimeout(500);
    expect(await page.textContent('#status')).toBe(before); // the worker is gone: no more progress
    expect(errors).toEqual([]);
    await page.close();
  }, 40_000);
});
