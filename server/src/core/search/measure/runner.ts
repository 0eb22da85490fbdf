// The measuring runner: turns a proposed network into a measurement by running the user's command
// on a backend (local process groups, Slurm jobs), in the network's own folder, as many attempts
// as the retry policy allows. Failures that look like infrastructure (non-zero exit, signal,
// timeout, the scheduler ending the job) are retried after a back-off; a command that fails the
// same way K times in a row is broken: the search stops instead of spending its budget. An
// attempt cut short by our own interrupt is no failure: the measurement stays pending in its
// folder and `--resume` measures it again.
import type { CostOptions } from '../../cost';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { networkJson } from './network';
import { SearchCancelled, SearchError, type Measurement, type MeasureContext, type Measurer, type SpaceKind } from '../types';
import { STDERR, STDOUT, type AttemptOutcome, type Backend } from './backend';
import type { MetricsChecker } from './checks';
import type { RunFolders } from './folders';
import { errorTail, lastJsonObject, readTail } from './output';

/** The search stops: the command failed the same way too many times in a row. */
export class CommandBrokenError extends SearchError {
  constructor(
    readonly error: string,
    readonly times: number,
  ) {
    super(`the command seems broken: it failed ${times} times in a row with the same error: ${error}`);
  }
}

export interface RunnerOptions {
  space: SpaceKind;
  command: string;
  cwd: string;
  backend: Backend;
  folders: RunFolders;
  checker: MetricsChecker;
  /** Seconds per attempt. */
  timeout: number;
  /** Extra attempts for infrastructure failures (default 0). */
  retries?: number;
  /** Seconds before the first retry; doubled each time, at most 10 minutes (default 10). */
  retryDelay?: number;
  /** Consecutive failures with the same error that stop the search (default 5; 0: never). */
  brokenAfter?: number;
  /** Devices handed out one per running attempt as CUDA_VISIBLE_DEVICES. */
  gpus?: readonly string[];
  networkSetting?: unknown;
  /** Input size, head and classes the search counts cost at: passed to the command (multires). */
  target?: CostOptions;
  /** Measurement id to reuse for a network (resume of a cut-short or failed measurement). */
  idFor?: (point: readonly number[]) => string | undefined;
  /** Each attempt as it starts and ends (for progress). */
  onAttempt?: (e: { id: string; attempt: number; point: readonly number[]; phase: 'start' | 'end'; outcome?: AttemptOutcome }) => void;
}

type Verdict = { ok: true; metrics: NonNullable<Measurement['metrics']> } | { ok: false; error: string; infra: boolean };

const MAX_DELAY = 600;

function sleep(seconds: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, seconds * 1000);
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class MeasurementRunner implements Measurer {
  private lastError: string | undefined;
  private sameInARow = 0;
  private readonly freeGpus: string[];
  private readonly waitingForGpu: (() => void)[] = [];

  constructor(private readonly o: RunnerOptions) {
    this.freeGpus = [...(o.gpus ?? [])];
  }

  private async gpu(signal?: AbortSignal): Promise<string | undefined> {
    if (!this.o.gpus || this.o.gpus.length === 0) return undefined;
    while (this.freeGpus.length === 0) {
      if (signal?.aborted) throw new SearchCancelled();
      await new Promise<void>((r) => this.waitingForGpu.push(r));
    }
    return this.freeGpus.shift();
  }

  private release(g: string | undefined): void {
    if (g === undefined) return;
    this.freeGpus.push(g);
    this.waitingForGpu.shift()?.();
  }

  private verdict(outcome: AttemptOutcome, dir: string): Verdict {
    const err = () => {
      const t = errorTail(readTail(join(dir, STDERR), 64 * 1024));
      return t ? `: ${t}` : '';
    };
    switch (outcome.kind) {
      case 'start-error':
        return { ok: false, error: `could not run the command: ${outcome.message}`, infra: true };
      case 'timeout':
        return { ok: false, error: `timed out after ${this.o.timeout} s`, infra: true };
      case 'lost':
        return { ok: false, error: outcome.reason, infra: true };
      case 'interrupted':
        return { ok: false, error: 'interrupted', infra: false };
      case 'exited': {
        if (outcome.signal) return { ok: false, error: `the command was killed by ${outcome.signal}${outcome.code !== null ? ` (status ${outcome.code})` : ''}${err()}`, infra: true };
        if (outcome.code !== 0) return { ok: false, error: `the command exited with status ${outcome.code}${err()}`, infra: true };
        const last = lastJsonObject(readTail(join(dir, STDOUT)));
        if ('error' in last) return { ok: false, error: last.error, infra: false };
        const c = this.o.checker.check(last.value);
        if (!c.metrics) return { ok: false, error: `bad metrics: ${c.problem}`, infra: false };
        return { ok: true, metrics: c.metrics };
      }
    }
  }

  async measure(point: readonly number[], ctx: MeasureContext): Promise<Measurement> {
    const { space, folders } = this.o;
    if (ctx.signal?.aborted) throw new SearchCancelled();
    const network = networkJson(space, point, this.o.networkSetting, this.o.target);
    let id = this.o.idFor?.(point);
    if (id === undefined) id = folders.create(space, point, network);
    else folders.writeNetwork(id, space, point, network);
    const started = Date.now();
    const retries = this.o.retries ?? 0;
    let attempt = folders.attempts(id);
    // attempts this run made (earlier runs' attempts keep their numbers)
    for (let mine = 1; ; mine++) {
      // an earlier run's attempt still queued or running (a Slurm job): wait for it, start nothing
      if (!(mine === 1 && attempt > 0 && this.o.backend.canAttach?.(folders.attemptDir(id, attempt)))) {
        if (mine === 1 && attempt > 0) this.o.backend.abandon?.(folders.attemptDir(id, attempt));
        attempt++;
      }
      const dir = folders.attemptDir(id, attempt);
      mkdirSync(dir, { recursive: true });
      const gpu = await this.gpu(ctx.signal);
      let outcome: AttemptOutcome;
      try {
        const env: Record<string, string> = {
          NCP_MEASUREMENT_ID: id,
          NCP_ATTEMPT: String(attempt),
          NCP_OUTPUT_DIR: dir,
          NCP_NETWORK: network,
        };
        if (gpu !== undefined) env.CUDA_VISIBLE_DEVICES = gpu;
        this.o.onAttempt?.({ id, attempt, point, phase: 'start' });
        outcome = await this.o.backend.run({ id, attempt, dir, command: this.o.command, cwd: this.o.cwd, network, env, timeout: this.o.timeout, signal: ctx.signal });
        this.o.onAttempt?.({ id, attempt, point, phase: 'end', outcome });
      } finally {
        this.release(gpu);
      }
      if (outcome.kind === 'interrupted' || ctx.signal?.aborted) throw new SearchCancelled();
      const v = this.verdict(outcome, dir);
      const done = (m: Omit<Measurement, 'space' | 'point' | 'seconds' | 'id' | 'attempts'>): Measurement => ({
        space,
        point: point.slice(),
        ...m,
        seconds: (Date.now() - started) / 1000,
        id,
        attempts: attempt,
      });
      if (v.ok) {
        this.lastError = undefined;
        this.sameInARow = 0;
        return done({ ok: true, metrics: v.metrics });
      }
      if (v.error === this.lastError) this.sameInARow++;
      else {
        this.lastError = v.error;
        this.sameInARow = 1;
      }
      const k = this.o.brokenAfter ?? 5;
      if (k > 0 && this.sameInARow >= k) throw new CommandBrokenError(v.error, this.sameInARow);
      if (v.infra && mine <= retries) {
        const delay = Math.min(MAX_DELAY, (this.o.retryDelay ?? 10) * 2 ** (mine - 1));
        if (!(await sleep(delay, ctx.signal))) throw new SearchCancelled();
        continue;
      }
      return done({ ok: false, error: v.error });
    }
  }
}
