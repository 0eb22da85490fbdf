// The settings catalogue: known settings keep their labels, others come from the data or a model
// manifest; task names stand for a task's main setting; names may start with digits (`3ddet`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  activeCatalogue,
  catalogueFromManifestObject,
  declareSetting,
  DEFAULT_CATALOGUE,
  SettingCatalogue,
  setActiveCatalogue,
  withKnown,
} from '../../server/src/core/settings';
import { parseTerm } from '../../server/src/core/propagate/objective';
import { analyzeText } from '../../server/src/language/analyze';

test('declareSetting: known names keep our label and task; others take the declaration, else their name', () => {
  const seg = declareSetting('seg', { task: 'whatever', label: 'theirs', metrics: ['mIoU'] });
  assert.equal(seg.task, 'segmentation');
  assert.match(seg.label, /Cityscapes/);
  assert.deepEqual(seg.metrics, ['mIoU'], 'the data decides which metrics it has');
  const det = declareSetting('3ddet', {});
  assert.equal(det.task, 'detection');
  assert.deepEqual(det.metrics, ['moderate', 'easy', 'hard']);
  const mine = declareSetting('my-data', { metrics: ['acc', 'latency'] });
  assert.equal(mine.task, 'my-data');
  assert.equal(mine.known, false);
  assert.deepEqual(mine.metrics, ['acc', 'latency']);
  assert.equal(declareSetting('x', { task: 'not a name!' }).task, 'x', 'a task must be a name usable in place of a setting');
});

test('catalogue: task names stand for the main setting, known tasks keep theirs, new tasks their first setting', () => {
  const c = withKnown([declareSetting('kitti-a', { task: 'detection', metrics: ['ap'] }), declareSetting('kitti-b', { task: 'detection', metrics: ['ap'] })]);
  assert.equal(c.resolve('segmentation')?.name, 'seg');
  assert.equal(c.resolve('classification')?.name, 'cls-50-1000');
  assert.equal(c.resolve('detection')?.name, 'kitti-a');
  assert.equal(c.taskAlias('detection'), 'kitti-a');
  assert.equal(c.taskAlias('kitti-a'), undefined);
  assert.ok(c.names().includes('kitti-b') && c.names().includes('detection'));
  assert.match(c.describe(), /or a task: classification, segmentation, video, detection/);
  // a catalogue without the known main setting of a task: the task's first setting stands for it
  const only = new SettingCatalogue([declareSetting('seg-4x')]);
  assert.equal(only.resolve('segmentation')?.name, 'seg-4x');
  assert.equal(DEFAULT_CATALOGUE.resolve('detection'), undefined);
});

test('catalogueFromManifestObject: what ncprop train recorded, plus the known settings', () => {
  const c = catalogueFromManifestObject({ settings: { '3ddet': { task: 'detection', metrics: ['moderate', 'easy', 'hard'], inputDim: 27 }, mine: { metrics: ['m'], inputDim: 27 } } });
  assert.equal(c.resolve('3ddet')?.metrics[0], 'moderate');
  assert.equal(c.resolve('mine')?.task, 'mine');
  assert.equal(c.resolve('seg')?.name, 'seg');
  assert.equal(c.resolve('nb201')?.space, 'nb201');
  // garbage in a manifest: no throw, the known settings still
  assert.equal(catalogueFromManifestObject(null).resolve('seg')?.name, 'seg');
  assert.equal(catalogueFromManifestObject({ settings: { x: 5 } }).resolve('x'), undefined);
});

test('the active catalogue drives the language and objectives; digit-led names lex as names', () => {
  const doc = 'network n = "32_32-1_1_2_32-2_2_2_2_32_64-3_3_2_2_2_32_64_96-1_4_2_2_2_2_32_64_96_128-128"\npropagate p from n {\n  maximize 0.5 * 3ddet.moderate\n  flops <= 25G\n  lambda 1e-1\n}\n';
  setActiveCatalogue(undefined);
  assert.deepEqual(analyzeText(doc).diagnostics.map((d) => d.code), ['unknown-setting']);
  assert.throws(() => parseTerm('3ddet'), /unknown setting '3ddet'/);
  try {
    assert.ok(setActiveCatalogue(withKnown([declareSetting('3ddet')])));
    assert.deepEqual(analyzeText(doc).diagnostics, []);
    assert.deepEqual(parseTerm('0.5 * 3ddet'), { weight: 0.5, setting: '3ddet', metric: 'moderate' });
    assert.deepEqual(parseTerm('detection'), { weight: 1, setting: '3ddet', metric: 'moderate' });
    const typo = analyzeText(doc.replace('3ddet.moderate', '3ddet.moderat')).diagnostics;
    assert.match(typo[0].message, /has no metric 'moderat' \(did you mean 'moderate'\?\)/);
  } finally {
    setActiveCatalogue(undefined);
  }
  assert.equal(activeCatalogue(), DEFAULT_CATALOGUE);
});
