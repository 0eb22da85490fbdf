// What the status bar adds for a document whose settings of one's own read transfer models
// (the server's `ncp/documentPredictors`, server/src/features/predictors/documentPredictorsProtocol.ts):
// "+ mytask (transfer, 23 rows)" and a tooltip line per model naming its measurements file.
// No VS Code import, so it is tested on its own.
import type { DocumentPredictors, TransferStatus } from '../../../server/src/features/predictors/documentPredictorsProtocol';


/** Whether what the server sent has the shape the status bar reads. */
export function isDocumentModels(v: unknown): v is DocumentPredictors {
  const o = v as { uri?: unknown; models?: unknown } | null;
  return !!o && typeof o.uri === 'string' && Array.isArray(o.models) && o.models.every((m) => m && typeof (m as TransferStatus).setting === 'string' && typeof (m as TransferStatus).rows === 'number');
}

const STATE: Record<TransferStatus['state'], string> = { fitting: 'fitting', ready: 'transfer', failed: 'failed', 'too-few': 'too few rows' };

/** The status bar's addition ('' for none) and its tooltip lines. */
export function transferLabel(models: readonly TransferStatus[]): { text: string; tooltip: string[] } {
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
