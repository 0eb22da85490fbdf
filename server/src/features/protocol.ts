// The types shared by the registration of custom requests and commands (extensions.ts) and the
// handlers of each capability: handlers import them from here, extensions.ts imports the
// handlers, and neither imports the other's module back (no import circle). Types only.
import type { Connection } from 'vscode-languageserver';
import type { FeatureContext } from './documents/context';
import type { NcpSettings } from './documents/config';
import type { PredictionService } from './predictors/predictions';

export interface ServerServices {
  connection: Connection;
  /** The feature context of an open document (analysis of its current version), or undefined. */
  contextFor(uri: string): FeatureContext | undefined;
  settings(): NcpSettings;
  predictions: PredictionService;
  log(message: string): void;
}

export interface RequestHandler {
  method: string;
  handle(params: unknown, services: ServerServices): unknown;
}

export interface CommandHandler {
  command: string;
  execute(args: unknown[], services: ServerServices): unknown;
}

/** A capability's own requests and commands beyond standard LSP (each folder's index.ts exports one). */
export interface Capability {
  requests: RequestHandler[];
  commands: CommandHandler[];
}

/** Runs a provider on the current analysis of a document; a throwing provider answers `empty`. */
export type WithContext = <R>(uri: string, empty: R, fn: (ctx: FeatureContext) => R | Promise<R>) => Promise<R> | R;
