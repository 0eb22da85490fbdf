// The one in-memory form every data reader produces: networks (27-integer codes) and NAS-Bench-201
// cells, each with its measured metrics per setting. Readers differ only in how they fill it.

export type DataSpace = 'multires' | 'nb201';

export interface DataSetting {
  name: string;
  /** 'classification', 'segmentation', 'video', 'detection', 'nb201', or the user's own word (a name: it stands for the setting in `maximize`). */
  task: string;
  label?: string;
  space: DataSpace;
  /** Metric names; the first is the setting's main one. */
  metrics: string[];
  /** Declared in a `settings` section (a new setting on purpose, not a typo of a known one). */
  declared?: boolean;
}

export interface DataEntry {
  space: DataSpace;
  /** The 27 integers (multires) or the 6 op indices (nb201). */
  code: number[];
  /** G multiply-accumulates (multires) or MFLOPs (nb201), when known. */
  flops?: number;
  /** M parameters, when known. */
  params?: number;
  /** setting → metric values in the setting's metric order. */
  results: Record<string, number[]>;
  /** Where each fact came from ('file: row 12'), to name both sides of a disagreement. */
  origin: Record<string, string>;
  /** Free text from measurement files, per setting. */
  notes?: Record<string, string>;
}

/** A network or cell without data: a failed measurement in a search's file. */
export interface DataPoint {
  space: DataSpace;
  code: number[];
  /** 'file: row 12'. */
  origin: string;
}

export interface Dataset {
  /** The files read, in order. */
  sources: string[];
  settings: DataSetting[];
  entries: DataEntry[];
  /** Things worth saying that do not make the data wrong (codes outside the benchmark's range). */
  warnings: string[];
  /** Networks a search tried to measure and failed on (not data; a search does not propose them again). */
  failed?: DataPoint[];
}

/** Bad data: the message names the file, the row and the field (DataError.at builds it). */
export class DataError extends Error {
  override name = 'DataError';
  constructor(
    message: string,
    readonly file?: string,
    readonly row?: number,
    readonly field?: string,
  ) {
    super(message);
  }

  /** "FILE: row R, field 'F': what is wrong". Rows count from 1 (a line number in text files). */
  static at(file: string, row: number | undefined, field: string | undefined, what: string): DataError {
    const where = [row !== undefined ? `row ${row}` : '', field !== undefined ? `field '${field}'` : ''].filter(Boolean).join(', ');
    return new DataError(`${file}: ${where ? where + ': ' : ''}${what}`, file, row, field);
  }
}

/** A data file or folder that could not be read at all (missing, unreadable): the CLI says it as for any input file. */
export class DataFileUnreadable extends DataError {
  override name = 'DataFileUnreadable';
  constructor(
    file: string,
    /** What is wrong, without the path: 'no such file or folder', 'permission denied', … */
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`, file);
  }
}

/** The key two rows share when they describe the same network or cell. */
export function entryKey(space: DataSpace, code: readonly number[]): string {
  return `${space}:${code.join(',')}`;
}
