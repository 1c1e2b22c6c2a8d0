/**
 * The kernel page: every WGSL kernel of the progression with its source and
 * the README's account of its idea; then, in a worker, a check of each
 * against the CPU backend and a benchmark on this device. State on
 * <body data-state>; `?test=1` uses tiny shapes, `?autorun=1` starts at once.
 */
import { KERNELS } from '../kernels.js';
import type { BenchRow } from '../kernels.js';
import type { KernelNotes } from '../notes.js';
import type { KernelMessage } from '../protocol.js';
import { bars } from '../ui/charts.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const url = new URLSearchParams(location.search);
const test = url.get('test') === '1';
const run = $<HTMLButtonElement>('run');
const cancel = $<HTMLButtonElement>('cancel');
const status = $('status');
const setState = (s: string) => { document.body.dataset.state = s; };
const el = (tag: string, text = '', cls = '') => Object.assign(document.createElement(tag), { textContent: text, className: cls });

async function render(): Promise<void> {
  const r = await fetch(new URL('./notes.json', location.href));
  if (!r.ok) throw new Error(`notes.json: HTTP ${r.status}`);
  const notes = (await r.json()) as KernelNotes;
  const list = $('kernels');
  for (const k of KERNELS) {
    const sec = el('section');
    sec.id = `k-${k.id}`;
    const note = notes[k.note];
    sec.append(el('h3', k.id));
    if (note) {
      sec.append(el('p', note.idea));
      if (note.why) sec.append(el('p', `Why it should be faster: ${note.why}`, 'why'));
    }
    const src = el('details');
    src.append(el('summary', 'WGSL source'), el('pre', k.source()));
    const checks = el('table', '', 'checks');
    checks.innerHTML = '<thead><tr><th>check against the CPU backend</th><th>kernel that ran</th><th>max rel. error</th><th></th></tr></thead><tbody></tbody>';
    sec.append(src, checks);
    list.append(sec);
  }
}

let worker: Worker | null = null;
const rows: BenchRow[] = [];

function stop(state: string, line: string): void {
  worker?.terminate();
  worker = null;
  run.disabled = false;
  cancel.disabled = true;
  status.textContent = line;
  setState(state);
}

function start(): void {
  rows.length = 0;
  document.querySelectorAll('table.checks tbody, #bench tbody').forEach((t) => { t.innerHTML = ''; });
  $('bars').innerHTML = '';
  run.disabled = true;
  cancel.disabled = false;
  status.textContent = 'checking kernels against the CPU backend…';
  setState('running');
  let failed = 0;
  worker = new Worker(new URL('./kernels-worker.js', location.href), { type: 'module' });
  worker.onerror = (e) => stop('error', `error: ${e.message || 'the worker failed to start'}`);
  worker.onmessage = (e: MessageEvent<KernelMessage>) => {
    const m = e.data;
    if (m.type === 'backend') $('device').textContent = m.device;
    else if (m.type === 'check') {
      const c = m.result;
      if (!c.ok) failed++;
      const tr = document.createElement('tr');
      tr.className = c.ok ? 'ok' : 'fail';
      tr.append(el('td', c.label), el('td', c.ran), el('td', c.error.toExponential(2)), el('td', c.ok ? 'pass' : `FAIL (tol ${c.tol})`));
      document.querySelector(`#k-${c.kernel} table.checks tbody`)!.append(tr);
    } else if (m.type === 'bench') {
      rows.push(m.row);
      status.textContent = `benchmarking: ${m.row.kernel} ${m.row.shape}`;
      const tr = document.createElement('tr');
      tr.append(el('td', m.row.kernel), el('td', m.row.shape), el('td', m.row.ms.toPrecision(3)), el('td', `${m.row.rate.toPrecision(3)} ${m.row.unit}`), el('td', String(m.row.reps)));
      document.querySelector('#bench tbody')!.append(tr);
      $('bars').innerHTML = bars(rows.map((r) => ({ label: `${r.kernel} ${r.shape}`, value: r.rate, unit: r.unit })));
    } else if (m.type === 'done') {
      document.body.dataset.failed = String(failed);
      stop('done', `done in ${m.seconds.toFixed(1)} s: ${failed === 0 ? 'every check passed' : `${failed} checks FAILED`}`);
    } else stop('error', `error: ${m.message}`);
  };
  worker.postMessage({ test });
}

run.onclick = start;
cancel.onclick = () => stop('cancelled', 'cancelled');
if (test) $('mode').textContent = '(test mode: tiny shapes, short samples)';
render().then(() => { setState('idle'); if (url.get('autorun') === '1') start(); })
  .catch((e: Error) => { status.textContent = `error: ${e.message}`; setState('error'); });
