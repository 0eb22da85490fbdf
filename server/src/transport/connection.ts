// The server's connection, with the guards between the wire and the handlers: FramingGuard on
// byte streams (stdio, socket, pipe) ends the process on a framing fault so the client restarts
// the server; RequestGuard answers malformed params and post-shutdown requests. The transport is
// chosen by the command-line flags vscode-languageserver understands (--stdio, --node-ipc,
// --socket=N, --pipe=NAME).
import { ErrorCodes, type Message, createConnection, createServerPipeTransport, createServerSocketTransport, IPCMessageReader, IPCMessageWriter, ProposedFeatures, StreamMessageReader, StreamMessageWriter, type Connection, type MessageReader, type MessageWriter } from 'vscode-languageserver/node';
import type { Readable } from 'node:stream';
import { FramingGuard } from './framingGuard';
import { RequestGuard } from './requestGuard';
import { tokenDataEncoder } from './tokenDataEncoder';

/** Exit status after a framing fault (non-zero: the client restarts the server). */
export const FRAMING_FAULT_EXIT = 2;

function stderrLine(message: string): void {
  try {
    process.stderr.write(`ncp language server: ${message}\n`);
  } catch {
    /* stderr gone too */
  }
}

function framingFault(message: string): never {
  stderrLine(`framing error: ${message}; exiting so that the client restarts the server`);
  process.exit(FRAMING_FAULT_EXIT);
}

function guarded(stream: NodeJS.ReadableStream): Readable {
  const guard = new FramingGuard(framingFault);
  stream.pipe(guard);
  return guard;
}

function transport(argv: readonly string[]): { reader: MessageReader; writer: MessageWriter; stdio: boolean } | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--stdio') return { reader: new StreamMessageReader(guarded(process.stdin)), writer: new StreamMessageWriter(process.stdout, { charset: 'utf-8', contentTypeEncoder: tokenDataEncoder }), stdio: true };
    if (a === '--node-ipc') return { reader: new IPCMessageReader(process), writer: new IPCMessageWriter(process), stdio: false };
    const [flag, value = argv[i + 1]] = a.includes('=') ? a.split('=', 2) : [a, undefined];
    if (flag === '--socket' || flag === '--pipe') {
      const [r, w] = flag === '--socket' ? createServerSocketTransport(Number(value)) : createServerPipeTransport(String(value));
      return { reader: r, writer: w, stdio: false };
    }
  }
  return undefined;
}

/** Console output must never reach stdout in stdio mode: it would corrupt the protocol stream. */
function consoleToStderr(): void {
  const write = (...args: unknown[]) => stderrLine(args.map((a) => (typeof a === 'string' ? a : String(a))).join(' '));
  console.log = write;
  console.info = write;
  console.warn = write;
  console.error = write;
  console.debug = write;
}

export function createServerConnection(argv: readonly string[] = process.argv.slice(2)): Connection {
  const t = transport(argv);
  if (!t) return createConnection(ProposedFeatures.all);
  if (t.stdio) consoleToStderr();
  const reader = new RequestGuard(t.reader, t.writer, stderrLine);
  let shutdown = false;
  const connection = createConnection(ProposedFeatures.all, reader, t.writer);
  connection.onShutdown(() => {
    shutdown = true;
  });
  // The client went away: nothing more will come (with streams vscode-languageserver does this itself).
  t.reader.onClose(() => process.exit(shutdown ? 0 : 1));
  t.reader.onError((e) => {
    stderrLine(`message error: ${e.message}`);
    // Framing intact but the body is not JSON: JSON-RPC's answer is a parse error with id null.
    if (e instanceof SyntaxError || /JSON/.test(e.message)) {
      void t.writer.write({ jsonrpc: '2.0', id: null, error: { code: ErrorCodes.ParseError, message: 'parse error: the message body is not valid JSON' } } as Message).catch(() => undefined);
    }
  });
  return connection;
}
