// Worker-thread entry (bundled as dist/gp-worker.js): fits one Gaussian process's hyperparameters
// (gpPool.ts sends the job, this posts the steps and the result back).
import { parentPort, workerData } from 'node:worker_threads';
import { fitGpHyper } from './gp';
import type { GpJob } from './gpPool';

const job = workerData as GpJob;
const hyper = fitGpHyper(job.X, job.n, job.d, job.y, {
  ...job.options,
  onStep: (step, steps) => parentPort!.postMessage({ step, steps }),
});
parentPort!.postMessage({ hyper });
