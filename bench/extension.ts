// The extension in a real VS Code (code-server + chromium, test/e2e/harness.ts): the packaged
// .vsix's size and activation time — from activate (the `onLanguage:ncp` event that opening a
// .ncp file fires) to the first diagnostics, as the client logs it. Goal: < 500 ms; .vsix < 15 MB.
// Needs `npm run setup:e2e`. Run: node --import tsx bench/extension.ts   (RUNS=N fresh windows, default 3)
import { loadavg, cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, missingPrerequisite, openFile, outputLog, startSession, until } from '../test/e2e/harness';

async function main(): Promise<void> {
  const missing = missingPrerequisite();
  if (missing) {
    console.error(missing);
    process.exit(2);
  }
  const runs = Math.max(1, Math.min(20, Number(process.env.RUNS ?? 3) || 3));
  const example = readFileSync(join(ROOT, 'examples/propagate-to-seg.ncp'), 'utf8');
  const first: number[] = [];
  const init: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const s = await startSession({ name: `bench-${i}`, files: { 'example.ncp': example } });
    try {
      bytes = s.vsix.bytes;
      await openFile(s.page, 'example.ncp');
      const log = await until('the activation line', async () => {
        const l = outputLog(s.scratch);
        return /first diagnostics \d+ ms/.test(l) ? l : undefined;
      }, 60_000);
      first.push(Number(/first diagnostics (\d+) ms/.exec(log)![1]));
      const m = /server initialized (\d+) ms/.exec(log);
      if (m) init.push(Number(m[1]));
      console.log(`run ${i + 1}: first diagnostics ${first.at(-1)} ms after activate${m ? ` (server initialized at ${m[1]} ms)` : ''}; workbench ${s.workbenchMs} ms`);
    } finally {
      await s.close();
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`.vsix size: ${(bytes / 1e6).toFixed(2)} MB (goal < 15 MB)`);
  console.log(`activation → first diagnostics, median of ${runs}: ${median(first)} ms (goal < 500 ms); server initialized: ${init.length ? median(init) : '?'} ms`);
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
