// The messages between the server and its transfer-fit worker (transferWorker.ts). Types only.

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
      /** Per source setting, its main-metric prediction on each of the model's rows. */
      sourceMeans: Record<string, number[]>;
      seconds: number;
    }
  | { id: number; ok: false; stale?: boolean; message: string };
