// Issue 14 item 4: framing faults end the server with a non-zero status (so the editor restarts it)
// instead of leaving it alive but deaf; malformed params get InvalidParams (-32602) naming the
// field, for every request kind; requests after `shutdown` get InvalidRequest (-32600). The real
// server is spawned and fed raw bytes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { StreamMessageReader } from 'vscode-jsonrpc/node';
import { ensureServerBuilt, root, serverPath } from './harness';
import { PARAM_SHAPES } from '../../server/src/transport/requestGuard';

interface Raw {
  proc: ChildProcess;
  stderr: () => string;
  /** Resolves with the exit status (null: still running after the timeout). */
  exited(timeoutMs: number): Promise<number | null>;
  send(message: object): void;
  write(bytes: string | Buffer): void;
  response(id: number, timeoutMs?: number): Promise<{ id: number; result?: unknown; error?: { code: number; message: string } }>;
}

function frame(message: object): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

const spawned: ChildProcess[] = [];

function spawnRaw(): Raw {
  const proc = spawn(process.execPath, [serverPath, '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  spawned.push(proc);
  let err = '';
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (d: string) => (err += d));
  proc.stdin!.on('error', () => undefined); // EPIPE once the server has exited mid-write
  const responses = new Map<number, { id: number; result?: unknown; error?: { code: number; message: string } }>();
  new StreamMessageReader(proc.stdout!).listen((m) => {
    const r = m as { id?: number | null };
    if (!('method' in m) && (typeof r.id === 'number' || r.id === null)) responses.set(r.id ?? -1, m as never);
  });
  let status: number | null | undefined;
  proc.on('exit', (code) => (status = code));
  return {
    proc,
    stderr: () => err,
    async exited(timeoutMs) {
      const t0 = Date.now();
      while (status === undefined && Date.now() - t0 < timeoutMs) await new Promise((r) => setTimeout(r, 20));
      if (status === undefined) {
        proc.kill();
        return null;
      }
      return status;
    },
    send: (message) => proc.stdin!.write(frame(message)),
    write: (bytes) => proc.stdin!.write(bytes),
    async response(id, timeoutMs = 10_000) {
      const t0 = Date.now();
      while (!responses.has(id)) {
        if (Date.now() - t0 > timeoutMs) throw new Error(`no response ${id} within ${timeoutMs} ms; stderr:\n${err.slice(-1500)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return responses.get(id)!;
    },
  };
}

async function initialized(): Promise<Raw> {
  const s = spawnRaw();
  s.send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {}, initializationOptions: { predictors: false, diagnosticsDelayMs: 0 } } });
  await s.response(0);
  s.send({ jsonrpc: '2.0', method: 'initialized', params: {} });
  return s;
}

before(async () => {
  await ensureServerBuilt();
});
after(() => {
  for (const p of spawned) if (p.exitCode === null) p.kill();
});

const FAULTS: [string, () => Buffer | string][] = [
  ['a negative Content-Length', () => 'Content-Length: -5\r\n\r\n{}'],
  ['a non-numeric Content-Length', () => 'Content-Length: abc\r\n\r\n{}'],
  ['a fractional Content-Length', () => 'Content-Length: 1e3\r\n\r\n{}'],
  ['a huge Content-Length', () => 'Content-Length: 99999999999999\r\n\r\n{}'],
  ['a header without Content-Length', () => 'Content-Type: application/json\r\n\r\n{}'],
  ['a 50 MB garbage header', () => Buffer.alloc(50 * 2 ** 20, 'x')],
];

for (const [what, bytes] of FAULTS) {
  test(`framing: ${what} ends the server with a non-zero status and a message`, async () => {
    const s = await initialized();
    s.write(bytes());
    const status = await s.exited(10_000);
    assert.notEqual(status, null, 'the server exited (it did not stay alive but deaf)');
    assert.notEqual(status, 0);
    assert.match(s.stderr(), /framing error: .*exiting so that the client restarts the server/);
  });
}

test('framing: a 50 MB didChange is refused by ending the server (message limit 16 MB), not by a crash', async () => {
  const s = await initialized();
  s.send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///big.ncp', languageId: 'ncp', version: 1, text: '' } } });
  const text = 'network a = [' + '1, '.repeat((50 * 2 ** 20) / 3) + ']';
  s.send({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri: 'file:///big.ncp', version: 2 }, contentChanges: [{ text }] } });
  const status = await s.exited(20_000);
  assert.notEqual(status, null);
  assert.notEqual(status, 0);
  assert.match(s.stderr(), /over the limit of 16777216 bytes/);
});

test('framing: valid messages split into single bytes and merged into one chunk still work', async () => {
  const s = await initialized();
  const bytes = Buffer.concat([frame({ jsonrpc: '2.0', id: 1, method: 'ncp/status', params: null }), frame({ jsonrpc: '2.0', id: 2, method: 'ncp/status', params: null })]);
  for (let i = 0; i < 80; i++) s.write(bytes.subarray(i, i + 1));
  s.write(bytes.subarray(80));
  assert.ok((await s.response(1)).result);
  assert.ok((await s.response(2)).result);
  // header fields in any case, with a Content-Type
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'ncp/status', params: null }));
  s.write(Buffer.concat([Buffer.from(`content-length: ${body.length}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n`), body]));
  assert.ok((await s.response(3)).result);
  s.proc.kill();
});

const REQUESTS = Object.keys(PARAM_SHAPES).filter((m) => !m.includes('/did') && m !== 'initialize');

test(`params null or {} get InvalidParams naming the missing field, for each of ${REQUESTS.length} request kinds`, async () => {
  const s = await initialized();
  let id = 10;
  for (const method of REQUESTS) {
    const cases: unknown[] = [null, {}, { textDocument: {} }];
    if ('position' in PARAM_SHAPES[method]) cases.push({ textDocument: { uri: 'file:///x.ncp' }, position: { line: -1, character: 'a' } });
    if ('range' in PARAM_SHAPES[method]) cases.push({ textDocument: { uri: 'file:///x.ncp' }, range: { start: { line: 0, character: 0 } } });
    if (method === 'workspace/executeCommand' || method === 'ncp/traces') cases.splice(2);
    for (const params of cases) {
      s.send({ jsonrpc: '2.0', id: ++id, method, params });
      const r = await s.response(id);
      assert.equal(r.error?.code, -32602, `${method} ${JSON.stringify(params)}: ${JSON.stringify(r)}`);
      assert.match(r.error!.message, new RegExp(`invalid params: ${method.replace(/\//g, '\\/')}`));
      if (params !== null) assert.match(r.error!.message, /'[\w.]+'/, 'names the field');
    }
  }
  // params without `params` at all (JSON-RPC allows omitting it)
  s.send({ jsonrpc: '2.0', id: ++id, method: 'textDocument/hover' });
  assert.equal((await s.response(id)).error?.code, -32602);
  // ncp/trace's own check
  s.send({ jsonrpc: '2.0', id: ++id, method: 'ncp/trace', params: {} });
  assert.equal((await s.response(id)).error?.code, -32602);
  // a malformed notification is dropped and the server answers the next request
  s.send({ jsonrpc: '2.0', method: 'textDocument/didChange', params: null });
  s.send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: {} });
  s.send({ jsonrpc: '2.0', id: ++id, method: 'ncp/status', params: null });
  assert.ok((await s.response(id)).result);
  assert.equal(s.proc.exitCode, null);
  s.proc.kill();
});

test('a well-framed body that is not JSON gets a parse error (id null) and the server carries on', async () => {
  const s = await initialized();
  const body = Buffer.from('{"jsonrpc": "2.0", "id": 5, "method": ');
  s.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
  const r = await s.response(-1);
  assert.equal(r.error?.code, -32700);
  s.send({ jsonrpc: '2.0', id: 6, method: 'ncp/status', params: null });
  assert.ok((await s.response(6)).result);
  s.proc.kill();
});

test('requests after shutdown get InvalidRequest; exit then ends the process with status 0', async () => {
  const s = await initialized();
  s.send({ jsonrpc: '2.0', id: 1, method: 'shutdown' });
  assert.equal((await s.response(1)).error, undefined);
  s.send({ jsonrpc: '2.0', id: 2, method: 'textDocument/hover', params: { textDocument: { uri: 'file:///x.ncp' }, position: { line: 0, character: 0 } } });
  const r = await s.response(2);
  assert.equal(r.error?.code, -32600);
  assert.match(r.error!.message, /shutting down/);
  s.send({ jsonrpc: '2.0', method: 'exit' });
  assert.equal(await s.exited(5000), 0);
});
