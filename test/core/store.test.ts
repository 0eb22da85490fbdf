// Saving a predictor set never damages the folder it replaces: written beside it, loaded back
// (manifest, checksums, every weight), and only then swapped in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultModelsDir, loadPredictorSet, outDirProblem, savePredictorSetSafely } from '../../server/src/core/predict/store';
import { ModelFormatError } from '../../server/src/core/predict/format';

const dir = mkdtempSync(join(tmpdir(), 'ncp-store-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const snapshot = (d: string) => Object.fromEntries(readdirSync(d).sort().map((f) => [f, readFileSync(join(d, f), 'utf8')]));
const meta = { version: 'test', command: 'test', seed: 1, recipe: 'ncp', data: {} };

test('a set that fails its check after writing leaves the old folder as it was, with nothing beside it', async () => {
  const parent = mkdtempSync(join(dir, 'p-'));
  const models = join(parent, 'models');
  cpSync(defaultModelsDir(), models, { recursive: true });
  const before = snapshot(models);
  const set = await loadPredictorSet(models, { settings: ['seg', 'video'] });
  const bad = set.ensemble('video')!;
  bad.members[0].trunk[0].W[3] = 5e37; // a damaged weight: written fine, refused on the check
  await assert.rejects(savePredictorSetSafely(models, [set.get('seg')!, bad], meta), (e: Error) => e instanceof ModelFormatError && /video\.json: members\[0\]\.trunk\[0\]\.W: value 3/.test(e.message));
  assert.deepEqual(snapshot(models), before);
  assert.deepEqual(readdirSync(parent), ['models']);
});

test('a good set replaces the old one completely; a file or a foreign folder is never replaced', async () => {
  const parent = mkdtempSync(join(dir, 'q-'));
  const models = join(parent, 'models');
  cpSync(defaultModelsDir(), models, { recursive: true });
  const set = await loadPredictorSet(models, { settings: ['seg'] });
  await savePredictorSetSafely(models, [set.get('seg')!], meta);
  assert.deepEqual(readdirSync(models).sort(), ['manifest.json', 'seg.json']);
  assert.equal(JSON.parse(readFileSync(join(models, 'manifest.json'), 'utf8')).version, 'test');
  assert.deepEqual(readdirSync(parent), ['models']);
  const file = join(parent, 'f');
  writeFileSync(file, 'x');
  assert.match(outDirProblem(file)!, /exists and is not a folder/);
  await assert.rejects(savePredictorSetSafely(file, [set.get('seg')!], meta), /exists and is not a folder/);
  assert.equal(readFileSync(file, 'utf8'), 'x');
  assert.equal(outDirProblem(join(parent, 'new')), undefined);
});
