// Custom requests and workspace commands beyond standard LSP (e.g. `ncp/trace`): each capability
// folder exports its handlers as one `Capability` (its index.ts), listed here in one line each.
// Handlers get the server's services (protocol.ts, which also holds their types: handlers never
// import this file); documents are looked up by uri. Commands are advertised in
// executeCommandProvider at initialize; a handler may edit documents with
// `services.connection.workspace.applyEdit(…)`. Code actions and code lenses have their own
// provider lists in lsp/codeActions.ts and lsp/codeLens.ts.
import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import type { Capability, CommandHandler, RequestHandler, ServerServices } from './protocol';
import { propagation } from './propagation';
import { views } from './views';
import { search } from './search';
import { exporting } from './export';

export const capabilities: readonly Capability[] = [
  propagation, // propagation/: run a block, propagate at the cursor, fit a budget, traces
  views, // views/: benchmark explorer, compare, network at the cursor, insert a network
  search, // search/: suggest networks, search progress
  exporting, // export/: a network as PyTorch, ONNX or the authors' arguments
];

export const requestHandlers: RequestHandler[] = capabilities.flatMap((c) => c.requests);
export const commandHandlers: CommandHandler[] = capabilities.flatMap((c) => c.commands);

/** Registers every custom request, and `workspace/executeCommand` for every custom command. */
export function registerCustomFeatures(services: ServerServices): void {
  const { connection } = services;
  for (const h of requestHandlers) connection.onRequest(h.method, (params: unknown) => h.handle(params, services));
  connection.onExecuteCommand((p) => {
    const h = commandHandlers.find((c) => c.command === p.command);
    if (!h) throw new ResponseError(ErrorCodes.InvalidParams, `unknown command '${p.command}'`);
    return h.execute(p.arguments ?? [], services);
  });
}
