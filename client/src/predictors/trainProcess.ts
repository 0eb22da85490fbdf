// Runs the bundled CLI's `train --data FILE --out DIR` (dist/cli.js) as a child process for the editor's
// "Train Predictors" command: progress parsed from its stderr lines, cancellation kills it, and
// the last lines of stderr explain a failure. No VS Code imports, so it is tested on its own.
import { spawn } from 'node:child_process';

export interface TrainProgress {
  /** 0–100 over the whole run (each phase, teacher then training, counts from 0 again). */
  percent: number;
  /** The progress line without its bar. */
  message: string;
}

export interface TrainRun {
  /** Resolves with the outcome once the process has exited (never rejects). */
  done: Promise<{ ok: true; out: string } | { ok: false; cancelled: boolean; message: string }>;
  cancel(): void;
}

export interface TrainOptions {
  /** dist/cli.js of the extension. */
  cli: string;
  data: string;
  out: string;
  /** Extra arguments (e.g. `--epochs 3` in tests). */
  extra?: string[];
  /** The Node to run it with: process.execPath (in VS Code's Electron host with ELECTRON_RUN_AS_NODE). */
  node?: string;
  onProgress?(p: TrainProgress): void;
}

/** Reads `… ███░░  42%  seg (1/8) epoch 3/60 …` (core/predict/progress.ts) into a percentage and a message. */
export function parseProgressLine(line: string): TrainProgress | undefined {
  const clean = line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').trim();
  const m = /[█░]+\s+(\d{1,3})%\s+(.*)$/.exec(clean);
  if (!m) return undefined;
  const percent = Math.min(100, Number(m[1]));
  const teacher = /^(?:\S+\s)?teacher\s/.test(clean) || clean.startsWith('teacher');
  return { percent, message: `${teacher ? 'teacher: ' : ''}${m[2]!.replace(/\s{2,}/g, ' ')}` };
}

export function startTraining(o: TrainOptions): TrainRun {
  // dist/cli.js exports runCli (bin/ncprop.js calls it; bin/ is not in the .vsix); with -e, argv[1]
  // is the bundle and argv.slice(2) the CLI's arguments.
  const args = ['-e', 'require(process.argv[1]).runCli()', o.cli, 'train', '--data', o.data, '--out', o.out, ...(o.extra ?? [])];
  const child = spawn(o.node ?? process.execPath, args, {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let cancelled = false;
  const tail: string[] = [];
  let partial = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    // Lines end in \n, or in \r when the CLI redraws a bar in place.
    const parts = (partial + chunk).split(/\r|\n/);
    partial = parts.pop() ?? '';
    for (const line of parts) {
      if (!line.trim()) continue;
      const p = parseProgressLine(line);
      if (p) o.onProgress?.(p);
      else {
        tail.push(line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, ''));
        if (tail.length > 20) tail.shift();
      }
    }
  });
  const done = new Promise<Awaited<TrainRun['done']>>((resolve) => {
    child.on('error', (e) => resolve({ ok: false, cancelled, message: `could not start ${o.cli}: ${e.message}` }));
    child.on('close', (code, signal) => {
      if (partial.trim()) tail.push(partial);
      if (code === 0) resolve({ ok: true, out: o.out });
      else if (cancelled) resolve({ ok: false, cancelled: true, message: 'cancelled' });
      else {
        // The CLI's own reason: its last lines, less the usage hint and the start-up line.
        const why = tail.filter((l) => !/--help` for usage|setting\(s\) from/.test(l)).slice(-2).join(' ').trim();
        resolve({ ok: false, cancelled: false, message: why || `exited with ${signal ?? `code ${code}`}` });
      }
    });
  });
  return {
    done,
    cancel() {
      if (child.exitCode !== null || cancelled) return;
      cancelled = true;
      child.kill('SIGTERM');
      // Training holds the thread for a moment between epochs; make sure it ends.
      setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }, 2000).unref();
    },
  };
}
