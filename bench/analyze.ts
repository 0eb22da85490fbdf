// Times analyzeText (lex, parse, analyse) and formatText on a generated document of 2,500
// networks in the three forms plus propagations, twice: as the server ships (the modules
// bundled by esbuild, as in dist/server.js) and as loaded here through tsx (slower: tsx wraps
// every function and turns imports into getters). Usage: node --import tsx bench/analyze.ts [N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { analyzeText } from '../server/src/language/analyze';
import { formatText } from '../server/src/language/format';
import { printNetwork } from '../server/src/language/print';
import { randomCode } from '../server/src/core/space/multires';
import { makeRng as rng } from '../server/src/core/random';


const count = Number(process.argv[2] ?? 2500);
const rand = rng(7);
const forms = ['structured', 'string', 'list'] as const;
const parts: string[] = [];
for (let i = 0; i < count; i++) {
  parts.push(`// network ${i}\n${printNetwork(`n${i}`, randomCode(rand), forms[i % 3])}`);
  if (i % 50 === 49) parts.push(`propagate p${i} from n${i} {\n  maximize seg.mIoU\n  maximize 0.5 * seg-4x.mIoU\n  flops <= 2.5 G\n  steps 70\n}`);
}
const text = parts.join('\n\n') + '\n';
const lines = text.split('\n').length;

function time(label: string, f: () => unknown, runs = 15): void {
  f(); // warm-up (JIT, the parser's one-time self-analysis)
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  ms.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  // On a shared machine wall time includes waiting for a core; the CPU time is this process's own work.
  console.log(
    `${label}: wall median ${ms[runs >> 1].toFixed(1)} ms (best ${ms[0].toFixed(1)}, worst ${ms[runs - 1].toFixed(1)}); ` +
      `CPU median ${cpu[runs >> 1].toFixed(1)} ms — ${runs} runs`,
  );
}

type Api = { analyzeText: typeof analyzeText; formatText: typeof formatText };

async function bundled(): Promise<Api> {
  const dir = mkdtempSync(join(tmpdir(), 'ncp-bench-'));
  try {
    const outfile = join(dir, 'language.js');
    await esbuild.build({
      stdin: {
        contents: "export { analyzeText } from './server/src/language/analyze'; export { formatText } from './server/src/language/format';",
        resolveDir: join(__dirname, '..'),
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'error',
      outfile,
    });
    return require(outfile) as Api;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`document: ${count} networks (structured/string/list in turn), ${Math.floor(count / 50)} propagations, ${lines} lines, ${(text.length / 1024).toFixed(0)} KiB`);
  const a = analyzeText(text);
  console.log(`diagnostics: ${a.diagnostics.length} (random codes in range: expected 0)`);
  const shipped = await bundled();
  time('analyzeText (esbuild bundle, as shipped)', () => shipped.analyzeText(text));
  time('formatText  (esbuild bundle, as shipped)', () => shipped.formatText(text));
  time('analyzeText (tsx)', () => analyzeText(text));
  time('formatText  (tsx)', () => formatText(text));
}

void main();
