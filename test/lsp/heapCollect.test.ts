// While a large document is open the server collects once the heap has grown by half past what
// the last collection left (features/documents/memory.ts, collectIfGrown): V8 by itself let it
// grow to twice the live size, and the server passed 600 MB during 20 keystrokes on the
// 100,000-network document (bench/lsp.ts). Garbage is made here the way keystrokes make it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapStatistics } from 'node:v8';
import { collectIfGrown, largeDocument } from '../../server/src/features/documents/memory';

const used = () => getHeapStatistics().used_heap_size / 1e6;
const tick = () => new Promise((r) => setImmediate(r));

test('with a large document open, a heap grown by half past the last collection is collected (on the next turn)', async () => {
  let keep: number[][] = Array.from({ length: 10 }, (_, i) => new Array<number>(1_000_000).fill(i + 0.5)); // ~80 MB live (doubles)
  collectIfGrown(); // no large document: not even looked at
  largeDocument('file:///large.ncp', true);
  try {
    collectIfGrown(); // the first look sets the live size
    await tick();
    const live = used();
    // keystrokes' garbage: texts made and dropped, more than half the live size
    let junk: number[][] = [];
    for (let i = 0; i < 12; i++) junk.push(new Array<number>(1_000_000).fill(i + 0.25));
    junk = [];
    void junk;
    const grown = used();
    assert.ok(grown > live * 1.5, `made garbage: ${grown.toFixed(0)} MB over ${live.toFixed(0)} MB live`);
    collectIfGrown();
    await tick();
    const after = used();
    assert.ok(after < live * 1.2, `collected: ${after.toFixed(0)} MB (${grown.toFixed(0)} MB before, ${live.toFixed(0)} MB live)`);
  } finally {
    largeDocument('file:///large.ncp', false);
    keep = [];
    void keep;
  }
});
