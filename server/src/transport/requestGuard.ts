// Checks every incoming message's params before the handlers see them: a request whose params are
// null, `{}` or lack a field its method reads gets an InvalidParams error (-32602) naming the
// field, instead of a TypeError deep in a feature answered as an internal error. After `shutdown`,
// requests get InvalidRequest (-32600) and notifications other than `exit` are dropped, as LSP says.
import { ErrorCodes, Message, type DataCallback, type Disposable, type MessageReader, type MessageWriter, type NotificationMessage, type RequestMessage } from 'vscode-languageserver/node';

type Check = 'string' | 'integer' | 'object' | 'array' | 'position' | 'range' | 'boolean';
/** Required fields of each method's params, as dotted paths → what they must be. */
type Shape = Record<string, Check>;

const doc: Shape = { 'textDocument.uri': 'string' };
const at: Shape = { ...doc, position: 'position' };
const span: Shape = { ...doc, range: 'range' };

export const PARAM_SHAPES: Record<string, Shape> = {
  initialize: { capabilities: 'object' },
  'textDocument/hover': at,
  'textDocument/completion': at,
  'textDocument/definition': at,
  'textDocument/references': { ...at, 'context.includeDeclaration': 'boolean' },
  'textDocument/prepareRename': at,
  'textDocument/rename': { ...at, newName: 'string' },
  'textDocument/documentSymbol': doc,
  'textDocument/foldingRange': doc,
  'textDocument/formatting': doc,
  'textDocument/semanticTokens/full': doc,
  'textDocument/semanticTokens/full/delta': { ...doc, previousResultId: 'string' },
  'textDocument/semanticTokens/range': span,
  'textDocument/inlayHint': span,
  'textDocument/codeAction': { ...span, 'context.diagnostics': 'array' },
  'textDocument/codeLens': doc,
  'workspace/executeCommand': { command: 'string' },
  'ncp/traces': { uri: 'string' },
  // notifications (dropped, with a log line, when malformed: there is no one to answer)
  'textDocument/didOpen': { 'textDocument.uri': 'string', 'textDocument.version': 'integer', 'textDocument.text': 'string' },
  'textDocument/didChange': { 'textDocument.uri': 'string', 'textDocument.version': 'integer', contentChanges: 'array' },
  'textDocument/didClose': doc,
  'textDocument/didSave': doc,
};

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isUint = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isPosition = (v: unknown): boolean => isObj(v) && isUint(v.line) && isUint(v.character);

const WHAT: Record<Check, string> = {
  string: 'a string',
  integer: 'an integer',
  object: 'an object',
  array: 'an array',
  boolean: 'true or false',
  position: 'a position {line, character} of non-negative integers',
  range: 'a range {start, end} of positions',
};

function ok(v: unknown, check: Check): boolean {
  switch (check) {
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'object':
      return isObj(v);
    case 'array':
      return Array.isArray(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'position':
      return isPosition(v);
    case 'range':
      return isObj(v) && isPosition(v.start) && isPosition(v.end);
  }
}

/** Why `params` do not fit `method` ("missing 'position'…"), or undefined when they do (or the method is not checked). */
export function paramsProblem(method: string, params: unknown): string | undefined {
  const shape = PARAM_SHAPES[method];
  if (!shape) return undefined;
  if (!isObj(params)) return `${method} needs params (an object), got ${params === undefined ? 'none' : JSON.stringify(params)?.slice(0, 40)}`;
  for (const [path, check] of Object.entries(shape)) {
    let v: unknown = params;
    for (const part of path.split('.')) v = isObj(v) ? v[part] : undefined;
    if (v === undefined) return `${method}: missing '${path}' (${WHAT[check]})`;
    if (!ok(v, check)) return `${method}: '${path}' must be ${WHAT[check]}`;
  }
  if (method === 'textDocument/didChange') {
    for (const [i, c] of (params.contentChanges as unknown[]).entries()) {
      if (!isObj(c) || typeof c.text !== 'string') return `${method}: contentChanges[${i}].text must be a string`;
      if (c.range !== undefined && !ok(c.range, 'range')) return `${method}: contentChanges[${i}].range must be ${WHAT.range}`;
    }
  }
  return undefined;
}

/** A reader that answers malformed requests itself and passes the rest on. */
export class RequestGuard implements MessageReader {
  private shutdown = false;

  constructor(
    private readonly base: MessageReader,
    private readonly writer: MessageWriter,
    private readonly log: (message: string) => void,
  ) {}

  get onError() {
    return this.base.onError;
  }
  get onClose() {
    return this.base.onClose;
  }
  get onPartialMessage() {
    return this.base.onPartialMessage;
  }

  listen(callback: DataCallback): Disposable {
    return this.base.listen((message) => {
      if (Message.isRequest(message)) {
        const r = message as RequestMessage;
        if (this.shutdown) return this.reject(r, ErrorCodes.InvalidRequest, `the server is shutting down: '${r.method}' after 'shutdown' (only 'exit' is accepted)`);
        const problem = paramsProblem(r.method, r.params);
        if (problem) return this.reject(r, ErrorCodes.InvalidParams, `invalid params: ${problem}`);
        if (r.method === 'shutdown') this.shutdown = true;
      } else if (Message.isNotification(message)) {
        const n = message as NotificationMessage;
        if (this.shutdown && n.method !== 'exit') return;
        const problem = paramsProblem(n.method, n.params);
        if (problem) {
          this.log(`ignored a malformed notification: ${problem}`);
          return;
        }
      }
      callback(message);
    });
  }

  private reject(r: RequestMessage, code: number, message: string): void {
    void this.writer.write({ jsonrpc: '2.0', id: r.id, error: { code, message } } as Message).catch(() => undefined);
  }

  dispose(): void {
    this.base.dispose();
  }
}
