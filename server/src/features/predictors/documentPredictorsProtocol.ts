// What the server and the client's status bar say to each other over ncp/documentPredictors: the
// transfer models a document's settings of one's own use (a notification when they change, a
// request when the active editor does). One definition for both sides; the client's bundle takes
// nothing else of the server's (the one import is a type).
import type { Calibration } from '../../core/predict/transfer';

export const DOCUMENT_PREDICTORS = 'ncp/documentPredictors';

export type TransferStateKind = 'fitting' | 'ready' | 'failed' | 'too-few';

/** What the editor shows of one setting's transfer model (status bar, hover). */
export interface TransferStatus {
  setting: string;
  path: string;
  /** The block's spelling of the file. */
  file: string;
  /** Rows of the file that measure the setting (successful ones with every metric). */
  rows: number;
  state: TransferStateKind;
  /** Per metric, the spread calibration of the ready model (leave-one-out on the rows). */
  calibration?: Calibration[];
  /** The source settings the model reads. */
  sources?: string[];
  message?: string;
  /** Seconds from the file's change being seen to the model being ready (the last fit). */
  seconds?: number;
}

/** The notification's and the request's answer. */
export interface DocumentPredictors {
  uri: string;
  models: TransferStatus[];
}
