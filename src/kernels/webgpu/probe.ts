/**
 * Choosing Vulkan drivers for Dawn without noise on the terminal (Node only).
 *
 * Dawn writes its complaints about a driver it rejects (Mesa's lavapipe:
 * "Warning: Vulkan shaderUniform*ArrayDynamicIndexing required. … at
 * InitializeImpl (…/PhysicalDeviceVk.cpp:257)") with C++'s stderr, straight
 * to file descriptor 2, where JavaScript cannot intercept it (Node has no
 * dup2). So the first look at the drivers happens in a child process whose
 * stderr is a pipe: it asks Dawn for an adapter under each candidate driver
 * set, and this process then loads only a set that answers quietly, naming
 * in one line what was passed over. A driver that crashes Dawn outright
 * takes down the child, not the experiment.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** What Dawn did under one driver set: whether it offered an adapter, and what it printed. */
interface Answer {
  adapter: boolean;
  noise: string;
}

const MARK = '@@heterograd-probe ';

// The child: for each driver set in turn, a marker on stderr, then a fresh Dawn
// instance (the Vulkan loader reads VK_ICD_FILENAMES when Dawn creates it).
// Instances stay referenced until exit: collecting one mid-poll aborts (instance.ts).
const CHILD = `
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const job = JSON.parse(process.env.HETEROGRAD_PROBE);
const { create } = await import(pathToFileURL(job.webgpu).href);
const kept = [], found = [];
for (const [i, env] of job.sets.entries()) {
  writeSync(2, '\\n${MARK}' + i + '\\n');
  Object.assign(process.env, env);
  try {
    const gpu = create(job.flags);
    kept.push(gpu);
    const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    found.push(Boolean(a));
  } catch (e) {
    writeSync(2, String(e && e.message || e));
    found.push(false);
  }
}
writeSync(1, JSON.stringify(found));
process.exit(0);
`;

/** Asks a child process for Dawn's adapter under each driver set (environment overlays), in order. */
function ask(sets: Record<string, string>[], flags: string[], timeoutMs: number): Promise<Answer[]> {
  const webgpu = createRequire(import.meta.url).resolve('webgpu');
  const env = { ...process.env, HETEROGRAD_PROBE: JSON.stringify({ webgpu, flags, sets }) };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', CHILD], { env, timeout: timeoutMs * sets.length, maxBuffer: 1 << 22 }, (err, stdout, stderr) => {
      const said = stderr.split(MARK).slice(1).map((s) => s.replace(/^\d+\n/, '').trim());
      let found: boolean[];
      try {
        found = JSON.parse(stdout);
      } catch {
        const why = err?.killed ? `timed out after ${timeoutMs * sets.length} ms` : `exit code ${err?.code ?? 0}`;
        reject(new Error(`the adapter probe failed (${why}): ${firstLine(stderr.split(MARK).join('')) || 'no message'}`));
        return;
      }
      resolve(found.map((adapter, i) => ({ adapter, noise: said[i] ?? '' })));
    });
  });
}

const firstLine = (s: string) => s.split('\n').map((l) => l.trim()).find(Boolean) ?? '';
/** Dawn's first complaint, without its "Warning: " and final period. */
const gist = (noise: string) => firstLine(noise).replace(/^warning:\s*/i, '').replace(/\.$/, '');

/**
 * Vulkan driver manifests where the loader looks on Linux
 * (LoaderInterfaceArchitecture.md, "Linux Driver Discovery"), for telling
 * apart which driver makes Dawn complain.
 */
function manifests(): string[] {
  const env = process.env;
  const home = os.homedir();
  const config = [env.XDG_CONFIG_HOME || path.join(home, '.config'), ...(env.XDG_CONFIG_DIRS || '/etc/xdg').split(':'), '/etc'];
  const data = [env.XDG_DATA_HOME || path.join(home, '.local/share'), ...(env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':')];
  const dirs = [...new Set([...config, ...data].filter(Boolean).map((d) => path.join(d, 'vulkan/icd.d')))];
  return dirs.flatMap((d) => (existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(d, f)) : []));
}

/** The driver set this process should give Dawn, and what to say about it. */
export interface DriverChoice {
  /** Environment to set before creating Dawn (empty: the loader's own search). */
  env: Record<string, string>;
  /** How the adapter was reached, for the log line. */
  via: string;
  /** Whether Dawn offers an adapter at all. */
  adapter: boolean;
  /** Why not, when there is no adapter. */
  hint?: string;
  /** One line on what Dawn complained about and was passed over, if anything. */
  note?: string;
}

export interface ChooseOptions {
  /** SwiftShader's driver manifest, tried when nothing else answers (null: don't). */
  swiftshaderIcd: string | null;
  /** The flags this process will create Dawn with. */
  flags: string[];
  /** Per driver set. */
  timeoutMs: number;
}

/** Probes the drivers in a child process and picks the set to load here (see the file comment). */
export async function chooseDrivers(o: ChooseOptions): Promise<DriverChoice> {
  const named = process.env.VK_DRIVER_FILES || process.env.VK_ICD_FILENAMES;
  const icd = !named && o.swiftshaderIcd && existsSync(o.swiftshaderIcd) ? o.swiftshaderIcd : null;
  const [all, swift] = await ask([{}, ...(icd ? [{ VK_ICD_FILENAMES: icd }] : [])], o.flags, o.timeoutMs);
  const via = 'Dawn (webgpu package)';
  if (all.adapter && (!all.noise || named)) return { env: {}, via, adapter: all.adapter };
  if (all.adapter) {
    // A usable adapter, but another driver makes Dawn complain: keep only the drivers that answer quietly.
    const files = manifests();
    const each = files.length ? await ask(files.map((f) => ({ VK_ICD_FILENAMES: f })), o.flags, o.timeoutMs) : [];
    const good = files.filter((_, i) => each[i].adapter && !each[i].noise);
    const others = files.filter((f) => !good.includes(f)).map((f) => path.basename(f));
    if (!good.length) return { env: {}, via, adapter: true };
    const note = `webgpu: loading only the Vulkan drivers that offer an adapter (${good.map((f) => path.basename(f)).join(', ')}), not ${others.join(', ')}; Dawn said: ${gist(all.noise)}`;
    return { env: { VK_ICD_FILENAMES: good.join(':') }, via, adapter: true, note };
  }
  if (swift?.adapter) {
    return {
      env: { VK_ICD_FILENAMES: icd! },
      via: `Dawn on SwiftShader (no Vulkan GPU found; set VK_ICD_FILENAMES=${icd})`,
      adapter: swift.adapter,
      note: all.noise ? `webgpu: passed over a Vulkan driver that Dawn rejects: ${gist(all.noise)}` : undefined,
    };
  }
  const hint = o.swiftshaderIcd && !named && !icd
    ? `no Vulkan driver found, and no SwiftShader at ${o.swiftshaderIcd} (apt-get install chromium libvulkan1)`
    : `no Vulkan driver found${named ? ` (driver files: ${named})` : ''}`;
  return { env: {}, via, adapter: false, hint: all.noise ? `${hint}; Dawn said: ${gist(all.noise)}` : hint };
}
