// `ncp lsp`: runs the language server on this process (the same code as dist/server.js), so any
// editor with an LSP client can use it: `ncp lsp --stdio`.
import { CLI_NAME, UsageError, type Command } from './command';
import { closest, didYouMean } from '../language/suggest';

const TRANSPORTS = ['--stdio', '--node-ipc'];

export const lspCommand: Command = {
  name: 'lsp',
  summary: 'start the language server (--stdio or --node-ipc)',
  help: [
    `Usage: ${CLI_NAME} lsp --stdio | --node-ipc | --socket=PORT`,
    '',
    'Starts the ncp language server (diagnostics, quick fixes, hovers with exact cost and',
    'predictions, completion, outline, formatting, rename, inlay hints) for any LSP client.',
    '',
    'Options:',
    '  --stdio        talk JSON-RPC over stdin/stdout (most editors)',
    '  --node-ipc     talk over the node IPC channel (when spawned by a node parent with an IPC channel)',
    '  --socket=PORT  connect to a socket the client listens on',
  ].join('\n'),
  async run(args) {
    const transport = args.find((a) => TRANSPORTS.includes(a) || a.startsWith('--socket=') || a.startsWith('--pipe='));
    const unknown = args.filter((a) => a !== transport && !a.startsWith('--clientProcessId'));
    if (unknown.length > 0) throw new UsageError(`unknown option '${unknown[0]}'${didYouMean(closest(unknown[0], [...TRANSPORTS, '--socket', '--help'], 2))}`);
    if (!transport) throw new UsageError('choose a transport: --stdio, --node-ipc or --socket=PORT');
    if (transport === '--node-ipc' && typeof process.send !== 'function') {
      throw new UsageError('--node-ipc needs a parent process with an IPC channel; use --stdio from a terminal or editor');
    }
    const { startServer } = await import('../server');
    const closed = startServer();
    // The server owns the process from here; the command ends when the client says exit.
    return await closed;
  },
};
