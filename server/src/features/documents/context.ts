// What every feature receives: the document, its analysis (computed once per version and shared),
// the user's settings and the shared services. Features are plain functions of this context.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentAnalysis } from '../../language/analyze';
import type { NcpSettings } from './config';
import type { PredictionService } from '../predictors/predictions';
import type { BenchmarkLookup } from '../predictors/benchmarkLookup';
import type { TransferModels } from '../predictors/transferModels';
import type { TransferStatus } from '../predictors/documentPredictorsProtocol';

export interface FeatureContext {
  uri: string;
  doc: TextDocument;
  analysis: DocumentAnalysis;
  settings: NcpSettings;
  predictions: PredictionService;
  benchmark: BenchmarkLookup;
  /** Folder that relative paths in settings resolve against (the first workspace folder). */
  workspaceRoot?: string;
  /** Settings of one's own from the document's measurements files and their transfer models. */
  own?: OwnSettingsAccess;
}

/** What features read of the settings of one's own (search/ownSettingsService.ts provides it). */
export interface OwnSettingsAccess {
  readonly transfer: TransferModels;
  /** The transfer models of the measurements files a document names. */
  status(uri: string): TransferStatus[];
}
