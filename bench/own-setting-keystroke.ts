// Keystrokes on a large document that names a setting of its own (issue #25's editor step): the
// server's analysis cache, its settings of one's own given as the extension the server installs,
// a digit changed 30 times across a document of N networks. In the same run, the baseline: the
// same keystrokes when the document is also analysed whole against its catalogue (what the cache
// did before its incremental chunks were kept per catalogue).
// Usage: node --import tsx bench/own-setting-keystroke.ts [N=2500]
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisCache } from '../server/src/features/documents/analysisCache';
import { analyzeText } from '../server/src/language/analyze';
import { DEFAULT_CATALOGUE, declareSetting } from '../server/src/core/settings';

const N = Math.min(100_000, Math.max(100, Number(process.argv[2] ?? 2500) || 2500));
const mine = () => DEFAULT_CATALOGUE.with([declareSetting('mytask', { metrics: ['top1'] })]);
const nets = Array.from({ length: N }, (_, i) => `network n${i} = [16, 64, 1, 3, 128, 3, 3, 3, 32, 48, 2, 2, 3, 2, 16, 32, 16, 1, 2, 4, 1, 1, 96, 112, 48, 80, ${8 * (1 + (i % 16))}]`);
const start = `propagate own from n1 {\n  maximize mytask.top1\n  flops <= 2.5 G\n}\n` + nets.join('\n') + '\n';

function run(whole: boolean): number[] {
  let text = start;
  const cache = new AnalysisCache(() => undefined);
  // a new catalogue object on every analysis (the server's stays the same object while the files
  // are unchanged): the chunks are kept by the catalogue's content either way
  cache.extend(() => ({ catalogue: mine(), diagnostics: [] }));
  cache.get(TextDocument.create('file:///big.ncp', 'ncp', 1, text));
  const times: number[] = [];
  for (let k = 0; k < 30; k++) {
    const at = text.indexOf('96, 112', Math.floor(((k + 1) * text.length) / 32));
    text = text.slice(0, at) + String(k % 10) + text.slice(at + 1);
    const doc = TextDocument.create('file:///big.ncp', 'ncp', k + 2, text);
    const t0 = performance.now();
    const a = cache.get(doc);
    if (whole) analyzeText(text, { catalogue: mine() });
    times.push(performance.now() - t0);
    if (a.diagnostics.some((d) => d.code === 'unknown-setting')) throw new Error('bench/own-setting-keystroke: mytask was flagged');
  }
  return times.sort((x, y) => x - y);
}

const fmt = (t: number[]) => `p50 ${t[15].toFixed(1)} ms, max ${t[29].toFixed(1)} ms`;
run(false); // warm up the parser and the JIT
console.log(`bench/own-setting-keystroke: ${N} networks (${(start.length / 1e6).toFixed(2)} MB), 30 keystrokes, keystroke → analysis`);
console.log(`  chunks kept per catalogue (now):          ${fmt(run(false))}`);
console.log(`  plus a whole analysis against it (before): ${fmt(run(true))}`);
