// What the server and the client's "Export Network…" command say to each other over
// ncp/exportNetwork: one definition for both sides (the client imports this file, which imports
// nothing, so its bundle takes nothing else of the server's).
export const EXPORT_REQUEST = 'ncp/exportNetwork';
/** The client command that asks the questions and writes the file (client/src/export/exportCommand.ts). */
export const CLIENT_EXPORT_COMMAND = 'ncp.exportNetwork';

export interface ExportAnswer {
  ok: boolean;
  /** Why nothing could be exported (ok false). */
  error?: string;
  /** 'utf8' text (pytorch, authors) or 'base64' bytes (onnx). */
  encoding?: 'utf8' | 'base64';
  data?: string;
  /** A file name for the save dialog: NAME.py / .onnx / .json. */
  fileName?: string;
  macs?: number;
  params?: number;
  /** "3×512×1024 input, segmentation head, 19 classes". */
  target?: string;
}
