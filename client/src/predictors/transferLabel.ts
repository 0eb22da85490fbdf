// What the status bar adds for a document whose settings of one's own read transfer models
// (the server's `ncp/documentPredictors`, server/src/features/predictors/transferModels.ts):
// "+ mytask (transfer, 23 rows)" and a tooltip line per model naming its measurements file.
// No VS Code import, so it is tested on its own.

/** One model as the server reports it (TransferStatus). */
export interface DocumentModel {
  setting: string;
  path: string;
  file: string;
  rows: number;
  state: 'fitting' | 'ready' | 'failed' | 'too-few';
  calibration?: { calibrated: boolean; coverage1: number; coverage2: number; rows: number }[];
  sources?: string[];
  message?: string;
}

export function isDocumentModels(v: unknown): v is { uri: string; models: DocumentModel[] } {
  const o = v as { uri?: unknown; models?: unknown } | null;
  return !!o && typeof o.uri === 'string' && Array.isArray(o.models) && o.models.every((m) => m && typeof (m as DocumentModel).setting === 'string' && typeof (m as DocumentModel).rows === 'number');
}

const STATE: Record<DocumentModel['state'], string> = { fitting: 'fitting', ready: 'transfer', failed: 'failed', 'too-few': 'too few rows' };

/** The status bar's addition ('' for none) and its tooltip lines. */
export function transferLabel(models: readonly DocumentModel[]): { text: string; tooltip: string[] } {
  if (models.length === 0) return { text: '', tooltip: [] };
  const text = models.map((m) => ` + ${m.setting} (${STATE[m.state] ?? m.state}, ${m.rows} row${m.rows === 1 ? '' : 's'})`).join('');
  const tooltip = models.map((m) => {
    const c = m.calibration?.[0];
    const how =
      m.state === 'ready'
        ? `transfer model${m.sources?.length ? ` from ${m.sources.join(', ')}` : ''}, ${c?.calibrated ? `spread calibrated (±1 covers ${Math.round(c.coverage1 * 100)}%)` : 'spread uncalibrated (fewer than 10 rows)'}`
        : m.state === 'fitting'
          ? 'fitting the transfer model…'
          : (m.message ?? m.state);
    return `${m.setting}: ${m.rows} measured in ${m.path} — ${how}`;
  });
  return { text, tooltip };
}
