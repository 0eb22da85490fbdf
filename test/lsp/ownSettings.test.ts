// The catalogue a document's settings of one's own give (features/search/ownSettings.ts): the same
// object while its measurements files are unchanged, so that a keystroke builds no catalogue and
// the incremental analysis keeps its chunks; a new one when a file brings another setting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeText } from '../../server/src/language/analyze';
import { DEFAULT_CATALOGUE } from '../../server/src/core/settings';
import { ownSettingsOf } from '../../server/src/features/search/ownSettings';
import { ownRows } from './ownSettingTransfer.fixtures';

test('settings of one\'s own: one catalogue while the file is unchanged, a new one naming a new setting', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ncp-own-catalogue-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { codes, text } = ownRows(6, 3);
  writeFileSync(join(dir, 'runs.jsonl'), text);
  const uri = pathToFileURL(join(dir, 'mine.ncp')).href;
  const doc = `network n = [${codes[0].join(', ')}]\nsearch s {\n  maximize mytask.top1\n  measurements "runs.jsonl"\n}\n`;
  const first = ownSettingsOf(analyzeText(doc), uri, DEFAULT_CATALOGUE).catalogue;
  assert.ok(first?.resolve('mytask'));
  // another keystroke: another analysis, the same file
  assert.equal(ownSettingsOf(analyzeText(doc + '\n'), uri, DEFAULT_CATALOGUE).catalogue, first);
  appendFileSync(join(dir, 'runs.jsonl'), JSON.stringify({ space: 'multires', code: codes[1], metrics: { other: { acc: 50 } }, ok: true, seconds: 1 }) + '\n');
  const next = ownSettingsOf(analyzeText(doc), uri, DEFAULT_CATALOGUE).catalogue;
  assert.notEqual(next, first);
  assert.ok(next?.resolve('other') && next.resolve('mytask'));
});
