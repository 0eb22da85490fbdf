import { readFileSync } from 'node:fs';
import { startClient, positionOf, rssMB } from '../test/lsp/harness';
const text = readFileSync('/tmp/rd/doc.ncp', 'utf8');
const prof = process.env.PROF === '1';
function cpu(pid: number): number { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; }
const client = await startClient({ initializationOptions: { diagnosticsDelayMs: undefined, predictors: false }, command: prof ? ['--cpu-prof', '--cpu-prof-dir=/tmp/rd/sprof', 'dist/server.js', '--stdio'] : undefined });
const uri = 'file:///bench.ncp';
let t0 = performance.now(); const cc = cpu(client.proc.pid!);
await client.open(uri, text);
console.log('open', (performance.now() - t0).toFixed(0), 'cpu', cpu(client.proc.pid!) - cc, rssMB(client.proc.pid!));
t0 = performance.now();
while ((await client.request<{ busy: boolean }>('ncp/status', null)).busy) await new Promise((r) => setTimeout(r, 10));
console.log('primed', (performance.now() - t0).toFixed(0), rssMB(client.proc.pid!));
const mid = positionOf(text, `network n50000 `);
for (let i = 0; i < 10; i++) {
  const at = { line: mid.line, character: mid.character + 8 };
  t0 = performance.now(); const c0 = cpu(client.proc.pid!);
  if (i % 2 === 0) await client.edit(uri, { start: at, end: at }, 'x');
  else await client.edit(uri, { start: at, end: { line: at.line, character: at.character + 1 } }, '');
  console.log('key', (performance.now() - t0).toFixed(0), 'cpu', cpu(client.proc.pid!) - c0, rssMB(client.proc.pid!).rss.toFixed(0));
}
t0 = performance.now();
await client.request('textDocument/semanticTokens/range', { textDocument: { uri }, range: { start: { line: mid.line, character: 0 }, end: { line: mid.line + 60, character: 0 } } });
console.log('semrange', (performance.now() - t0).toFixed(1), rssMB(client.proc.pid!));
await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
await new Promise((r) => setTimeout(r, 3000));
console.log('closed', rssMB(client.proc.pid!));
await client.stop();
