// The status bar item: which predictor set is in use (shipped or the folder of
// ncp.predictor.modelsPath), on which backend, or why none loaded (exact cost still works); for
// the active document, the transfer models its settings of one's own read (transferLabel.ts).
import * as vscode from 'vscode';
import { transferLabel } from './transferLabel';
import type { TransferStatus } from '../../../server/src/features/predictors/documentPredictorsProtocol';

/** The server's `ncp/predictorState` notification (see server/src/features/predictors/predictions.ts). */
export type PredictorState =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ready'; version: string; settings: string[]; backend: string }
  | { kind: 'failed'; message: string };

/** Where the server was told to load predictors from. */
export interface ModelSource {
  /** Absolute folder, or undefined for the set shipped with the extension. */
  dir: string | undefined;
  /** What the user wrote in the setting (for messages). */
  setting: string;
  /** Why a configured folder is not used (e.g. Restricted Mode), if it is not. */
  note?: string;
}

export class PredictorStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('ncp.predictors', vscode.StatusBarAlignment.Right, 100);
  private source: ModelSource = { dir: undefined, setting: '' };
  state: PredictorState = { kind: 'idle' };
  /** uri → the transfer models the document uses (the server's `ncp/documentPredictors`). */
  private readonly models = new Map<string, TransferStatus[]>();
  private active: string | undefined;

  constructor() {
    this.item.name = 'NCP predictors';
    this.item.command = 'ncp.showServerLog';
    this.show({ kind: 'idle' });
  }

  setSource(source: ModelSource): void {
    this.source = source;
    this.show(this.state);
  }

  /** The transfer models of a document (an empty list forgets it). */
  setDocumentModels(uri: string, models: TransferStatus[]): void {
    if (models.length === 0) this.models.delete(uri);
    else this.models.set(uri, models);
    if (uri === this.active) this.show(this.state);
  }

  /** The document the status bar speaks of (the active editor's). */
  setActive(uri: string | undefined): void {
    if (uri === this.active) return;
    this.active = uri;
    this.show(this.state);
  }

  private setName(): string {
    return this.source.dir ? `'${this.source.setting}'` : 'shipped';
  }

  show(state: PredictorState): void {
    this.state = state;
    const it = this.item;
    const note = this.source.note ? `\n${this.source.note}` : '';
    it.backgroundColor = undefined;
    switch (state.kind) {
      case 'idle':
        it.text = '$(circuit-board) NCP';
        it.tooltip = `NCP: predictors (${this.setName()}) load when a .ncp file is open${note}`;
        break;
      case 'loading':
        it.text = '$(sync~spin) NCP predictors';
        it.tooltip = `NCP: loading the ${this.setName()} predictors (exact cost is already available)${note}`;
        break;
      case 'ready': {
        const own = transferLabel(this.models.get(this.active ?? '') ?? []);
        it.text = `$(circuit-board) NCP ${this.source.dir ? this.source.setting : 'shipped'} ${state.version}${own.text}`;
        it.tooltip =
          `NCP predictors ${state.version} (${this.source.dir ? `from ${this.source.dir}` : 'shipped with the extension'}) ` +
          `on the ${state.backend} backend\nSettings: ${state.settings.join(', ')}${note}` +
          (own.tooltip.length > 0 ? `\nSettings of your own in this file:\n${own.tooltip.join('\n')}` : '');
        break;
      }
      case 'failed':
        it.text = '$(warning) NCP: no predictors';
        it.tooltip = `NCP: the ${this.setName()} predictors did not load, exact cost still works: ${state.message}${note}\nClick for the server log.`;
        it.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        break;
    }
    it.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
