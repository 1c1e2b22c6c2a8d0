/**
 * report.html in headless Debian Chromium (playwright-core): a report with
 * one failed model renders without console errors and shows the settings,
 * the failure's message and the provenance; every figure is numbered and
 * captioned as its files are; the screenshot is not blank. The results
 * document is made without running anything (test/helpers/report-doc.ts)
 * and checked against results.json's schema first.
 *
 * Without /usr/bin/chromium the browser half skips visibly; under CI=true it fails.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/experiment/outputs.js';
import { resultsJsonSchema } from '../../src/experiment/schema.js';
import { inkedFraction } from '../helpers/inked.js';
import { FAILURE, reportDoc } from '../helpers/report-doc.js';

const CHROMIUM = '/usr/bin/chromium';
const CI = process.env.CI === 'true';
const have = existsSync(CHROMIUM);
if (!have && !CI) console.warn(`test/experiment/report-page: browser checks SKIPPED — no Chromium at ${CHROMIUM}; CI=true makes this a failure`);

describe('report.html of a run with a failed model', () => {
  const doc = reportDoc();
  let dir = '';
  let html = '';
  let written: { title: string; files: string[] }[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hg-report-page-'));
    written = await writeReport(dir, doc, { formats: ['csv'] });
    html = await readFile(path.join(dir, 'report.html'), 'utf8');
  }, 60_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is made from a document shaped like results.json', () => {
    const validate = new Ajv({ strict: false }).compile(resultsJsonSchema);
    expect(validate(JSON.parse(JSON.stringify(doc))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('has the settings, the failure with its message, held-out results and provenance', () => {
    for (const id of ['summary', 'model-gpt', 'model-vgg', 'runs', 'conventions', 'failures', 'settings', 'provenance']) expect(html).toContain(`<section id="${id}">`);
    expect(html).toContain('role="alert">1 of 3 model runs failed');
    expect(html.match(new RegExp(FAILURE.error.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g'))?.length).toBe(2); // the alert and the failures table
    expect(html).toContain('<td>spectra.probes</td>');
    expect(html).toContain('<dt>git commit</dt><dd>0123456789abcdef0123456789abcdef01234567</dd>');
    expect(html).toContain(`<dd>${doc.command}</dd>`);
    expect(html).toContain('held-out accuracy (%)');
  });

  it('numbers and captions every figure as its files are named', async () => {
    const caps = [...html.matchAll(/<figcaption><b>Figure (\d+)\. ([^<]*)<\/b>( — [^<]+)?<\/figcaption>/g)];
    expect(caps.map((c) => Number(c[1]))).toEqual(written.map((_, i) => i + 1));
    expect(caps.every((c) => (c[3] ?? '').length > 20)).toBe(true);
    expect(caps.map((c) => c[2].replace(/&#39;/g, "'"))).toEqual(written.map((w) => w.title));
    const files = (await readdir(dir)).filter((f) => f.endsWith('.csv')).sort();
    expect(files.map((f) => Number(f.slice(7, 9)))).toEqual(written.map((_, i) => i + 1));
    // gpt: raw and normalized spectra, full spectrum, heatmap, loss; vgg the same; then JS⁰ against the gap.
    expect(written).toHaveLength(11);
    expect(html.match(/shares one colour scale, 0 to 0\.8\d*/g)?.length).toBe(2);
  });

  describe.skipIf(!have && !CI)('in Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      if (!have) throw new Error(`CI=true but no Chromium at ${CHROMIUM}`);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox'] });
    }, 30_000);
    afterAll(async () => { await browser?.close(); });

    it('renders without console errors, shows settings and the failure, and is not blank', async () => {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${path.join(dir, 'report.html')}`);
      expect(await page.locator('p.warning').isVisible()).toBe(true);
      expect(await page.locator('#failures').innerText()).toContain(FAILURE.error);
      expect(await page.locator('#settings').innerText()).toContain('spectra.sigma2');
      expect(await page.locator('#provenance').innerText()).toContain(doc.command);
      expect(await page.locator('figure svg').count()).toBe(written.length);
      const png = await page.screenshot({ fullPage: true });
      const inked = await inkedFraction(page, png);
      expect(inked).toBeGreaterThan(0.02);
      expect(errors).toEqual([]);
      await page.close();
    }, 30_000);
  });
});
