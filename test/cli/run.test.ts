// `ncprop run FILE.ncp [BLOCK] [--write]` (#27): a propagate or search block run as the editor's
// lens runs it, its text printed, or with --write inserted under its source exactly as the
// editor's edit does (one blank line after the source, no other line touched), atomically.
// Uses the shipped predictors (a few steps: the CLI path, not the search quality).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ncprop } from './cliHarness';
import { analyzeText } from '../../server/src/language/analyze';
import { cost } from '../../server/src/core/cost';
import { insertAfter } from '../../server/src/cli/run';

const dir = mkdtempSync(join(tmpdir(), 'ncp-run-'));
const SOURCE = `// a comment above\nnetwork cls_net = [88, 128, 1, 1, 128, 1, 1, 4, 120, 32, 2, 1, 2, 4, 128, 128, 128, 1, 1, 1, 1, 1, 32, 128, 8, 8, 128]\n\n// between\npropagate to_seg from cls_net {\n  maximize seg.mIoU\n  flops <= 2.5 G\n  steps 4\n}\n\nsearch runs {\n  maximize seg.mIoU\n  flops <= 2500 M\n  measurements "runs.jsonl"\n  batch 2\n}\n// last line, no newline after`;

test('run BLOCK prints what the editor inserts; --write inserts exactly that under the source', async () => {
  const file = join(dir, 'a.ncp');
  writeFileSync(file, SOURCE);
  const printed = await ncprop(['run', 'a.ncp', 'to_seg'], dir);
  assert.equal(printed.status, 0, printed.stderr);
  assert.match(printed.stdout, /^\/\/ propagated from cls_net/);
  assert.match(printed.stdout, /network cls_net_segmentation \{/);
  assert.equal(readFileSync(file, 'utf8'), SOURCE, 'without --write the file is untouched');

  const w = await ncprop(['run', 'a.ncp', 'to_seg', '--write'], dir);
  assert.equal(w.status, 0, w.stderr);
  const after = readFileSync(file, 'utf8');
  const inserted = w.stdout.replace(/\n\n$/, '');
  assert.equal(after, insertAfter(SOURCE, analyzeText(SOURCE), 'cls_net', inserted), 'the editor\'s edit: after the source, one blank line');
  const at = SOURCE.indexOf('\n\n// between');
  assert.equal(after, `${SOURCE.slice(0, at)}\n\n${inserted}${SOURCE.slice(at)}`, 'no other line touched');
  const a = analyzeText(after);
  assert.equal(a.diagnostics.filter((d) => d.severity === 'error').length, 0, 'the file still checks');
  const net = a.networks.get('cls_net_segmentation');
  assert.ok(net?.code && cost(net.code).flops <= 2.5, 'the result fits the block\'s budget');
  assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')), [], 'no temporary file left');
});

test('run a search block: the next networks after the block; --json records with code and string', async () => {
  const file = join(dir, 'b.ncp');
  writeFileSync(file, SOURCE);
  const r = await ncprop(['run', 'b.ncp', 'runs', '--json', '--write'], dir);
  assert.equal(r.status, 0, r.stderr);
  const rec = JSON.parse(r.stdout);
  assert.equal(rec.kind, 'search');
  assert.equal(rec.suggestions.length, 2);
  assert.equal(rec.random, true, 'no measurements yet: random networks, as the lens');
  assert.deepEqual(rec.suggestions.map((s: { name: string }) => s.name), ['runs_next', 'runs_next_2']);
  const after = readFileSync(file, 'utf8');
  assert.ok(after.startsWith(SOURCE.slice(0, SOURCE.indexOf('// last line'))), 'everything above is kept');
  assert.ok(after.endsWith('\n// last line, no newline after'), 'the line after the block is kept');
  const a = analyzeText(after);
  for (const s of rec.suggestions) assert.equal(a.networks.get(s.name)?.code?.join(), s.code.join());
});

test('run: unknown block with did-you-mean; a block with errors is named at its line; status 1 or 2', async () => {
  writeFileSync(join(dir, 'c.ncp'), SOURCE);
  const u = await ncprop(['run', 'c.ncp', 'to_sge'], dir);
  assert.equal(u.status, 2);
  assert.match(u.stderr, /c\.ncp has no propagate or search block 'to_sge' \(did you mean 'to_seg'\?\) \(blocks: to_seg, runs\)/);
  writeFileSync(join(dir, 'd.ncp'), SOURCE.replace('maximize seg.mIoU', 'maximize seg.nope'));
  const e = await ncprop(['run', 'd.ncp', 'to_seg', '--write'], dir);
  assert.equal(e.status, 1);
  assert.match(e.stderr, /d\.ncp:6:\d+: propagate to_seg: /);
  assert.equal(readFileSync(join(dir, 'd.ncp'), 'utf8'), SOURCE.replace('maximize seg.mIoU', 'maximize seg.nope'));
});
