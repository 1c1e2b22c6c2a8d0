/**
 * `node:os` for the browser bundle, which the CPU backend imports to name its
 * device ("CPU (n cores, …)") and to cap its array pool at a quarter of the
 * memory: the browser's core count, and its device memory (Chrome's
 * navigator.deviceMemory, in GiB and rounded down by the browser; 4 GiB where
 * the browser does not say).
 */
const nav = (globalThis as { navigator?: { hardwareConcurrency?: number; deviceMemory?: number } }).navigator;
const cores = nav?.hardwareConcurrency ?? 1;

export const cpus = (): { model: string }[] => Array.from({ length: cores }, () => ({ model: 'browser' }));
export const availableParallelism = (): number => cores;
export const totalmem = (): number => (nav?.deviceMemory ?? 4) * 2 ** 30;
export default { cpus, availableParallelism, totalmem };
