// Custom requests and workspace commands beyond standard LSP (e.g. `ncp/trace`), registered by
// later features with one line each. Handlers get the server's services; documents are looked up by uri.
// Example (a feature file, plus one line here):
//   export const traceRequest: RequestHandler = { method: 'ncp/trace', handle: (params, s) => … };
//   export const requestHandlers: RequestHandler[] = [traceRequest];
// Commands listed in `commandHandlers` are advertised in executeCommandProvider at initialize; a
// handler may edit documents with `services.connection.workspace.applyEdit(…)`. Code actions and
// code lenses have their own provider lists in codeActions.ts and codeLens.ts.
import type { Connection } from 'vscode-languageserver';
import type { FeatureContext } from './context';
import type { NcpSettings } from './config';
import type { PredictionService } from './predictions';
import { propagationCommands, propagationRequests } from './propagationRun';
import { benchmarkExplorerRequest } from './benchmarkExplorer';
import { compareRequest } from './compare';
import { networkAtRequest } from './networkAt';
import { insertNetworkCommand } from './insertNetwork';
import { suggestCommand } from './searchSuggest';
import { searchProgressRequest } from './searchProgress';
import { exportRequest } from './exportNetwork';

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

export const requestHandlers: RequestHandler[] = [...propagationRequests, benchmarkExplorerRequest, compareRequest, networkAtRequest, searchProgressRequest, exportRequest];
export const commandHandlers: CommandHandler[] = [...propagationCommands, insertNetworkCommand, suggestCommand];
