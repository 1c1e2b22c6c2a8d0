/**
 * `node:os` for the browser bundle, which the CPU backend imports only to
 * name its device ("CPU (n cores, …)"): the browser's core count instead.
 */
const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;

export const cpus = (): { model: string }[] => Array.from({ length: cores }, () => ({ model: 'browser' }));
export const availableParallelism = (): number => cores;
export default { cpus, availableParallelism };
