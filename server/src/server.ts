// Language server entry point (stdio or node IPC, chosen by the command-line flags that
// vscode-languageserver understands: --stdio, --node-ipc, --socket=N).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';

export function startServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(TextDocument);
  connection.onInitialize(() => ({ capabilities: { textDocumentSync: 2 } }));
  documents.listen(connection);
  connection.listen();
}

startServer();
