/**
 * Which code produced a result: the git commit of the checkout that holds
 * this package, read when the run starts. A copy without git (a tarball, an
 * npm install, no git binary) records that instead of failing the run.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const git = (args: string[]): string =>
  execFileSync('git', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000, encoding: 'utf8' }).trim();

/**
 * The commit hash, with " (uncommitted changes)" when tracked files differ
 * from it; or a sentence saying why there is none.
 */
export function gitCommit(): string {
  let head: string;
  try {
    head = git(['rev-parse', 'HEAD']);
  } catch {
    return 'unknown (not a git checkout, or git is not installed)';
  }
  if (!/^[0-9a-f]{40,64}$/.test(head)) return `unknown (git rev-parse HEAD printed '${head.slice(0, 80)}')`;
  try {
    return git(['status', '--porcelain', '--untracked-files=no']) ? `${head} (uncommitted changes)` : head;
  } catch {
    return head;
  }
}
