// Fits several Gaussian processes' hyperparameters at once, one worker thread each (up to the
// machine's cores): each fit is minutes of single-threaded linear algebra. The fits are seeded
// and independent, so threads change the time, not the result. Without the worker file (a
// bundle that lacks it) the fits run here, one after another.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fitGpHyper, type GpFitOptions, type GpHyper } from './gp';

export interface GpJob {
  X: Float64Array;
  n: number;
  d: number;
  y: Float64Array;
  options: Partial<Omit<GpFitOptions, 'onStep'>>;
}

/**
 * The worker: dist/gp-worker.js beside the bundle, or under tsx (tests, development) the
 * TypeScript source, loaded through tsx's require hook (a worker does not inherit the hook).
 */
function workerSource(): { source: string; eval: boolean } | undefined {
  if (__filename.endsWith('.ts')) {
    return { source: `require('tsx/cjs'); require(${JSON.stringify(join(__dirname, 'gpWorker.ts'))});`, eval: true };
  }
  const file = join(__dirname, 'gp-worker.js');
  return existsSync(file) ? { source: file, eval: false } : undefined;
}

/** Default threads: each fit on 2,000 rows holds ~200 MB of n×n matrices while it refines. */
const MAX_THREADS = 4;

/**
 * Fits every job; onStep(job, step, steps) reports progress. threads: how many at once
 * (default: the cores available, at most 4; 1 fits here, without workers).
 */
export async function fitGpHypers(
  jobs: readonly GpJob[],
  opts: { threads?: number; onStep?: (job: number, step: number, steps: number) => void; signal?: AbortSignal } = {},
): Promise<GpHyper[]> {
  const threads = Math.max(1, Math.min(jobs.length, opts.threads ?? Math.min(MAX_THREADS, availableParallelism())));
  const worker = threads > 1 ? workerSource() : undefined;
  if (!worker) {
    return jobs.map((j, i) => fitGpHyper(j.X, j.n, j.d, j.y, { ...j.options, onStep: (s, t) => opts.onStep?.(i, s, t) }));
  }
  const out: GpHyper[] = new Array(jobs.length);
  let next = 0;
  const run = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await new Promise<GpHyper>((resolve, reject) => {
        if (opts.signal?.aborted) return reject(opts.signal.reason);
        const w = new Worker(worker.source, { workerData: jobs[i], eval: worker.eval });
        let done = false;
        // a run stopped from outside (its budget) ends its fits at once, not after minutes of work
        const stop = () => {
          done = true;
          void w.terminate();
          reject(opts.signal?.reason);
        };
        opts.signal?.addEventListener('abort', stop, { once: true });
        w.on('exit', () => opts.signal?.removeEventListener('abort', stop));
        w.on('message', (m: { step?: number; steps?: number; hyper?: GpHyper }) => {
          if (m.hyper) {
            done = true;
            resolve(m.hyper);
          } else if (m.step !== undefined && m.steps !== undefined) opts.onStep?.(i, m.step, m.steps);
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (!done) reject(new Error(`Gaussian-process worker for job ${i} exited with code ${code}`));
        });
      });
    }
  };
  await Promise.all(Array.from({ length: threads }, run));
  return out;
}
