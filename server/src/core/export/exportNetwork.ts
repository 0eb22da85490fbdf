// One entry for every export format: the file's bytes and the network's exact cost at the target.
import { authorsJson } from './authors';
import { onnxModel } from './onnx';
import { pytorchModule } from './pytorch';
import { exactCost, type ExactCost, type ExportTarget } from './target';

export const EXPORT_FORMATS = ['pytorch', 'onnx', 'authors'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The usual extension of each format's file. */
export const EXPORT_EXTENSIONS: Record<ExportFormat, string> = { pytorch: '.py', onnx: '.onnx', authors: '.json' };

/** The format a file name's extension stands for, if any. */
export function formatForPath(path: string): ExportFormat | undefined {
  const lower = path.toLowerCase();
  return EXPORT_FORMATS.find((f) => lower.endsWith(EXPORT_EXTENSIONS[f]));
}

export interface ExportedNetwork {
  /** Text (pytorch, authors) or bytes (onnx). */
  data: string | Uint8Array;
  cost: ExactCost;
}

/** Throws ExportError when the code cannot be exported (see checkExportable). */
export function exportNetwork(code: readonly number[], format: ExportFormat, target: ExportTarget, producer = 'ncprop'): ExportedNetwork {
  switch (format) {
    case 'pytorch':
      return { data: pytorchModule(code, target, producer), cost: exactCost(code, target) };
    case 'authors':
      return { data: authorsJson(code, target), cost: exactCost(code, target) };
    case 'onnx': {
      const e = onnxModel(code, target, { name: producer, version: '1' });
      return { data: e.bytes, cost: e.cost };
    }
  }
}
