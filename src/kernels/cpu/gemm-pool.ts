// A persistent pool of worker_threads that run GEMM tasks synchronously for
// the calling thread. The engine is synchronous, so the caller publishes a job
// in shared memory, works on it itself, and blocks (Atomics.wait) until the
// tasks the workers claimed are done. No message passing per job: a wake-up
// is one futex notify, and packed operands already live in SharedArrayBuffers.
//
// Tasks are claimed dynamically from one 64-bit word, (job sequence << 32) |
// next task, with compare-and-swap. A worker that wakes late, or was starved
// by another process on a 2-vCPU box, simply finds nothing left: the caller
// never waits for a worker to *start*, only for tasks already claimed. The
// sequence half stops a late worker from claiming a task of a newer job with
// the older job's parameters (the caller closes the word before rewriting them).
//
// A job names its kernel: the JS kernel (gemm-kernel.ts) writing float32 or
// float64 scratch, or the Wasm SIMD kernel (wasm/), whose module and shared
// memory reach the workers with the scratch buffers.
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { KERNEL_SRC, MB, NB, type GemmJob } from './gemm-kernel.js';
import { WASM_JOB_KEYS, WASM_TASK_SRC, type WasmJob } from './wasm/kernel.js';

// Int32 slots of the control block; the claim word sits at byte CLAIM_BYTE.
const SEQ = 0, DONE = 1, QUIT = 2, BUFVER = 3, READY = 4, WORKER_TASKS = 5, FAILED = 6;
const P = 8; // job parameters: nTasks, kernel, then the GemmJob fields in JOB_KEYS order (or WasmJob in WASM_JOB_KEYS order)
/** Kernels a job may name: the JS kernel writing float32 or float64, or the Wasm kernel. */
const JS_F32 = 0, JS_F64 = 1, WASM = 2;
const JOB_KEYS: (keyof GemmJob)[] = ['batch', 'm', 'k', 'n', 'mb', 'mBlocks', 'nBlocks', 'group', 'paStride', 'pbStride', 'outStride'];
const CLAIM_BYTE = 128; // above P + 2 + max(JOB_KEYS, WASM_JOB_KEYS) Int32 slots
/** The warm-up job: one full 48×64 tile with K = 256. */
const WARM_JOB: GemmJob = { batch: 1, m: MB, k: 256, n: NB, mb: MB, mBlocks: 1, nBlocks: 1, group: 1, paStride: 0, pbStride: 0, outStride: 0 };
const CLOSED = 0xffffffffn;

const WORKER_SRC = /* js */ `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
${KERNEL_SRC}
${WASM_TASK_SRC}
const ctrl = new Int32Array(workerData.ctrl);
const claim = new BigInt64Array(workerData.ctrl, ${CLAIM_BYTE}, 1);
const acc = new Float64Array(${MB * NB});
let pa, pb, out32, out64, tile = null, wasmId = -1, bufVer = -1, seen = 0;
// One literal, so every job object has the same hidden class as the warm-up's.
const readJob = (src) => ({ ${JOB_KEYS.map((key, i) => `${key}: Atomics.load(src, ${P + 2 + i})`).join(', ')} });
const readWasmJob = (src) => ({ ${WASM_JOB_KEYS.map((key, i) => `${key}: Atomics.load(src, ${P + 2 + i})`).join(', ')} });
// Warm the JIT before reporting ready, with the same job shape and the same
// shared float32/float64 outputs real jobs use: a cold (or deoptimised) worker
// runs its tiles many times slower, and the caller waits for its last tile.
{
  const wa = new Float64Array(new SharedArrayBuffer(${8 * MB * WARM_JOB.k}));
  const wb = new Float64Array(new SharedArrayBuffer(${8 * NB * WARM_JOB.k}));
  const params = new Int32Array(${P + 2 + JOB_KEYS.length});
  params.set(${JSON.stringify(JOB_KEYS.map((key) => WARM_JOB[key]))}, ${P + 2});
  const wjob = readJob(params), wout = new SharedArrayBuffer(8 * ${MB * NB});
  for (let i = 0; i < 40; i++) runTask(0, wjob, wa, wb, acc, i % 2 ? new Float32Array(wout) : new Float64Array(wout));
}
Atomics.add(ctrl, ${READY}, 1);
for (;;) {
  Atomics.wait(ctrl, ${SEQ}, seen);
  if (Atomics.load(ctrl, ${QUIT})) break;
  const seq = Atomics.load(ctrl, ${SEQ});
  seen = seq;
  // Parameters may be torn if the caller already moved on; the CAS below only
  // succeeds while the claim word still carries this seq, which proves they were not.
  const want = Atomics.load(ctrl, ${BUFVER});
  while (bufVer < want) {
    const got = receiveMessageOnPort(workerData.port);
    if (!got) break;
    const msg = got.message;
    bufVer = msg.ver;
    pa = new Float64Array(msg.pa); pb = new Float64Array(msg.pb);
    out32 = new Float32Array(msg.out); out64 = new Float64Array(msg.out);
    // The shared memory grows in place, so one instance serves until the kernel is replaced.
    if (msg.wasm && msg.wasm.id !== wasmId) {
      tile = new WebAssembly.Instance(msg.wasm.module, { env: { memory: msg.wasm.memory } }).exports.tile;
      wasmId = msg.wasm.id;
    }
  }
  if (bufVer < want) continue; // cannot happen (posts precede the version bump); skip the job if it does
  const nTasks = Atomics.load(ctrl, ${P});
  const kernel = Atomics.load(ctrl, ${P + 1});
  if (kernel === ${WASM} && !tile) continue;
  const job = kernel === ${WASM} ? readWasmJob(ctrl) : readJob(ctrl);
  const out = kernel === ${JS_F64} ? out64 : out32;
  for (;;) {
    const w = Atomics.load(claim, 0);
    const t = Number(w & 0xffffffffn);
    if (Number(w >> 32n) !== seq || t >= nTasks) break;
    if (Atomics.compareExchange(claim, 0, w, w + 1n) !== w) continue;
    try {
      if (kernel === ${WASM}) runWasmTask(t, job, tile); else runTask(t, job, pa, pb, acc, out);
    } catch (e) { Atomics.store(ctrl, ${FAILED}, 1); }
    Atomics.add(ctrl, ${WORKER_TASKS}, 1);
    Atomics.add(ctrl, ${DONE}, 1);
    Atomics.notify(ctrl, ${DONE});
  }
}
`;

interface Pool { ctrl: Int32Array; claim: BigInt64Array; workers: Worker[]; ports: MessagePort[] }

let pool: Pool | null = null;
let threads = Math.max(1, availableParallelism());
let seq = 0;
let bufVer = 0;
interface Scratch { pa: Float64Array; pb: Float64Array; out: SharedArrayBuffer }
let buffers: Scratch = { pa: new Float64Array(0), pb: new Float64Array(0), out: new SharedArrayBuffer(0) };
let wasm: { module: WebAssembly.Module; memory: WebAssembly.Memory; id: number } | null = null;

/** Threads a threaded GEMM uses, the caller included. */
export function poolThreads(): number {
  return threads;
}

/** Sets the thread count (1 = never start workers); restarts the pool lazily. */
export function setPoolThreads(n: number): void {
  shutdownPool();
  threads = Math.max(1, Math.floor(n));
}

function startPool(): Pool {
  const sab = new SharedArrayBuffer(CLAIM_BYTE + 8); // P + 2 + JOB_KEYS.length Int32 slots fit below CLAIM_BYTE
  const p: Pool = { ctrl: new Int32Array(sab), claim: new BigInt64Array(sab, CLAIM_BYTE, 1), workers: [], ports: [] };
  p.ctrl[SEQ] = seq;
  p.ctrl[BUFVER] = bufVer;
  for (let i = 0; i < threads - 1; i++) {
    const { port1, port2 } = new MessageChannel();
    const w = new Worker(WORKER_SRC, { eval: true, workerData: { ctrl: sab, port: port2 }, transferList: [port2] });
    w.unref(); // an idle pool must not keep the process alive
    // A worker that dies before claiming anything costs speed, not correctness:
    // the caller claims whatever the workers leave.
    w.on('error', (e) => console.warn('gemm: worker failed, continuing without it:', e));
    port1.unref();
    p.workers.push(w);
    p.ports.push(port1);
  }
  pool = p;
  postBuffers();
  return p;
}

function postBuffers(): void {
  if (!pool) return;
  const msg = { ver: bufVer, pa: buffers.pa.buffer, pb: buffers.pb.buffer, out: buffers.out, wasm };
  for (const port of pool.ports) port.postMessage(msg);
  Atomics.store(pool.ctrl, BUFVER, bufVer); // after the posts, so a worker that sees it finds the message
}

/** Shared scratch of at least these sizes; grows geometrically, shared with workers. */
export function scratch(paLen: number, pbLen: number, outBytes: number): Scratch {
  const grow = (have: number, need: number) => (need <= have ? have : Math.max(need, Math.ceil(have * 1.5)));
  const b = buffers;
  if (paLen <= b.pa.length && pbLen <= b.pb.length && outBytes <= b.out.byteLength) return b;
  buffers = {
    pa: paLen <= b.pa.length ? b.pa : new Float64Array(new SharedArrayBuffer(8 * grow(b.pa.length, paLen))),
    pb: pbLen <= b.pb.length ? b.pb : new Float64Array(new SharedArrayBuffer(8 * grow(b.pb.length, pbLen))),
    out: outBytes <= b.out.byteLength ? b.out : new SharedArrayBuffer(8 * Math.ceil(grow(b.out.byteLength, outBytes) / 8)),
  };
  bufVer++;
  postBuffers();
  return buffers;
}

/** Gives the workers the Wasm kernel: they instantiate `module` on the shared `memory` (once per call of this). */
export function setPoolWasm(module: WebAssembly.Module, memory: WebAssembly.Memory): void {
  wasm = { module, memory, id: (wasm?.id ?? 0) + 1 };
  bufVer++;
  postBuffers();
}

/**
 * Runs tasks 0..nTasks-1 of `job` on the caller and the workers; `local(t)` runs
 * one on the caller. Workers write into the shared `out` scratch (float64 when
 * outIsF64). Returns when every task is done.
 */
export function runPooled(job: GemmJob, nTasks: number, outIsF64: boolean, local: (t: number) => void): void {
  runJob(outIsF64 ? JS_F64 : JS_F32, JOB_KEYS.map((key) => job[key]), nTasks, local);
}

/** As runPooled, for the Wasm kernel (setPoolWasm first): workers write C into the shared Wasm memory. */
export function runPooledWasm(job: WasmJob, nTasks: number, local: (t: number) => void): void {
  runJob(WASM, WASM_JOB_KEYS.map((key) => job[key]), nTasks, local);
}

function runJob(kernel: number, fields: number[], nTasks: number, local: (t: number) => void): void {
  const p = pool ?? startPool();
  const { ctrl, claim } = p;
  seq = (seq + 1) & 0x7fffffff;
  const s = BigInt(seq) << 32n;
  Atomics.store(claim, 0, s | CLOSED); // late workers of the last job now fail their CAS
  Atomics.store(ctrl, P, nTasks);
  Atomics.store(ctrl, P + 1, kernel);
  fields.forEach((x, i) => Atomics.store(ctrl, P + 2 + i, x));
  Atomics.store(ctrl, DONE, 0);
  Atomics.store(claim, 0, s);
  Atomics.store(ctrl, SEQ, seq);
  Atomics.notify(ctrl, SEQ);
  for (;;) {
    const t = Number(Atomics.add(claim, 0, 1n) & CLOSED); // only the caller may over-claim
    if (t >= nTasks) break;
    local(t);
    Atomics.add(ctrl, DONE, 1);
  }
  for (let d = Atomics.load(ctrl, DONE); d < nTasks; d = Atomics.load(ctrl, DONE)) Atomics.wait(ctrl, DONE, d);
  if (Atomics.exchange(ctrl, FAILED, 0)) throw new Error('gemm: a worker task threw');
}

/** Resolves once the workers are up (benchmarks call it to exclude start-up). */
export async function startPoolAndWait(timeoutMs = 5000): Promise<void> {
  if (threads < 2) return;
  const p = pool ?? startPool();
  const t0 = Date.now();
  while (Atomics.load(p.ctrl, READY) < p.workers.length && Date.now() - t0 < timeoutMs) {
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Tasks run by workers since the pool started (tests use it to prove the threaded path ran). */
export function workerTaskCount(): number {
  return pool ? Atomics.load(pool.ctrl, WORKER_TASKS) : 0;
}

/** Stops the workers; the next threaded GEMM starts a new pool. */
export function shutdownPool(): void {
  if (!pool) return;
  Atomics.store(pool.ctrl, QUIT, 1);
  Atomics.add(pool.ctrl, SEQ, 1);
  seq = Atomics.load(pool.ctrl, SEQ);
  Atomics.notify(pool.ctrl, SEQ);
  for (const w of pool.workers) void w.terminate();
  for (const port of pool.ports) port.close();
  pool = null;
}
