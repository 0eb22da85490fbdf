// `ncprop run FILE.ncp` on a propagate block with `input 512x1024 seg` and `flops <= 40 G`
// (#23 item 2): the block's budget counts at 512×1024 with a segmentation head, as
// `ncprop propagate --input 512x1024 --head seg --flops-max 40G` does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ncprop } from './cliHarness';
import { analyzeText } from '../../server/src/language/analyze';
import { cost } from '../../server/src/core/cost';

const SEG = { input: [512, 1024] as [number, number], head: 'seg' as const };
const NET = 'network cls_net = [88, 128, 1, 1, 128, 1, 1, 4, 120, 32, 2, 1, 2, 4, 128, 128, 128, 1, 1, 1, 1, 1, 32, 128, 8, 8, 128]';

test('run: a propagate block with input 512x1024 seg and flops <= 40 G gives a result within 40 G at that size', async () => {
  const start = analyzeText(NET).networks.get('cls_net')!.code!;
  assert.ok(cost(start, SEG).flops > 40 && cost(start).flops < 40, 'the start fits 40 G only at 128×128');
  const dir = mkdtempSync(join(tmpdir(), 'ncp-run-input-'));
  writeFileSync(join(dir, 'a.ncp'), `${NET}\n\npropagate to_seg from cls_net {\n  maximize seg.mIoU\n  flops <= 40 G\n  input 512x1024 seg\n  steps 8\n}\n`);
  const r = await ncprop(['run', 'a.ncp', 'to_seg', '--write'], dir);
  assert.equal(r.status, 0, r.stderr);
  const { readFileSync } = await import('node:fs');
  const net = analyzeText(readFileSync(join(dir, 'a.ncp'), 'utf8')).networks.get('cls_net_segmentation');
  assert.ok(net?.code, r.stdout);
  const f = cost(net.code, SEG).flops;
  assert.ok(f <= 40, `within 40 G at 512×1024, seg head: ${f}`);
});
