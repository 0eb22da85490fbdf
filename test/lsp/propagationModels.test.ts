// Propagations in the language server use the prediction service's predictor set: the models
// directory given in initializationOptions applies to them too (no second copy loaded from the
// default place). A corrupt directory makes a run fail with that directory's error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { corruptModelsDir, startClient, root } from './harness';

test('a propagation reads the predictors from initializationOptions.modelsDir', async () => {
  const dir = corruptModelsDir();
  // predictors: false — nothing loads until the propagation asks for the set.
  const c = await startClient({ initializationOptions: { modelsDir: dir, predictors: false }, capabilities: { workspace: { applyEdit: true } } });
  const uri = 'file:///work/models-dir.ncp';
  try {
    await c.open(uri, readFileSync(join(root, 'examples/propagate-to-seg.ncp'), 'utf8').replace('restarts 10', 'restarts 1').replace('steps 70', 'steps 5'));
    const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    const run = lenses.find((l) => l.command?.title === '▶ Run propagation');
    assert.ok(run?.command, 'a run lens on the propagate block');
    const out = await c.request<{ applied: boolean; reason?: string }>('workspace/executeCommand', { command: run.command.command, arguments: run.command.arguments });
    assert.equal(out.applied, false);
    assert.match(out.reason ?? '', /predictors could not be loaded: .*seg\.json.*checksum mismatch/);
    const status = await c.request<{ predictors: { kind: string } }>('ncp/status', null);
    assert.equal(status.predictors.kind, 'failed', 'the run loaded the shared set (and it failed)');
    assert.ok(c.alive());
  } finally {
    await c.stop();
  }
});
