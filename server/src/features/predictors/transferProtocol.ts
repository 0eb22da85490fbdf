// The messages between the server and its transfer-fit worker (transferWorker.ts). Types only.

import type { RowFeatures } from '../../core/predict/transfer/gpFit';

export interface FitJob {
  /** Positive, increasing; the cancel slot holds the id of a job to drop. */
  id: number;
  setting: string;
  metrics: string[];
  inputs: number[][];
  targets: number[][];
}

export type FitReply =
  | {
      id: number;
      ok: true;
      /** The model as core/predict/transfer serialises it (its source checksums are placeholders). */
      text: string;
      /** The rows' features (typed arrays: the message copies them without JSON), so that the
       * server does not run the sources (their trunks) on every row again. */
      train: RowFeatures;
      seconds: number;
    }
  | { id: number; ok: false; stale?: boolean; message: string };
