// Measuring by the user's training script: one process per network, the network as one JSON
// object on stdin, its metrics as one JSON object on stdout (the last line that is one, so that
// logs may precede it). A failure, a timeout, garbage or a death is recorded as a failed
// measurement with the reason: the search goes on.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { codeToString } from '../space/multires';
import { cellToString } from '../space/nb201';
import { metricsProblem } from './measurementsFile';
import { networkExportFields } from '../export/measuring';
import type { CostOptions } from '../cost';
import { SearchCancelled, type Measurement, type MeasureContext, type Measurer, type Metrics, type SpaceKind } from './types';

/** Output kept per stream: a chatty script must not fill memory. */
const OUTPUT_LIMIT = 1 << 20;

export interface CommandMeasurerOptions {
  command: string;
  space: SpaceKind;
  /** Seconds a measurement may take before its process is killed. */
  timeout: number;
  cwd?: string;
  /** Passed as `network_setting` (multires), e.g. the task the script trains for. */
  networkSetting?: unknown;
  /** Input size, head and classes the search counts cost at: passed to the script (multires). */
  target?: CostOptions;
}

export function networkJson(space: SpaceKind, point: readonly number[], networkSetting?: unknown, target?: CostOptions): string {
  if (space === 'nb201') return JSON.stringify({ space, cell: cellToString(point) });
  const obj: Record<string, unknown> = { space, code: point.slice(), string: codeToString(point), ...networkExportFields(point, target) };
  if (networkSetting !== undefined) obj.network_setting = networkSetting;
  return JSON.stringify(obj);
}

/** The metrics in a script's stdout: the whole text, else its last line that is a JSON object. */
export function parseMetricsOutput(stdout: string): { metrics?: Metrics; error?: string } {
  const candidates = [stdout.trim(), ...stdout.trim().split('\n').reverse().map((l) => l.trim())].filter((l) => l.startsWith('{'));
  let problem: string | undefined;
  for (const c of candidates) {
    let v: unknown;
    try {
      v = JSON.parse(c);
    } catch {
      continue;
    }
    problem = metricsProblem(v);
    if (!problem) return { metrics: v as Metrics };
    break;
  }
  const tail = stdout.trim().slice(-200);
  return { error: problem ? `bad metrics: ${problem}` : `no metrics JSON object on stdout${tail ? ` (it ended: ${JSON.stringify(tail)})` : ' (it was empty)'}` };
}

function signalName(n: number): string | undefined {
  return Object.entries(constants.signals).find(([, v]) => v === n)?.[0];
}

export class CommandMeasurer implements Measurer {
  constructor(private readonly o: CommandMeasurerOptions) {}

  measure(point: readonly number[], ctx: MeasureContext): Promise<Measurement> {
    const { space } = this.o;
    const started = Date.now();
    const done = (m: Omit<Measurement, 'space' | 'point' | 'seconds'>): Measurement => ({
      space,
      point: point.slice(),
      ...m,
      seconds: (Date.now() - started) / 1000,
    });
    return new Promise((resolve, reject) => {
      if (ctx.signal?.aborted) return reject(new SearchCancelled());
      // its own process group, so that a timeout also ends what the script started
      const child = spawn(this.o.command, { shell: true, cwd: this.o.cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      let cancelled = false;
      let settled = false;
      const kill = () => {
        try {
          if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
          else child.kill('SIGKILL');
        } catch {
          // already gone
        }
      };
      const timer = setTimeout(() => {
        timedOut = true;
        kill();
      }, this.o.timeout * 1000);
      const onAbort = () => {
        cancelled = true;
        kill();
      };
      ctx.signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout.on('data', (d: Buffer) => {
        if (stdout.length < OUTPUT_LIMIT) stdout += d.toString('utf8');
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString('utf8');
        if (stderr.length > OUTPUT_LIMIT) stderr = stderr.slice(-OUTPUT_LIMIT / 2);
      });
      // a script that never reads stdin closes it early: not an error of the measurement
      child.stdin.on('error', () => {});
      child.stdin.end(networkJson(space, point, this.o.networkSetting, this.o.target) + '\n');
      const finish = (m: Measurement | Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        ctx.signal?.removeEventListener('abort', onAbort);
        if (m instanceof Error) reject(m);
        else resolve(m);
      };
      child.on('error', (e) => finish(done({ ok: false, error: `could not run the command: ${e.message}` })));
      child.on('close', (code, signal) => {
        if (cancelled) return finish(new SearchCancelled());
        const errTail = stderr.trim().split('\n').slice(-3).join(' | ').slice(-300);
        if (timedOut) return finish(done({ ok: false, error: `timed out after ${this.o.timeout} s` }));
        // through the shell a death by signal N reads as status 128+N
        const sig = signal ?? (code !== null && code > 128 ? signalName(code - 128) : undefined);
        if (sig) return finish(done({ ok: false, error: `the command was killed by ${sig}${signal ? '' : ` (status ${code})`}${errTail ? `: ${errTail}` : ''}` }));
        if (code !== 0) return finish(done({ ok: false, error: `the command exited with status ${code}${errTail ? `: ${errTail}` : ''}` }));
        const parsed = parseMetricsOutput(stdout);
        if (!parsed.metrics) return finish(done({ ok: false, error: parsed.error }));
        finish(done({ ok: true, metrics: parsed.metrics }));
      });
    });
  }
}
