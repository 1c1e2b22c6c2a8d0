/**
 * The analysis page: pick a model and SLQ settings, run the block spectra in
 * a worker, and draw the JS heatmap and densities as probes land. The page
 * records its state on <body data-state> and JS⁰ on #js0[data-value] (full
 * precision), which the browser test reads. URL parameters (model, preset,
 * steps, probes, seed, backend, autorun=1) fill the form.
 */
import { SETTINGS } from '../../experiment/settings.js';
import type { AnalysisMessage, AnalysisRequest } from '../protocol.js';
import { WEB_MODELS, WEB_PRESETS } from '../task.js';
import { densities, heatmap } from '../ui/charts.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = {
  model: $<HTMLSelectElement>('model'), preset: $<HTMLSelectElement>('preset'), steps: $<HTMLInputElement>('steps'),
  probes: $<HTMLInputElement>('probes'), seed: $<HTMLInputElement>('seed'), backend: $<HTMLSelectElement>('backend'),
};
const run = $<HTMLButtonElement>('run');
const cancel = $<HTMLButtonElement>('cancel');
const bar = $<HTMLProgressElement>('progress');
const status = $('status');
const setState = (s: string) => { document.body.dataset.state = s; };

for (const m of WEB_MODELS) form.model.add(new Option(m, m));
for (const p of WEB_PRESETS) form.preset.add(new Option(p, p));
const presetDefaults = () => {
  const s = SETTINGS[form.preset.value as 'tiny' | 'small'].spectra;
  form.steps.value = String(s.steps);
  form.probes.value = String(s.probes);
};
form.preset.onchange = presetDefaults;
const url = new URLSearchParams(location.search);
if (url.get('model')) form.model.value = url.get('model')!;
if (url.get('preset')) form.preset.value = url.get('preset')!;
presetDefaults();
for (const k of ['steps', 'probes', 'seed'] as const) if (url.get(k)) form[k].value = url.get(k)!;
if (url.get('backend')) form.backend.value = url.get('backend')!;
setState('idle');

let worker: Worker | null = null;

function stop(state: string, line: string): void {
  worker?.terminate();
  worker = null;
  run.disabled = false;
  cancel.disabled = true;
  status.textContent = line;
  setState(state);
}

function showJs(js: { labels: string[]; matrix: number[][] } | null, js0: number | null): void {
  if (js) $('heatmap').innerHTML = heatmap(js.labels, js.matrix);
  const el = $('js0');
  el.textContent = js0 === null ? '—' : js0.toFixed(5);
  if (js0 !== null) el.dataset.value = String(js0);
}

function start(): void {
  const req: AnalysisRequest = {
    model: form.model.value, preset: form.preset.value, steps: Number(form.steps.value), probes: Number(form.probes.value),
    seed: Number(form.seed.value), backend: form.backend.value as AnalysisRequest['backend'],
  };
  for (const id of ['heatmap', 'densities', 'device', 'task']) $(id).innerHTML = '';
  showJs(null, null);
  delete $('js0').dataset.value;
  bar.value = 0;
  run.disabled = true;
  cancel.disabled = false;
  status.textContent = 'starting…';
  setState('running');
  const t0 = performance.now();
  worker = new Worker(new URL('./analysis-worker.js', location.href), { type: 'module' });
  worker.onerror = (e) => stop('error', `error: ${e.message || 'the worker failed to start'}`);
  worker.onmessage = (e: MessageEvent<AnalysisMessage>) => {
    const m = e.data;
    switch (m.type) {
      case 'backend':
        $('device').textContent = m.fallback ? `${m.device} — WebGPU is not available here: ${m.fallback}` : m.device;
        $('device').className = m.fallback ? 'warn' : '';
        break;
      case 'task':
        $('task').textContent = `${m.data}; Hessian batch ${m.batch}; ${m.blocks.length} blocks: ${m.blocks.map((b) => `${b.name} (${b.dim})`).join(', ')}`;
        break;
      case 'progress':
        bar.value = m.sweeps / m.totalSweeps;
        status.textContent = `HVP sweep ${m.sweeps} of ~${m.totalSweeps}, ${m.probes} of ${m.totalProbes} block probes done, ${((performance.now() - t0) / 1000).toFixed(1)} s`;
        break;
      case 'partial':
        $('densities').innerHTML = densities(m.curves);
        showJs(m.js, m.js0);
        break;
      case 'done':
        $('densities').innerHTML = densities(m.curves);
        showJs(m.js, m.js0);
        bar.value = 1;
        stop('done', `done in ${m.seconds.toFixed(1)} s`);
        break;
      case 'error':
        stop('error', `error: ${m.message}`);
        break;
    }
  };
  worker.postMessage(req);
}

run.onclick = start;
cancel.onclick = () => stop('cancelled', 'cancelled');
if (url.get('autorun') === '1') start();
