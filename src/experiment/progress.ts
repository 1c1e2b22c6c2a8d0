/** The experiment's progress sink over src/report's bar (ETA on a terminal, plain lines in logs). */
import { createProgress } from '../report/progress.js';
import type { Progress } from './run.js';

export function consoleProgress(): Progress & { done(): void } {
  const bar = createProgress({ stream: process.stderr });
  let open = false;
  return {
    phase(label, total, done = 0) {
      if (open) bar.stop();
      bar.start(label, total, done);
      open = true;
    },
    tick(done, detail) { bar.update(done, detail); },
    log(line) { bar.log(line); },
    done() { if (open) bar.stop(); open = false; },
  };
}
