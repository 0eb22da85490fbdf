import { readFileSync, readdirSync } from 'node:fs';
import { startClient } from '../test/lsp/harness';
const client = await startClient({ initializationOptions: { predictors: false } });
const docs: [string, string][] = [];
for (const f of readdirSync('examples').filter((f) => f.endsWith('.ncp'))) {
  const t = readFileSync('examples/' + f, 'utf8');
  docs.push([f, t.repeat(Math.ceil(100_000 / t.length))]);
}
let v = 0;
for (const [name, text] of docs) {
  const uri = `file:///f${v++}.ncp`;
  await client.open(uri, text);
  const t0 = performance.now();
  const edits = await client.request<unknown[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
  console.log(name, (text.length / 1024).toFixed(0), 'KiB', (performance.now() - t0).toFixed(0), 'ms', edits.length);
}
await client.stop();
